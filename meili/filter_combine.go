package meili

import (
	"encoding/json"
	"strings"
)

// AndFilters combines raw filter values (each a string, an array of the
// Meilisearch array form, json.RawMessage, or nil) into one value that
// matches their conjunction, without parsing them: the result is nil when
// every part is empty, the single non-empty part unchanged, or an outer
// array (AND) holding each string part and the elements of each array part.
// An invalid part is kept as is, so parsing the result reports it.
func AndFilters(parts ...any) any {
	var out []any
	var single any
	n := 0
	for _, p := range parts {
		p = normalizeFilterPart(p)
		if isEmptyFilterPart(p) {
			continue
		}
		n++
		single = p
		switch t := p.(type) {
		case []any:
			out = append(out, t...)
		case []string:
			for _, s := range t {
				out = append(out, s)
			}
		default:
			out = append(out, t)
		}
	}
	if n == 1 {
		return single
	}
	if n == 0 {
		return nil
	}
	return out
}

func normalizeFilterPart(p any) any {
	var raw []byte
	switch t := p.(type) {
	case json.RawMessage:
		raw = t
	case []byte:
		raw = t
	default:
		return p
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return json.RawMessage(raw)
	}
	return v
}

func isEmptyFilterPart(p any) bool {
	switch t := p.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(t) == ""
	case []any:
		return len(t) == 0
	case []string:
		return len(t) == 0
	}
	return false
}

// Walk calls fn for every node in depth-first order, parents first; fn
// returning false skips that node's children.
func (f *Filter) Walk(fn func(Node) bool) {
	if f == nil || f.Root == nil {
		return
	}
	walkNode(f.Root, fn)
}

func walkNode(n Node, fn func(Node) bool) {
	if !fn(n) {
		return
	}
	switch t := n.(type) {
	case *And:
		for _, c := range t.Children {
			walkNode(c, fn)
		}
	case *Or:
		for _, c := range t.Children {
			walkNode(c, fn)
		}
	case *Not:
		walkNode(t.Child, fn)
	}
}

// Fields returns the attribute of every condition, in source order, for
// filterable-attribute checks (geo nodes use `_geo`, which is not listed).
func (f *Filter) Fields() []Value {
	var out []Value
	f.Walk(func(n Node) bool {
		if c, ok := n.(*Condition); ok {
			out = append(out, c.Field)
		}
		return true
	})
	return out
}
