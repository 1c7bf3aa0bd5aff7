package meili

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// MaxFilterDepth is the parser's recursion budget, Meilisearch's
// MAX_FILTER_DEPTH. Every OR, AND, NOT and primary level spends one unit, so
// one level of parentheses costs four: 36 nested parentheses or 147
// chained NOTs are accepted, like Meilisearch.
const MaxFilterDepth = 150

// Filter is a parsed Meilisearch filter (reference §6).
//
// Root is the expression; Sources holds the filter strings it was parsed
// from (one for the string form, one per string for the array form), so an
// evaluator can report an error at a node's Pos in Meilisearch's
// "message\ncol:col filter" shape with ErrorAt.
type Filter struct {
	Root    Node
	Sources []string
}

// Pos locates a node in Filter.Sources[Source], as byte offsets [Start, End).
type Pos struct {
	Source, Start, End int
}

// Node is one node of a filter expression: *And, *Or, *Not, *Condition,
// *GeoRadius, *GeoBoundingBox, *GeoPolygon or *VectorExists.
type Node interface {
	Span() Pos
	String() string
	isNode()
}

// And matches documents matched by every child.
type And struct {
	Children []Node
	At       Pos
}

// Or matches documents matched by any child.
type Or struct {
	Children []Node
	At       Pos
}

// Not is the complement of Child over all documents (so documents lacking
// the field are included, as in Meilisearch). The negated operators
// (NOT IN, NOT EXISTS, IS NOT NULL, IS NOT EMPTY, NOT CONTAINS,
// NOT STARTS WITH) parse to Not{Condition}; `!=` is its own Op.
type Not struct {
	Child Node
	At    Pos
}

// Op is a condition operator.
type Op string

// The condition operators.
const (
	OpEq         Op = "="
	OpNe         Op = "!="
	OpGt         Op = ">"
	OpGte        Op = ">="
	OpLt         Op = "<"
	OpLte        Op = "<="
	OpTo         Op = "TO"          // Value TO To, both ends inclusive
	OpIn         Op = "IN"          // Values
	OpExists     Op = "EXISTS"      // no operand
	OpIsNull     Op = "IS NULL"     // no operand
	OpIsEmpty    Op = "IS EMPTY"    // no operand
	OpContains   Op = "CONTAINS"    // Value; needs the containsFilter feature in Meilisearch
	OpStartsWith Op = "STARTS WITH" // Value
)

// Condition is `Field Op operand`. Which operand fields are set depends on
// Op (see the Op constants).
type Condition struct {
	Field  Value
	Op     Op
	Value  Value
	To     Value
	Values []Value
}

// Value is a field name or an operand, unquoted and unescaped. Meilisearch
// does not distinguish quoted from bare values: "10" and 10 are the same.
type Value struct {
	Text string
	At   Pos
}

// Number reports Text as a finite number, the way Meilisearch decides that
// an operand also matches numerically.
func (v Value) Number() (float64, bool) {
	return parseFiniteNumber(v.Text)
}

// GeoPoint is a latitude/longitude pair in degrees.
type GeoPoint struct {
	Lat, Lng float64
}

// GeoRadius is `_geoRadius(lat, lng, radius[, resolution])`; Radius is in
// meters, Resolution is 0 when absent (Meilisearch's default is 125).
// Coordinates and resolution are range-checked by Filter.CheckGeo, not by
// the parser, because Meilisearch reports them while evaluating.
type GeoRadius struct {
	Center     GeoPoint
	Radius     float64
	Resolution int
	At         Pos

	args          []Pos   // the numbers' positions, for CheckGeo
	rawResolution float64 // the resolution as written
}

// GeoBoundingBox is `_geoBoundingBox([top, right], [bottom, left])`.
type GeoBoundingBox struct {
	TopRight, BottomLeft GeoPoint
	At                   Pos

	args []Pos
}

// GeoPolygon is `_geoPolygon([lat, lng], ...)` with at least three points.
type GeoPolygon struct {
	Points []GeoPoint
	At     Pos

	args []Pos
}

func (n *And) Span() Pos            { return n.At }
func (n *Or) Span() Pos             { return n.At }
func (n *Not) Span() Pos            { return n.At }
func (n *Condition) Span() Pos      { return n.Field.At }
func (n *GeoRadius) Span() Pos      { return n.At }
func (n *GeoBoundingBox) Span() Pos { return n.At }
func (n *GeoPolygon) Span() Pos     { return n.At }

func (*And) isNode()            {}
func (*Or) isNode()             {}
func (*Not) isNode()            {}
func (*Condition) isNode()      {}
func (*GeoRadius) isNode()      {}
func (*GeoBoundingBox) isNode() {}
func (*GeoPolygon) isNode()     {}

// ParseFilter parses a filter as Meilisearch accepts it: a string, or an
// array whose elements are ANDed, each a string or an array of strings that
// are ORed. v may be a string, []string, []any (as decoded by
// encoding/json), json.RawMessage or []byte (JSON), or nil. It returns
// (nil, nil) when there is no filter (nil, JSON null, blank strings, empty
// arrays). Errors are *Error with code invalid_search_filter.
func ParseFilter(v any) (*Filter, error) {
	return ParseFilterWithCode(v, CodeInvalidSearchFilter)
}

// ParseFilterWithCode is ParseFilter with another error code, e.g.
// CodeInvalidDocumentFilter for the documents routes.
func ParseFilterWithCode(v any, code Code) (*Filter, error) {
	b := filterBuilder{code: code}
	root, err := b.parseAny(v)
	if err != nil || root == nil {
		return nil, err
	}
	return &Filter{Root: root, Sources: b.sources}, nil
}

type filterBuilder struct {
	code    Code
	sources []string
}

func (b *filterBuilder) parseAny(v any) (Node, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return b.parseString(t)
	case json.RawMessage:
		return b.parseJSON(t)
	case []byte:
		return b.parseJSON(t)
	case []string:
		arr := make([]any, len(t))
		for i, s := range t {
			arr[i] = s
		}
		return b.parseArray(arr)
	case []any:
		return b.parseArray(t)
	default:
		return nil, b.typeError([]string{"String", "Array"}, t)
	}
}

func (b *filterBuilder) parseJSON(raw []byte) (Node, error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, Errorf(b.code, "Invalid filter: %v.", err)
	}
	return b.parseAny(v)
}

func (b *filterBuilder) parseString(s string) (Node, error) {
	src := len(b.sources)
	b.sources = append(b.sources, s)
	return parseFilterString(s, src, b.code)
}

// parseArray follows milli's Filter::parse_filter_array: outer elements are
// ANDed, inner arrays of strings are ORed, blank strings are skipped.
func (b *filterBuilder) parseArray(arr []any) (Node, error) {
	var ands []Node
	for _, el := range arr {
		switch t := el.(type) {
		case string:
			n, err := b.parseString(t)
			if err != nil {
				return nil, err
			}
			if n != nil {
				ands = append(ands, n)
			}
		case []any:
			n, err := b.parseOrArray(t)
			if err != nil {
				return nil, err
			}
			if n != nil {
				ands = append(ands, n)
			}
		default:
			return nil, b.typeError([]string{"String", "[String]"}, t)
		}
	}
	switch len(ands) {
	case 0:
		return nil, nil
	case 1:
		return ands[0], nil
	}
	return &And{Children: ands, At: spanOf(ands)}, nil
}

func (b *filterBuilder) parseOrArray(arr []any) (Node, error) {
	var ors []Node
	for _, el := range arr {
		s, ok := el.(string)
		if !ok {
			return nil, b.typeError([]string{"String"}, el)
		}
		n, err := b.parseString(s)
		if err != nil {
			return nil, err
		}
		if n != nil {
			ors = append(ors, n)
		}
	}
	switch len(ors) {
	case 0:
		return nil, nil
	case 1:
		return ors[0], nil
	}
	return &Or{Children: ors, At: spanOf(ors)}, nil
}

func (b *filterBuilder) typeError(expected []string, found any) error {
	enc, err := marshalNoEscape(found)
	if err != nil {
		enc = []byte(fmt.Sprint(found))
	}
	return Errorf(b.code, "Invalid syntax for the filter parameter: `expected %s, found: %s`.",
		strings.Join(expected, ", "), enc)
}

func spanOf(nodes []Node) Pos {
	first, last := nodes[0].Span(), nodes[len(nodes)-1].Span()
	if first.Source != last.Source {
		return first
	}
	return Pos{Source: first.Source, Start: first.Start, End: last.End}
}

// ErrorAt builds an error located at p in Meilisearch's shape:
// "<msg>\n<col>:<col> <filter>". Evaluators use it for semantic errors such
// as a non-filterable attribute (p = the Condition's Field.At).
func (f *Filter) ErrorAt(code Code, p Pos, msg string) *Error {
	if f == nil || p.Source < 0 || p.Source >= len(f.Sources) {
		return Errorf(code, "%s", msg)
	}
	return Errorf(code, "%s\n%s", msg, locate(f.Sources[p.Source], p.Start, p.End))
}

// String renders the filter in canonical syntax; parsing it gives the same
// tree. A nil filter renders as "".
func (f *Filter) String() string {
	if f == nil || f.Root == nil {
		return ""
	}
	return f.Root.String()
}

func formatFloat(f float64) string {
	return strconv.FormatFloat(f, 'g', -1, 64)
}
