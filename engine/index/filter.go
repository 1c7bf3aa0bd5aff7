package index

import (
	"math"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// pred decides whether the document in slot matches.
type pred func(m *mem, slot uint32) bool

// evaluator is a compiled filter.
type evaluator struct{ root pred }

func (e *evaluator) match(m *mem, slot uint32) bool { return e.root(m, slot) }

// compileFilter parses f (nil when there is no filter) and checks every
// attribute against the filterable attributes.
func compileFilter(m *mem, f any, code meili.Code) (*evaluator, error) {
	cfg := m.cfg
	parsed, err := meili.ParseFilterWithCode(f, code)
	if err != nil || parsed == nil {
		return nil, err
	}
	c := &filterCompiler{cfg: cfg, f: parsed, code: code, m: m}
	root, err := c.node(parsed.Root)
	if err != nil {
		return nil, err
	}
	return &evaluator{root: root}, nil
}

type filterCompiler struct {
	m    *mem
	cfg  *config
	f    *meili.Filter
	code meili.Code
}

func (c *filterCompiler) node(n meili.Node) (pred, error) {
	switch t := n.(type) {
	case *meili.And:
		return c.combine(t.Children, true)
	case *meili.Or:
		return c.combine(t.Children, false)
	case *meili.Not:
		child, err := c.node(t.Child)
		if err != nil {
			return nil, err
		}
		return func(m *mem, s uint32) bool { return !child(m, s) }, nil
	case *meili.Condition:
		if err := c.checkFilterable(t.Field.Text, t.Field.At); err != nil {
			return nil, err
		}
		return condition(c.m, t), nil
	case *meili.GeoRadius, *meili.GeoBoundingBox, *meili.GeoPolygon:
		if err := c.checkFilterable("_geo", n.Span()); err != nil {
			return nil, err
		}
		return geoPred(n), nil
	}
	return nil, meili.Errorf(c.code, "unsupported filter expression `%s`", n.String())
}

func (c *filterCompiler) combine(children []meili.Node, and bool) (pred, error) {
	preds := make([]pred, 0, len(children))
	for _, ch := range children {
		p, err := c.node(ch)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return func(m *mem, s uint32) bool {
		for _, p := range preds {
			if p(m, s) != and {
				return !and
			}
		}
		return and
	}, nil
}

func (c *filterCompiler) checkFilterable(attr string, at meili.Pos) error {
	if c.cfg.isFilterable(attr) {
		return nil
	}
	msg := "Attribute `" + attr + "` is not filterable. "
	if len(c.cfg.filterable) == 0 {
		msg += "This index does not have configured filterable attributes."
	} else {
		msg += "Available filterable attribute patterns are: `" + strings.Join(sortedCopy(c.cfg.filterable), ", ") + "`."
	}
	return c.f.ErrorAt(c.code, at, msg)
}

// leavesOf returns the leaves of path, and of its nested paths for EXISTS.
func leavesOf(d *docRec, path string, nested bool) []leaf {
	if !nested {
		for i := range d.fields {
			if d.fields[i].path == path {
				return d.fields[i].leaves
			}
		}
		return nil
	}
	var out []leaf
	for _, f := range d.fields {
		if f.path == path || (nested && strings.HasPrefix(f.path, path+".")) {
			out = append(out, f.leaves...)
		}
	}
	return out
}

func condition(mm *mem, c *meili.Condition) pred {
	if c.Op == meili.OpNe { // all documents minus the = set, as Meilisearch
		eq := *c
		eq.Op = meili.OpEq
		p := condition(mm, &eq)
		return func(m *mem, s uint32) bool { return !p(m, s) }
	}
	path := c.Field.Text
	if c.Op == meili.OpExists {
		return func(m *mem, s uint32) bool { return len(leavesOf(m.docs[s], path, true)) > 0 }
	}
	test := leafTest(c)
	pid := mm.pid(path)
	return func(m *mem, s uint32) bool {
		for _, l := range leaves(m.docs[s], pid) {
			if test(l) {
				return true
			}
		}
		return false
	}
}

func leafTest(c *meili.Condition) func(leaf) bool {
	switch c.Op {
	case meili.OpEq:
		return eqTest(c.Value)
	case meili.OpIn:
		tests := make([]func(leaf) bool, len(c.Values))
		for i, v := range c.Values {
			tests[i] = eqTest(v)
		}
		return func(l leaf) bool {
			for _, t := range tests {
				if t(l) {
					return true
				}
			}
			return false
		}
	case meili.OpIsNull:
		return func(l leaf) bool { return l.kind == leafNull }
	case meili.OpIsEmpty:
		return func(l leaf) bool { return l.kind == leafEmpty }
	case meili.OpContains:
		v := normalizeFacet(c.Value.Text)
		return func(l leaf) bool { return l.kind == leafString && strings.Contains(l.norm, v) }
	case meili.OpStartsWith:
		v := normalizeFacet(c.Value.Text)
		return func(l leaf) bool { return l.kind == leafString && strings.HasPrefix(l.norm, v) }
	}
	return rangeTest(c)
}

func eqTest(v meili.Value) func(leaf) bool {
	norm := normalizeFacet(v.Text)
	num, isNum := v.Number()
	return func(l leaf) bool {
		switch l.kind {
		case leafString, leafBool:
			return l.norm == norm
		case leafNumber:
			return isNum && l.num == num
		}
		return false
	}
}

// rangeTest handles > >= < <= and TO, numerically when the operand is a
// number and lexicographically over normalised strings.
func rangeTest(c *meili.Condition) func(leaf) bool {
	lo, hi := bound{}, bound{}
	switch c.Op {
	case meili.OpGt:
		lo = newBound(c.Value, false)
	case meili.OpGte:
		lo = newBound(c.Value, true)
	case meili.OpLt:
		hi = newBound(c.Value, false)
	case meili.OpLte:
		hi = newBound(c.Value, true)
	case meili.OpTo:
		lo, hi = newBound(c.Value, true), newBound(c.To, true)
	}
	return func(l leaf) bool {
		switch l.kind {
		case leafNumber:
			return lo.numOK(l.num, true) && hi.numOK(l.num, false)
		case leafString:
			return lo.strOK(l.norm, true) && hi.strOK(l.norm, false)
		}
		return false
	}
}

type bound struct {
	set       bool
	inclusive bool
	isNum     bool
	num       float64
	str       string
}

func newBound(v meili.Value, inclusive bool) bound {
	n, ok := v.Number()
	return bound{set: true, inclusive: inclusive, isNum: ok, num: n, str: normalizeFacet(v.Text)}
}

func (b bound) numOK(x float64, lower bool) bool {
	if !b.set {
		return true
	}
	if !b.isNum {
		return false
	}
	if lower {
		return x > b.num || (b.inclusive && x == b.num)
	}
	return x < b.num || (b.inclusive && x == b.num)
}

func (b bound) strOK(s string, lower bool) bool {
	if !b.set {
		return true
	}
	if lower {
		return s > b.str || (b.inclusive && s == b.str)
	}
	return s < b.str || (b.inclusive && s == b.str)
}

// geoOf returns the _geo point of a document.
func geoOf(m *mem, d *docRec) (lat, lng float64, ok bool) {
	la, lo := leaves(d, m.pid("_geo.lat")), leaves(d, m.pid("_geo.lng"))
	if len(la) != 1 || len(lo) != 1 {
		return 0, 0, false
	}
	lat, ok1 := leafFloat(la[0])
	lng, ok2 := leafFloat(lo[0])
	return lat, lng, ok1 && ok2
}

func leafFloat(l leaf) (float64, bool) {
	if l.kind == leafNumber {
		return l.num, true
	}
	if l.kind == leafString {
		v := meili.Value{Text: l.str}
		return v.Number()
	}
	return 0, false
}

func geoPred(n meili.Node) pred {
	return func(m *mem, s uint32) bool {
		lat, lng, ok := geoOf(m, m.docs[s])
		if !ok {
			return false
		}
		switch g := n.(type) {
		case *meili.GeoRadius:
			return haversine(g.Center.Lat, g.Center.Lng, lat, lng) <= g.Radius
		case *meili.GeoBoundingBox:
			return inBox(g, lat, lng)
		case *meili.GeoPolygon:
			return inPolygon(g.Points, lat, lng)
		}
		return false
	}
}

func inBox(g *meili.GeoBoundingBox, lat, lng float64) bool {
	if lat > g.TopRight.Lat || lat < g.BottomLeft.Lat {
		return false
	}
	if g.BottomLeft.Lng <= g.TopRight.Lng {
		return lng >= g.BottomLeft.Lng && lng <= g.TopRight.Lng
	}
	return lng >= g.BottomLeft.Lng || lng <= g.TopRight.Lng // crosses the antimeridian
}

func inPolygon(pts []meili.GeoPoint, lat, lng float64) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		a, b := pts[i], pts[j]
		if (a.Lat > lat) != (b.Lat > lat) &&
			lng < (b.Lng-a.Lng)*(lat-a.Lat)/(b.Lat-a.Lat)+a.Lng {
			in = !in
		}
	}
	return in
}

// haversine is the great-circle distance in meters, with Meilisearch's
// Earth radius.
func haversine(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6378137.0
	rad := math.Pi / 180
	dlat, dlng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlng/2)*math.Sin(dlng/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	sortStrings(out)
	return out
}
