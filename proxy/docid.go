package proxy

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// docFacts is what the write path needs from one document.
type docFacts struct {
	id       string // canonical id
	reserved string // first reserved field found, "" when none
}

// inspectDocument reads the top-level fields of a raw document: its primary
// key value (canonicalised) and any reserved field.
func inspectDocument(doc []byte, primaryKey string) (docFacts, error) {
	var f docFacts
	var rawID []byte
	s := scanner{b: doc}
	err := s.members(func(key []byte, _ int) (bool, error) {
		if f.reserved == "" && bytes.HasPrefix(key, []byte(reservedPrefix)) {
			f.reserved = string(key)
		}
		raw, err := s.skip()
		if string(key) == primaryKey {
			rawID = raw
		}
		return true, err
	})
	if err != nil {
		return f, malformed(formatJSON, err)
	}
	if f.reserved != "" {
		return f, meili.Errorf(meili.CodeMiroirReservedField,
			"The field `%s` is reserved by miroir (fields starting with `%s`); rename it and send the document again.", f.reserved, reservedPrefix)
	}
	if rawID == nil {
		return f, meili.Errorf(meili.CodeMissingDocumentID,
			"Document doesn't have a `%s` attribute: `%s`.", primaryKey, compactJSON(doc))
	}
	f.id, err = canonicalID(rawID)
	return f, err
}

// inferPrimaryKey is Meilisearch's rule on the first document: the one
// top-level field whose lowercase name ends with "id".
func inferPrimaryKey(doc []byte) (string, error) {
	var candidates []string
	s := scanner{b: doc}
	_ = s.members(func(key []byte, _ int) (bool, error) {
		if strings.HasSuffix(strings.ToLower(string(key)), "id") {
			candidates = append(candidates, string(key))
		}
		_, err := s.skip()
		return true, err
	})
	slices.Sort(candidates)
	switch len(candidates) {
	case 0:
		return "", meili.Errorf(meili.CodeIndexPrimaryKeyNoCandidate,
			"The primary key inference failed as the engine did not find any field ending with `id` in its name. Please specify the primary key manually using the `primaryKey` query parameter.")
	case 1:
		return candidates[0], nil
	}
	return "", meili.Errorf(meili.CodeIndexPrimaryKeyMultipleCandidates,
		"The primary key inference failed as the engine found %d fields ending with `id` in their names: '%s' and '%s'. Please specify the primary key manually using the `primaryKey` query parameter.",
		len(candidates), candidates[0], candidates[1])
}

// canonicalID validates a raw id: an integer (decimal string) or a string
// of [A-Za-z0-9_-] shorter than 512 bytes. 1 and "1" are one document.
func canonicalID(raw []byte) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil && validStringID(s) {
			return s, nil
		}
		return "", invalidID(raw)
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return strconv.FormatInt(n, 10), nil
	}
	if n, err := strconv.ParseUint(string(raw), 10, 64); err == nil {
		return strconv.FormatUint(n, 10), nil
	}
	return "", invalidID(raw)
}

func validStringID(s string) bool {
	if s == "" || len(s) >= 512 {
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

func invalidID(raw []byte) error {
	return meili.Errorf(meili.CodeInvalidDocumentID,
		"Document identifier `%s` is invalid. A document identifier can be of type integer or string, only composed of alphanumeric characters (a-z A-Z 0-9), hyphens (-) and underscores (_), and can not be more than 511 bytes.", raw)
}

func compactJSON(b []byte) string {
	var out bytes.Buffer
	if json.Compact(&out, b) != nil {
		return string(b)
	}
	return out.String()
}

// stampDocument appends doc to dst with the reserved fields added before its
// closing brace; nothing else is re-encoded.
func stampDocument(dst, doc []byte, shard int, version uint64) []byte {
	doc = bytes.TrimSpace(doc)
	body := bytes.TrimSpace(doc[:len(doc)-1]) // without the closing brace
	dst = append(dst, body...)
	if len(body) > 1 {
		dst = append(dst, ',')
	}
	dst = append(dst, `"`+reservedShardField+`":`...)
	dst = strconv.AppendInt(dst, int64(shard), 10)
	dst = append(dst, `,"`+reservedVersionField+`":`...)
	dst = strconv.AppendUint(dst, version, 10)
	return append(dst, '}')
}
