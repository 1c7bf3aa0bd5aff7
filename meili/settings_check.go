package meili

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// A small path-aware checker that reproduces the messages of Meilisearch's
// deserr decoding, e.g. "Invalid value type at `.rankingRules`: expected an
// array, but found a string: `\"doggo\"`". Values come from encoding/json
// with UseNumber.

type checker func(path string, v any) string

func kindOf(v any) string {
	switch t := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	case json.Number:
		s := t.String()
		switch {
		case strings.ContainsAny(s, ".eE"):
			return "a number"
		case strings.HasPrefix(s, "-"):
			return "a negative integer"
		}
		return "a positive integer"
	}
	return "a value"
}

func typeMismatch(path, expected string, v any) string {
	at := ""
	if path != "" {
		at = fmt.Sprintf(" at `%s`", path)
	}
	found := "null"
	if v != nil {
		b, _ := marshalNoEscape(v)
		found = fmt.Sprintf("%s: `%s`", kindOf(v), b)
	}
	return fmt.Sprintf("Invalid value type%s: expected %s, but found %s", at, expected, found)
}

func invalidValue(path, msg string) string {
	if path == "" {
		return "Invalid value: " + msg
	}
	return fmt.Sprintf("Invalid value at `%s`: %s", path, msg)
}

func checkString(path string, v any) string {
	if _, ok := v.(string); !ok {
		return typeMismatch(path, "a string", v)
	}
	return ""
}

func checkBool(path string, v any) string {
	if _, ok := v.(bool); !ok {
		return typeMismatch(path, "a boolean", v)
	}
	return ""
}

// checkUint accepts a non-negative integer up to max; nonZero rejects 0
// like Rust's NonZeroUsize.
func checkUint(max uint64, nonZero bool) checker {
	return func(path string, v any) string {
		n, ok := v.(json.Number)
		if !ok || kindOf(v) != "a positive integer" {
			return typeMismatch(path, "a positive integer", v)
		}
		var u uint64
		if _, err := fmt.Sscan(n.String(), &u); err != nil || u > max {
			return invalidValue(path, fmt.Sprintf("value: `%s` is too large to be deserialized, maximum value authorized is `%d`", n, max))
		}
		if nonZero && u == 0 {
			return invalidValue(path, "a non-zero integer value lower than `18446744073709551615` was expected, but found a zero")
		}
		return ""
	}
}

func checkEnum(values ...string) checker {
	return func(path string, v any) string {
		s, ok := v.(string)
		if !ok {
			return typeMismatch(path, "a string", v)
		}
		for _, want := range values {
			if s == want {
				return ""
			}
		}
		at := ""
		if path != "" {
			at = fmt.Sprintf(" at `%s`", path)
		}
		return fmt.Sprintf("Unknown value `%s`%s: expected one of %s", s, at, backquoteList(values))
	}
}

func backquoteList(values []string) string {
	quoted := make([]string, len(values))
	for i, v := range values {
		quoted[i] = "`" + v + "`"
	}
	return strings.Join(quoted, ", ")
}

func checkArray(elem checker) checker {
	return func(path string, v any) string {
		arr, ok := v.([]any)
		if !ok {
			return typeMismatch(path, "an array", v)
		}
		for i, e := range arr {
			if msg := elem(fmt.Sprintf("%s[%d]", path, i), e); msg != "" {
				return msg
			}
		}
		return ""
	}
}

var checkStrings = checkArray(checkString)

// checkMap checks an object whose values all pass elem.
func checkMap(elem checker) checker {
	return func(path string, v any) string {
		m, ok := v.(map[string]any)
		if !ok {
			return typeMismatch(path, "an object", v)
		}
		for _, k := range sortedKeys(m) {
			if msg := elem(path+"."+k, m[k]); msg != "" {
				return msg
			}
		}
		return ""
	}
}

// member is one member of an object schema; nullable members accept null.
type member struct {
	name     string
	check    checker
	nullable bool
}

// checkObject checks an object against known members, in order; unknown
// members are an error, as with deserr's deny_unknown_fields.
func checkObject(fields ...member) checker {
	return func(path string, v any) string {
		m, ok := v.(map[string]any)
		if !ok {
			return typeMismatch(path, "an object", v)
		}
		names := make([]string, len(fields))
		for i, f := range fields {
			names[i] = f.name
		}
		for _, k := range sortedKeys(m) {
			if !containsString(names, k) {
				return unknownMember(path, k, names)
			}
		}
		for _, f := range fields {
			val, present := m[f.name]
			if !present || (val == nil && f.nullable) {
				continue
			}
			if msg := f.check(path+"."+f.name, val); msg != "" {
				return msg
			}
		}
		return ""
	}
}

func unknownMember(path, name string, known []string) string {
	inside := ""
	if path != "" {
		inside = fmt.Sprintf(" inside `%s`", path)
	}
	return fmt.Sprintf("Unknown field `%s`%s: expected one of %s", name, inside, backquoteList(known))
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
