package meili

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// CreateKeyRequest is a validated POST /keys body. UID is empty when the
// client did not choose one (the caller then generates a uuid v4).
type CreateKeyRequest struct {
	Name        *string
	Description *string
	UID         string
	Actions     []Action
	Indexes     []string
	ExpiresAt   *time.Time
}

// UpdateKeyRequest is a validated PATCH /keys/{key} body: only name and
// description may change; a present null clears them.
type UpdateKeyRequest struct {
	Name        Opt[string]
	Description Opt[string]
}

var (
	createKeyFields    = []string{"description", "name", "uid", "actions", "indexes", "expiresAt"}
	updateKeyFields    = []string{"description", "name"}
	immutableKeyFields = map[string]Code{
		"uid": CodeImmutableAPIKeyUID, "actions": CodeImmutableAPIKeyActions, "indexes": CodeImmutableAPIKeyIndexes,
		"expiresAt": CodeImmutableAPIKeyExpiresAt, "createdAt": CodeImmutableAPIKeyCreatedAt,
		"updatedAt": CodeImmutableAPIKeyUpdatedAt, "key": CodeImmutableAPIKeyKey,
	}
)

// DecodeCreateKey validates a POST /keys body with Meilisearch's errors;
// expiresAt must be in the future relative to now.
func DecodeCreateKey(body []byte, now time.Time) (CreateKeyRequest, error) {
	m, err := decodeKeyObject(body)
	if err != nil {
		return CreateKeyRequest{}, err
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(createKeyFields, k) {
			return CreateKeyRequest{}, Errorf(CodeBadRequest, "%s", unknownMember("", k, createKeyFields))
		}
	}
	var req CreateKeyRequest
	for _, step := range []func(map[string]any, *CreateKeyRequest) error{
		decodeKeyTexts, decodeKeyUID, decodeKeyActions, decodeKeyIndexes,
	} {
		if err := step(m, &req); err != nil {
			return CreateKeyRequest{}, err
		}
	}
	if err := decodeKeyExpiry(m, &req, now); err != nil {
		return CreateKeyRequest{}, err
	}
	return req, nil
}

func decodeKeyObject(body []byte) (map[string]any, error) {
	v, err := decodeJSONBody(body)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, Errorf(CodeBadRequest, "%s", typeMismatch("", "an object", v))
	}
	return m, nil
}

func optText(m map[string]any, name string, code Code) (*string, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return nil, nil
	}
	s, ok := v.(string)
	if !ok {
		return nil, Errorf(code, "%s", typeMismatch("."+name, "a string", v))
	}
	return &s, nil
}

func decodeKeyTexts(m map[string]any, req *CreateKeyRequest) (err error) {
	if req.Description, err = optText(m, "description", CodeInvalidAPIKeyDescription); err != nil {
		return err
	}
	req.Name, err = optText(m, "name", CodeInvalidAPIKeyName)
	return err
}

func decodeKeyUID(m map[string]any, req *CreateKeyRequest) error {
	uid, err := optText(m, "uid", CodeInvalidAPIKeyUID)
	if err != nil || uid == nil {
		return err
	}
	canon, msg := parseUUID(*uid)
	if msg != "" {
		return Errorf(CodeInvalidAPIKeyUID, "Invalid value at `.uid`: %s", msg)
	}
	req.UID = canon
	return nil
}

func decodeKeyActions(m map[string]any, req *CreateKeyRequest) error {
	v, ok := m["actions"]
	if !ok {
		return Errorf(CodeMissingAPIKeyActions, "Missing field `actions`")
	}
	names := make([]string, 0, len(Actions()))
	for _, a := range Actions() {
		names = append(names, string(a))
	}
	if msg := checkArray(checkEnum(names...))(".actions", v); msg != "" {
		return Errorf(CodeInvalidAPIKeyActions, "%s", msg)
	}
	for _, a := range v.([]any) {
		req.Actions = append(req.Actions, Action(a.(string)))
	}
	return nil
}

func decodeKeyIndexes(m map[string]any, req *CreateKeyRequest) error {
	v, ok := m["indexes"]
	if !ok {
		return Errorf(CodeMissingAPIKeyIndexes, "Missing field `indexes`")
	}
	if msg := checkStrings(".indexes", v); msg != "" {
		return Errorf(CodeInvalidAPIKeyIndexes, "%s", msg)
	}
	for i, p := range v.([]any) {
		s := p.(string)
		if !ValidIndexPattern(s) {
			return Errorf(CodeInvalidAPIKeyIndexes, "Invalid value at `.indexes[%d]`: `%s` is not a valid index uid pattern. Index uid patterns can be an integer or a string containing only alphanumeric characters, hyphens (-), underscores (_), and optionally end with a star (*).", i, s)
		}
		req.Indexes = append(req.Indexes, s)
	}
	return nil
}

func decodeKeyExpiry(m map[string]any, req *CreateKeyRequest, now time.Time) error {
	v, ok := m["expiresAt"]
	if !ok {
		return Errorf(CodeMissingAPIKeyExpiresAt, "Missing field `expiresAt`")
	}
	if v == nil {
		return nil
	}
	s, ok := v.(string)
	if !ok {
		return Errorf(CodeInvalidAPIKeyExpiresAt, "%s", typeMismatch(".expiresAt", "a string", v))
	}
	t, ok := parseExpiry(s)
	if !ok || !t.After(now) {
		return Errorf(CodeInvalidAPIKeyExpiresAt, "Invalid value at `.expiresAt`: `%s` is not a valid date. It should follow the RFC 3339 format to represents a date or datetime in the future or specified as a null value. e.g. 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.\n", s)
	}
	req.ExpiresAt = &t
	return nil
}

// parseExpiry accepts RFC 3339, "YYYY-MM-DDTHH:MM:SS", "YYYY-MM-DD
// HH:MM:SS" and "YYYY-MM-DD" (UTC), like Meilisearch.
func parseExpiry(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", time.DateTime, time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// DecodeUpdateKey validates a PATCH /keys/{key} body.
func DecodeUpdateKey(body []byte) (UpdateKeyRequest, error) {
	m, err := decodeKeyObject(body)
	if err != nil {
		return UpdateKeyRequest{}, err
	}
	for _, k := range sortedKeys(m) {
		if slices.Contains(updateKeyFields, k) {
			continue
		}
		if code, ok := immutableKeyFields[k]; ok {
			return UpdateKeyRequest{}, Errorf(code, "Immutable field `%s`: expected one of %s", k, backquoteList(updateKeyFields))
		}
		return UpdateKeyRequest{}, Errorf(CodeBadRequest, "%s", unknownMember("", k, updateKeyFields))
	}
	var req UpdateKeyRequest
	for _, f := range []struct {
		name string
		code Code
		dst  *Opt[string]
	}{{"description", CodeInvalidAPIKeyDescription, &req.Description}, {"name", CodeInvalidAPIKeyName, &req.Name}} {
		v, ok := m[f.name]
		if !ok {
			continue
		}
		s, err := optText(m, f.name, f.code)
		if err != nil {
			return UpdateKeyRequest{}, err
		}
		if v == nil {
			*f.dst = ResetOpt[string]()
		} else {
			*f.dst = Some(*s)
		}
	}
	return req, nil
}

// parseUUID accepts the forms Rust's Uuid::from_str accepts (simple,
// hyphenated, braced, urn) and returns the lowercase hyphenated form, or
// the uuid crate's style of error message.
func parseUUID(s string) (string, string) {
	body := s
	switch {
	case strings.HasPrefix(body, "urn:uuid:"):
		body = body[len("urn:uuid:"):]
	case strings.HasPrefix(body, "{") && strings.HasSuffix(body, "}"):
		body = body[1 : len(body)-1]
	}
	for i, r := range body {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' || r == '-') {
			return "", fmt.Sprintf("invalid character: found `%c` at %d", r, i)
		}
	}
	hexOnly := strings.ReplaceAll(body, "-", "")
	hyphenated := len(body) == 36 && body[8] == '-' && body[13] == '-' && body[18] == '-' && body[23] == '-'
	if len(hexOnly) != 32 || (len(body) != 32 && !hyphenated) {
		return "", fmt.Sprintf("invalid length: expected length 32 for simple format, found %d", len(body))
	}
	h := strings.ToLower(hexOnly)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], ""
}
