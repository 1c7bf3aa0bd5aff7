package index

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf8"
)

// A small JSON reader for stored documents: they are validated once with
// json.Valid, then split and flattened without encoding/json's reflection,
// which dominated indexing time.

var errNotObject = errors.New("document is not a JSON object")

func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString returns the end (after the closing quote) of the string at i,
// and whether it contains escapes.
func scanString(b []byte, i int) (int, bool) {
	esc := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			esc = true
			j++
		case '"':
			return j + 1, esc
		}
	}
	return len(b), esc
}

func decodeString(b []byte, esc bool) string {
	if !esc {
		return string(b[1 : len(b)-1])
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		return string(b[1 : len(b)-1])
	}
	return s
}

// skipValue returns the end of the (valid) value starting at i.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		end, _ := scanString(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := scanString(b, j)
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && !isDelim(b[j]) {
		j++
	}
	return j
}

func isDelim(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// eachMember calls fn with every key and raw value of the object at i;
// it returns the end of the object.
func eachMember(b []byte, i int, fn func(key string, start, end int)) int {
	i = skipWS(b, i) + 1 // '{'
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] == '}' {
			return i + 1
		}
		if b[i] == ',' {
			i++
			continue
		}
		kend, esc := scanString(b, i)
		key := decodeString(b[i:kend], esc)
		i = skipWS(b, kend) + 1 // ':'
		i = skipWS(b, i)
		vend := skipValue(b, i)
		fn(key, i, vend)
		i = vend
	}
}

// members splits a JSON object into its top-level fields, keeping order and
// the exact bytes of each value.
func members(raw []byte) ([]member, error) {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' || !json.Valid(raw) {
		return nil, errNotObject
	}
	var out []member
	eachMember(raw, i, func(key string, s, e int) {
		out = append(out, member{Key: key, Value: json.RawMessage(raw[s:e])})
	})
	return out, nil
}

// flatten decodes a document already validated (by members) into its
// flattened fields, in first-seen order. Arrays contribute each element to
// the same path; objects extend the path.
func flatten(raw []byte) ([]field, error) {
	i := skipWS(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, errNotObject
	}
	f := &flattener{index: map[string]int{}}
	eachMember(raw, i, func(key string, s, e int) { f.value(key, raw[s:e]) })
	return f.fields, nil
}

func (f *flattener) value(path string, b []byte) {
	switch b[0] {
	case '{':
		n := 0
		eachMember(b, 0, func(key string, s, e int) {
			n++
			f.value(path+"."+key, b[s:e])
		})
		if n == 0 {
			f.add(path, leaf{kind: leafEmpty})
		}
	case '[':
		f.array(path, b)
	case '"':
		end, esc := scanString(b, 0)
		s := decodeString(b[:end], esc)
		if s == "" {
			f.add(path, leaf{kind: leafEmpty})
			return
		}
		if !utf8.ValidString(s) {
			s = string([]rune(s))
		}
		f.add(path, leaf{kind: leafString, str: s})
	case 't', 'f':
		f.add(path, leaf{kind: leafBool, str: string(b)})
	case 'n':
		f.add(path, leaf{kind: leafNull})
	default:
		n, _ := strconv.ParseFloat(string(b), 64)
		f.add(path, leaf{kind: leafNumber, str: string(b), num: n})
	}
}

func (f *flattener) array(path string, b []byte) {
	i, n := 1, 0
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] == ']' {
			break
		}
		if b[i] == ',' {
			i++
			continue
		}
		end := skipValue(b, i)
		f.value(path, b[i:end])
		n++
		i = end
	}
	if n == 0 {
		f.add(path, leaf{kind: leafEmpty})
	}
}
