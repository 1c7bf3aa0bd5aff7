package meili

import (
	"errors"
	"reflect"
	"testing"
)

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"channel = Ponce", "a > 1 AND (b IN [x, 'y'] OR NOT c EXISTS)", "x 1 TO 2",
		"_geoRadius(1, 2, 3)", "_geoBoundingBox([1, 2], [0, 1])", "_geoPolygon([1,2],[3,4],[5,6])",
		`t = "a\"b\\c"`, "t IS NOT EMPTY", "t NOT STARTS WITH x", "NOT NOT (a = 1)", "x IN [", "'",
		`x = "\u{41}"`, "a = 1\nOR b = 2", "((", "_geo(1)", "a = _geoRadius(1,2,3)",
		"_vectors.e.fragments.f EXISTS", "_vectors NOT EXISTS", `_vectors."a.b".userProvided EXISTS`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			var me *Error
			if !errors.As(err, &me) || me.Code != CodeInvalidSearchFilter {
				t.Fatalf("error %v is not an invalid_search_filter *Error", err)
			}
			return
		}
		if flt == nil {
			return
		}
		assertRoundTrip(t, flt)
	})
}

// assertRoundTrip checks that rendering a parsed filter and parsing the
// result gives the same tree (positions aside).
func assertRoundTrip(t *testing.T, f *Filter) {
	t.Helper()
	r := f.String()
	g, err := ParseFilter(r)
	if err != nil {
		t.Fatalf("re-parsing %q: %v", r, err)
	}
	if g == nil || !reflect.DeepEqual(stripPos(f.Root), stripPos(g.Root)) {
		t.Fatalf("round trip changed the tree: %q", r)
	}
}

func stripPos(n Node) Node {
	switch t := n.(type) {
	case *And:
		return &And{Children: stripAll(t.Children)}
	case *Or:
		return &Or{Children: stripAll(t.Children)}
	case *Not:
		return &Not{Child: stripPos(t.Child)}
	case *Condition:
		c := &Condition{Field: Value{Text: t.Field.Text}, Op: t.Op, Value: Value{Text: t.Value.Text}, To: Value{Text: t.To.Text}}
		for _, v := range t.Values {
			c.Values = append(c.Values, Value{Text: v.Text})
		}
		return c
	case *GeoRadius:
		return &GeoRadius{Center: t.Center, Radius: t.Radius, Resolution: t.Resolution}
	case *GeoBoundingBox:
		return &GeoBoundingBox{TopRight: t.TopRight, BottomLeft: t.BottomLeft}
	case *GeoPolygon:
		return &GeoPolygon{Points: t.Points}
	case *VectorExists:
		return &VectorExists{Embedder: t.Embedder, Filter: t.Filter, Fragment: t.Fragment}
	}
	return n
}

func stripAll(ns []Node) []Node {
	out := make([]Node, len(ns))
	for i, n := range ns {
		out[i] = stripPos(n)
	}
	return out
}
