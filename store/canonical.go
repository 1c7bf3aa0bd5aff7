package store

import (
	"bytes"
	"encoding/json"
)

// canonicalJSON returns raw re-encoded with sorted object keys and no
// insignificant whitespace; numbers keep their text (no float rounding).
// Two peers that store the same value therefore store the same bytes.
func canonicalJSON(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errorf(ErrInvalid, "invalid JSON: %v", err)
	}
	if dec.More() {
		return nil, errorf(ErrInvalid, "invalid JSON: trailing data")
	}
	out, err := json.Marshal(v)
	if err != nil {
		return nil, errorf(ErrInvalid, "invalid JSON: %v", err)
	}
	return out, nil
}

// compactJSON validates raw and removes insignificant whitespace, keeping
// key order: enough for values that are stored and returned but never
// compared (task details), and much cheaper than canonicalJSON.
func compactJSON(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, errorf(ErrInvalid, "invalid JSON: %v", err)
	}
	return buf.Bytes(), nil
}
