package meili

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// MaxDocumentIDLength is the exclusive upper bound, in bytes, of a string
// document id.
const MaxDocumentIDLength = 512

// ReservedFieldPrefix starts every field miroir adds to stored documents
// (`_miroir_shard`, `_miroir_version`); clients may not send such fields.
const ReservedFieldPrefix = "_miroir_"

// InferPrimaryKey applies Meilisearch's inference rule to the first
// document of a payload: the top-level fields whose lowercase name ends
// with "id". Exactly one candidate is the primary key; none gives
// index_primary_key_no_candidate_found, several give
// index_primary_key_multiple_candidates_found (naming the first two in
// sorted order).
func InferPrimaryKey(doc Document) (string, error) {
	var candidates []string
	for name := range doc {
		if strings.HasSuffix(strings.ToLower(name), "id") {
			candidates = append(candidates, name)
		}
	}
	slices.Sort(candidates)
	switch len(candidates) {
	case 0:
		return "", Errorf(CodeIndexPrimaryKeyNoCandidate,
			"The primary key inference failed as the engine did not find any field ending with `id` in its name. Please specify the primary key manually using the `primaryKey` query parameter.")
	case 1:
		return candidates[0], nil
	}
	return "", Errorf(CodeIndexPrimaryKeyMultipleCandidates,
		"The primary key inference failed as the engine found %d fields ending with `id` in their names: '%s' and '%s'. Please specify the primary key manually using the `primaryKey` query parameter.",
		len(candidates), candidates[0], candidates[1])
}

// CanonicalID validates a raw JSON document id and returns its canonical
// string: integers (JSON numbers without fraction or exponent that fit in
// int64 or uint64) in decimal, strings of [A-Za-z0-9_-] shorter than 512
// bytes as is. So 1 and "1" are the same document. Anything else is
// invalid_document_id with Meilisearch's message.
func CanonicalID(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil && ValidDocumentID(s) {
			return s, nil
		}
		return "", invalidDocumentID(raw)
	}
	if id, ok := canonicalInteger(string(raw)); ok {
		return id, nil
	}
	return "", invalidDocumentID(raw)
}

func canonicalInteger(s string) (string, bool) {
	if s == "" || strings.ContainsAny(s, ".eE+") || !json.Valid([]byte(s)) {
		return "", false
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(n, 10), true
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return strconv.FormatUint(n, 10), true
	}
	return "", false
}

// ValidDocumentID reports whether s is a valid string document id.
func ValidDocumentID(s string) bool {
	if s == "" || len(s) >= MaxDocumentIDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func invalidDocumentID(raw json.RawMessage) *Error {
	shown := string(raw)
	var v any
	if json.Unmarshal(raw, &v) == nil {
		if b, err := marshalNoEscape(v); err == nil {
			shown = string(b)
		}
	}
	return Errorf(CodeInvalidDocumentID,
		"Document identifier `%s` is invalid. A document identifier can be of type integer or string, only composed of alphanumeric characters (a-z A-Z 0-9), hyphens (-) and underscores (_), and can not be more than 511 bytes.", shown)
}

// DocumentID extracts and canonicalises the primary key value of doc.
// primaryKey may name a nested field with dots ("product.sku"): the flat
// key is tried first, then the nested path. A missing key gives
// missing_document_id with Meilisearch's message.
func DocumentID(doc Document, primaryKey string) (string, error) {
	raw, ok := lookupPath(doc, primaryKey)
	if !ok {
		b, _ := marshalNoEscape(doc)
		return "", Errorf(CodeMissingDocumentID, "Document doesn't have a `%s` attribute: `%s`.", primaryKey, b)
	}
	return CanonicalID(raw)
}

func lookupPath(doc Document, path string) (json.RawMessage, bool) {
	if raw, ok := doc[path]; ok {
		return raw, true
	}
	head, rest, found := strings.Cut(path, ".")
	for found {
		if raw, ok := doc[head]; ok {
			var nested Document
			if json.Unmarshal(raw, &nested) == nil && nested != nil {
				if v, ok := lookupPath(nested, rest); ok {
					return v, true
				}
			}
		}
		var more string
		more, rest, found = strings.Cut(rest, ".")
		head = head + "." + more
	}
	return nil, false
}

// CheckReserved rejects a document carrying a top-level `_miroir_*` field
// (miroir_reserved_field): those fields are miroir's own bookkeeping.
func CheckReserved(doc Document) error {
	for name := range doc {
		if strings.HasPrefix(name, ReservedFieldPrefix) {
			return Errorf(CodeMiroirReservedField,
				"The field `%s` is reserved by miroir: fields starting with `%s` cannot be sent. Rename the field in your documents.",
				name, ReservedFieldPrefix)
		}
	}
	return nil
}

// marshalNoEscape is json.Marshal without HTML escaping, as serde_json
// writes JSON.
func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
