package meili

import (
	"strings"
)

// Rendering rules: a child is parenthesised when the parser would otherwise
// read it differently (an Or or And inside an And, an Or inside an Or, any
// And/Or under a Not), so parse(render(tree)) gives the same tree.

func (n *Or) String() string {
	parts := make([]string, len(n.Children))
	for i, c := range n.Children {
		parts[i] = renderChild(c, func(c Node) bool { _, ok := c.(*Or); return ok })
	}
	return strings.Join(parts, " OR ")
}

func (n *And) String() string {
	parts := make([]string, len(n.Children))
	for i, c := range n.Children {
		parts[i] = renderChild(c, isBoolean)
	}
	return strings.Join(parts, " AND ")
}

func (n *Not) String() string {
	return "NOT " + renderChild(n.Child, func(c Node) bool {
		_, not := c.(*Not)
		return not || isBoolean(c)
	})
}

func isBoolean(c Node) bool {
	switch c.(type) {
	case *And, *Or:
		return true
	}
	return false
}

func renderChild(c Node, paren func(Node) bool) string {
	if paren(c) {
		return "(" + c.String() + ")"
	}
	return c.String()
}

func (n *Condition) String() string {
	f := n.Field.String()
	switch n.Op {
	case OpTo:
		return f + " " + n.Value.String() + " TO " + n.To.String()
	case OpIn:
		vals := make([]string, len(n.Values))
		for i, v := range n.Values {
			vals[i] = v.String()
		}
		return f + " IN [" + strings.Join(vals, ", ") + "]"
	case OpExists, OpIsNull, OpIsEmpty:
		return f + " " + string(n.Op)
	}
	return f + " " + string(n.Op) + " " + n.Value.String()
}

// String renders v bare when the parser reads it back as the same word, and
// double-quoted otherwise, escaping backslashes and double quotes.
func (v Value) String() string {
	if isBareWord(v.Text) {
		return v.Text
	}
	return quoteValue(v.Text)
}

func quoteValue(text string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(text); i++ {
		if c := text[i]; c == '\\' || c == '"' {
			b.WriteByte('\\')
		}
		b.WriteByte(text[i])
	}
	b.WriteByte('"')
	return b.String()
}

func isBareWord(s string) bool {
	if s == "" || isFilterKeyword(s) || s == "_geo" || s == "_geoPolygon" ||
		strings.HasPrefix(s, "_geoPoint") || strings.HasPrefix(s, "_geoDistance") {
		return false
	}
	for _, r := range s {
		if !isValueComponent(r) {
			return false
		}
	}
	return true
}

func (n *GeoRadius) String() string {
	args := []string{formatFloat(n.Center.Lat), formatFloat(n.Center.Lng), formatFloat(n.Radius)}
	switch {
	case len(n.args) == 4:
		args = append(args, formatFloat(n.rawResolution))
	case n.Resolution != 0:
		args = append(args, formatFloat(float64(n.Resolution)))
	}
	return "_geoRadius(" + strings.Join(args, ", ") + ")"
}

func (n *GeoBoundingBox) String() string {
	return "_geoBoundingBox(" + n.TopRight.String() + ", " + n.BottomLeft.String() + ")"
}

func (n *GeoPolygon) String() string {
	pts := make([]string, len(n.Points))
	for i, p := range n.Points {
		pts[i] = p.String()
	}
	return "_geoPolygon(" + strings.Join(pts, ", ") + ")"
}

// String renders the point as `[lat, lng]`.
func (p GeoPoint) String() string {
	return "[" + formatFloat(p.Lat) + ", " + formatFloat(p.Lng) + "]"
}
