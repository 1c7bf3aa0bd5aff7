package engine

import (
	"bytes"
	"encoding/json"
	"io"
)

// Fast paths for the two JSON payload formats: one validating scan of the
// whole body (json.Valid) and a split that only tracks strings and depth,
// instead of decoding every document. Anything unusual falls back to the
// json.Decoder paths, which also produce the error messages.

// fastJSONDocuments splits a valid JSON array of objects; ok is false when
// the body is anything else.
func fastJSONDocuments(body []byte) (docs []json.RawMessage, ok bool) {
	t := bytes.Trim(body, jsonSpace)
	if len(t) < 2 || t[0] != '[' || !json.Valid(t) {
		return nil, false
	}
	docs = []json.RawMessage{}
	depth, inStr, esc, start := 0, false, false, -1
	for i, c := range t {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
			if depth == 2 && c == '{' {
				start = i
			} else if depth == 2 {
				return nil, false // an element that is not an object
			}
		case c == '}' || c == ']':
			if depth == 2 && c == '}' {
				docs = append(docs, json.RawMessage(t[start:i+1]))
			}
			depth--
		case depth == 1 && c != ',' && c != ' ' && c != '\n' && c != '\r' && c != '\t':
			return nil, false // a scalar element
		}
	}
	return docs, true
}

// fastNDJSON splits one object per line; ok is false when a line is not a
// complete JSON object (multi-line values, errors).
func fastNDJSON(body []byte) (docs []json.RawMessage, ok bool) {
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		line = bytes.Trim(line, jsonSpace)
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' || !json.Valid(line) {
			return nil, false
		}
		docs = append(docs, json.RawMessage(line))
	}
	return docs, len(docs) > 0
}

// jsonSpace is JSON's whitespace. bytes.TrimSpace would also drop \v, \f
// and Unicode spaces, which the decoder path rejects: the fast path would
// accept a line the decoder refuses (found by FuzzParseDocuments).
const jsonSpace = " \t\r\n"

// readAll reads a payload, keeping body-size errors for the error handler.
func readAll(body io.Reader) ([]byte, error) {
	b, err := io.ReadAll(body)
	if err != nil {
		return nil, err
	}
	return b, nil
}
