package meili

import (
	"fmt"
	"slices"
)

// DecodeCreateIndex validates a POST /indexes body with Meilisearch's
// errors (a missing or bad uid is invalid_index_uid, a bad primaryKey
// invalid_index_primary_key, other fields bad_request).
func DecodeCreateIndex(body []byte) (CreateIndexRequest, error) {
	m, err := decodeKeyObject(body)
	if err != nil {
		return CreateIndexRequest{}, err
	}
	known := []string{"uid", "primaryKey"}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(known, k) {
			return CreateIndexRequest{}, Errorf(CodeBadRequest, "%s", unknownMember("", k, known))
		}
	}
	raw, ok := m["uid"]
	if !ok {
		return CreateIndexRequest{}, Errorf(CodeInvalidIndexUID, "Missing field `uid`")
	}
	uid, isString := raw.(string)
	if !isString {
		return CreateIndexRequest{}, Errorf(CodeInvalidIndexUID, "%s", typeMismatch(".uid", "a string", raw))
	}
	if err := ValidateIndexUIDAt(uid, ".uid"); err != nil {
		return CreateIndexRequest{}, err
	}
	pk, err := optText(m, "primaryKey", CodeInvalidIndexPrimaryKey)
	if err != nil {
		return CreateIndexRequest{}, err
	}
	return CreateIndexRequest{UID: uid, PrimaryKey: pk}, nil
}

// DecodeUpdateIndex validates a PATCH /indexes/{uid} body: primaryKey and
// uid (a rename) may change; createdAt and updatedAt are immutable.
func DecodeUpdateIndex(body []byte) (UpdateIndexRequest, error) {
	m, err := decodeKeyObject(body)
	if err != nil {
		return UpdateIndexRequest{}, err
	}
	known := []string{"primaryKey", "uid"}
	immutable := map[string]Code{"createdAt": CodeImmutableIndexCreatedAt, "updatedAt": CodeImmutableIndexUpdatedAt}
	for _, k := range sortedKeys(m) {
		if slices.Contains(known, k) {
			continue
		}
		if code, ok := immutable[k]; ok {
			return UpdateIndexRequest{}, Errorf(code, "Immutable field `%s`: expected one of %s", k, backquoteList(known))
		}
		return UpdateIndexRequest{}, Errorf(CodeBadRequest, "%s", unknownMember("", k, known))
	}
	var req UpdateIndexRequest
	if req.PrimaryKey, err = optText(m, "primaryKey", CodeInvalidIndexPrimaryKey); err != nil {
		return UpdateIndexRequest{}, err
	}
	if req.UID, err = optText(m, "uid", CodeInvalidIndexUID); err != nil {
		return UpdateIndexRequest{}, err
	}
	if req.UID != nil {
		if err := ValidateIndexUIDAt(*req.UID, ".uid"); err != nil {
			return UpdateIndexRequest{}, err
		}
	}
	return req, nil
}

// DecodeSwapIndexes validates a POST /swap-indexes body (then
// ValidateSwaps) with Meilisearch's errors.
func DecodeSwapIndexes(body []byte) ([]SwapIndexes, error) {
	v, err := decodeJSONBody(body)
	if err != nil {
		return nil, err
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, Errorf(CodeBadRequest, "%s", typeMismatch("", "an array", v))
	}
	swaps := make([]SwapIndexes, 0, len(arr))
	for i, el := range arr {
		s, err := decodeSwap(fmt.Sprintf("[%d]", i), el)
		if err != nil {
			return nil, err
		}
		swaps = append(swaps, s)
	}
	return swaps, ValidateSwaps(swaps)
}

func decodeSwap(path string, el any) (SwapIndexes, error) {
	m, ok := el.(map[string]any)
	if !ok {
		return SwapIndexes{}, Errorf(CodeBadRequest, "%s", typeMismatch(path, "an object", el))
	}
	known := []string{"indexes", "rename"}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(known, k) {
			return SwapIndexes{}, Errorf(CodeBadRequest, "%s", unknownMember(path, k, known))
		}
	}
	raw, ok := m["indexes"]
	if !ok {
		return SwapIndexes{}, Errorf(CodeMissingSwapIndexes, "Missing field `indexes` inside `%s`", path)
	}
	if msg := checkStrings(path+".indexes", raw); msg != "" {
		return SwapIndexes{}, Errorf(CodeInvalidSwapIndexes, "%s", msg)
	}
	var s SwapIndexes
	for _, uid := range raw.([]any) {
		s.Indexes = append(s.Indexes, uid.(string))
	}
	if r, ok := m["rename"]; ok && r != nil {
		if msg := checkBool(path+".rename", r); msg != "" {
			return SwapIndexes{}, Errorf(CodeInvalidSwapRename, "%s", msg)
		}
		s.Rename = r.(bool)
	}
	return s, nil
}
