package index

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// member is one top-level field of a stored document, in stored order.
type member struct {
	Key   string
	Value json.RawMessage
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
	norm string  // facet form: normalised strings and bools, shortest number text
	num  float64 // numbers
}

// field is one flattened path of a document and every scalar under it.
type field struct {
	pid    uint32 // mem path id, set by mem.put
	path   string
	leaves []leaf
}

type flattener struct {
	fields []field
	index  map[string]int
}

func (f *flattener) add(path string, l leaf) {
	switch l.kind {
	case leafString, leafBool:
		l.norm = normalizeFacet(l.str)
	case leafNumber:
		l.norm = strconv.FormatFloat(l.num, 'f', -1, 64)
	}
	i, ok := f.index[path]
	if !ok {
		i = len(f.fields)
		f.index[path] = i
		f.fields = append(f.fields, field{path: path})
	}
	f.fields[i].leaves = append(f.fields[i].leaves, l)
}

// pathCovers reports whether attribute pattern attr selects path: equal, a
// parent object ("a" covers "a.b"), or "*".
func pathCovers(attr, path string) bool {
	return attr == "*" || attr == path || strings.HasPrefix(path, attr+".") ||
		(strings.HasSuffix(attr, "*") && strings.HasPrefix(path, strings.TrimSuffix(attr, "*")))
}
