package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// member is one top-level field of a stored document, in stored order.
type member struct {
	Key   string
	Value json.RawMessage
}

// members splits a JSON object into its top-level fields, keeping order and
// the exact bytes of each value.
func members(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("document is not a JSON object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{Key: key, Value: v})
	}
	return out, nil
}

// encodeMembers writes members back as a JSON object.
func encodeMembers(ms []member) []byte {
	var b bytes.Buffer
	writeMembers(&b, ms)
	return b.Bytes()
}

func writeMembers(b *bytes.Buffer, ms []member) {
	b.WriteByte('{')
	for i, m := range ms {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(b, m.Key)
		b.Write(m.Value)
	}
	b.WriteByte('}')
}

func writeKey(b *bytes.Buffer, k string) {
	kb, _ := json.Marshal(k)
	b.Write(kb)
	b.WriteByte(':')
}

// leafKind classifies a flattened value.
type leafKind uint8

const (
	leafString leafKind = iota
	leafNumber
	leafBool
	leafNull
	leafEmpty // "", [] or {}: matches IS EMPTY
)

// leaf is one scalar found at a flattened path ("a.b") of a document.
type leaf struct {
	kind leafKind
	str  string  // original text (strings), canonical text (numbers, bools)
	num  float64 // numbers
}

// field is one flattened path of a document and every scalar under it.
type field struct {
	path   string
	leaves []leaf
}

// flatten decodes a document into its flattened fields, in first-seen order.
// Arrays contribute each element to the same path; objects extend the path.
func flatten(raw []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	ms, err := members(raw)
	if err != nil {
		return nil, err
	}
	f := &flattener{index: map[string]int{}}
	for _, m := range ms {
		f.walk(m.Key, v[m.Key])
	}
	return f.fields, nil
}

type flattener struct {
	fields []field
	index  map[string]int
}

func (f *flattener) add(path string, l leaf) {
	i, ok := f.index[path]
	if !ok {
		i = len(f.fields)
		f.index[path] = i
		f.fields = append(f.fields, field{path: path})
	}
	f.fields[i].leaves = append(f.fields[i].leaves, l)
}

func (f *flattener) walk(path string, v any) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			f.add(path, leaf{kind: leafEmpty})
		}
		for _, k := range sortedKeys(x) {
			f.walk(path+"."+k, x[k])
		}
	case []any:
		if len(x) == 0 {
			f.add(path, leaf{kind: leafEmpty})
		}
		for _, e := range x {
			f.walk(path, e)
		}
	case string:
		if x == "" {
			f.add(path, leaf{kind: leafEmpty})
			return
		}
		f.add(path, leaf{kind: leafString, str: x})
	case json.Number:
		n, _ := strconv.ParseFloat(string(x), 64)
		f.add(path, leaf{kind: leafNumber, str: string(x), num: n})
	case bool:
		f.add(path, leaf{kind: leafBool, str: strconv.FormatBool(x)})
	case nil:
		f.add(path, leaf{kind: leafNull})
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// pathCovers reports whether attribute pattern attr selects path: equal, a
// parent object ("a" covers "a.b"), or "*".
func pathCovers(attr, path string) bool {
	return attr == "*" || attr == path || strings.HasPrefix(path, attr+".") ||
		(strings.HasSuffix(attr, "*") && strings.HasPrefix(path, strings.TrimSuffix(attr, "*")))
}
