package meili

import (
	"encoding/json"
	"slices"
)

// DecodeDeleteByFilter validates a POST /indexes/{uid}/documents/delete
// body, {"filter": ...}, and returns the parsed filter and its raw value
// (to store in the task's originalFilter). Errors: missing_document_filter,
// invalid_document_filter (syntax, or a filter that is empty).
func DecodeDeleteByFilter(body []byte) (*Filter, any, error) {
	m, err := decodeKeyObject(body)
	if err != nil {
		return nil, nil, err
	}
	known := []string{"filter"}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(known, k) {
			return nil, nil, Errorf(CodeBadRequest, "%s", unknownMember("", k, known))
		}
	}
	raw, ok := m["filter"]
	if !ok {
		return nil, nil, Errorf(CodeMissingDocumentFilter, "Missing field `filter`")
	}
	f, err := ParseFilterWithCode(raw, CodeInvalidDocumentFilter)
	if err != nil {
		return nil, nil, err
	}
	if f == nil {
		return nil, nil, Errorf(CodeInvalidDocumentFilter, "Sending an empty filter is forbidden.")
	}
	return f, raw, nil
}

// DecodeDeleteBatch reads a POST /indexes/{uid}/documents/delete-batch
// body, an array of ids. Like Meilisearch, strings are kept as they are and
// other values become their JSON text (1 -> "1"); ids that are not valid
// simply match no document.
func DecodeDeleteBatch(body []byte) ([]string, error) {
	var ids []json.RawMessage
	if err := json.Unmarshal(body, &ids); err != nil {
		return nil, Errorf(CodeBadRequest, "Json deserialize error: %v", err)
	}
	out := make([]string, len(ids))
	for i, raw := range ids {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			out[i] = s
			continue
		}
		var v any
		_ = json.Unmarshal(raw, &v)
		enc, _ := marshalNoEscape(v)
		out[i] = string(enc)
	}
	return out, nil
}
