package meili

import (
	"strconv"
	"strings"
)

// value = WS* (word | 'quoted' | "quoted") WS*, rejecting misused geo
// functions first, as Meilisearch's parse_value does.
func (p *filterParser) value(pos int) (Value, int, *parseErr) {
	s := p.s
	pos = skipUnicodeSpace(s, pos)
	if err := p.reservedGeo(pos); err != nil {
		return Value{}, 0, err
	}
	if pos < len(s) && (s[pos] == '\'' || s[pos] == '"') {
		return p.quoted(pos)
	}
	end := wordAt(s, pos)
	if end == pos || isFilterKeyword(s[pos:end]) {
		return Value{}, 0, &parseErr{kind: fkExpectedValue, start: pos, end: errorWordEnd(s, pos),
			reserved: end > pos}
	}
	return p.finishValue(s[pos:end], pos, end, skipMS(s, end))
}

func (p *filterParser) reservedGeo(pos int) *parseErr {
	rest := p.s[pos:]
	for _, name := range []string{"_geoPoint", "_geoDistance"} {
		if strings.HasPrefix(rest, name) {
			return &parseErr{kind: fkReservedGeo, text: name, start: pos, end: len(p.s), fatal: true}
		}
	}
	end := wordAt(p.s, pos)
	switch p.s[pos:end] {
	case "_geo":
		return &parseErr{kind: fkReservedGeo, text: "_geo", start: pos, end: len(p.s), fatal: true}
	case "_geoRadius":
		return p.rest(fkMisusedGeoRadius, pos).cut()
	case "_geoBoundingBox":
		return p.rest(fkMisusedGeoBoundingBox, pos).cut()
	}
	return nil
}

// quoted reads a quoted value starting at the quote. Inside, a backslash
// protects the next character; `\<quote>` becomes the quote, and the other
// escapes are decoded afterwards.
func (p *filterParser) quoted(pos int) (Value, int, *parseErr) {
	s := p.s
	q := s[pos]
	i := pos + 1
	for i < len(s) && s[i] != q {
		if s[i] == '\\' {
			if i+1 >= len(s) {
				return Value{}, 0, p.rest(fkMalformedValue, pos+1).cut()
			}
			i++
		}
		i++
	}
	if i >= len(s) {
		return Value{}, 0, &parseErr{kind: fkMissingClosingDelimiter, ch: q, start: pos, end: len(s), fatal: true}
	}
	text := strings.ReplaceAll(s[pos+1:i], `\`+string(q), string(q))
	return p.finishValue(text, pos+1, i, skipMS(s, i+1))
}

func (p *filterParser) finishValue(text string, start, end, next int) (Value, int, *parseErr) {
	out, uerr := unescape(text)
	switch uerr {
	case unescapeIncomplete:
		return Value{}, 0, &parseErr{kind: fkIncomplete, fatal: true}
	case unescapeBadNumber:
		return Value{}, 0, &parseErr{kind: fkInvalidEscapedNumber, start: start, end: end}
	case unescapeBadChar:
		return Value{}, 0, &parseErr{kind: fkMalformedValue, start: start, end: end}
	}
	return Value{Text: out, At: p.pos(start, end)}, next, nil
}

// geo parses _geoRadius, _geoBoundingBox and _geoPolygon at pos. ok is
// false when the word at pos is none of them; once it is, every problem is
// a final error.
func (p *filterParser) geo(pos int) (Node, int, *parseErr, bool) {
	end := wordAt(p.s, pos)
	var n Node
	var e int
	var err *parseErr
	switch p.s[pos:end] {
	case "_geoRadius":
		n, e, err = p.geoRadius(pos, end)
	case "_geoBoundingBox":
		n, e, err = p.geoBoundingBox(pos, end)
	case "_geoPolygon":
		n, e, err = p.geoPolygon(pos, end)
	default:
		return nil, 0, nil, false
	}
	return n, e, err.cut(), true
}

type floatTok struct{ start, end int }

// floatList is nom's separated_list1(tag(","), ws(recognize_float)). On
// failure it returns the error position.
func (p *filterParser) floatList(pos int) ([]floatTok, int, int) {
	var toks []floatTok
	q := skipMS(p.s, pos)
	e := recognizeFloat(p.s, q)
	if e < 0 {
		return nil, 0, q
	}
	toks = append(toks, floatTok{q, e})
	end := skipMS(p.s, e)
	for end < len(p.s) && p.s[end] == ',' {
		q := skipMS(p.s, end+1)
		e := recognizeFloat(p.s, q)
		if e < 0 {
			break
		}
		toks = append(toks, floatTok{q, e})
		end = skipMS(p.s, e)
	}
	return toks, end, -1
}

func (p *filterParser) geoRadius(start, pos int) (Node, int, *parseErr) {
	if pos >= len(p.s) || p.s[pos] != '(' {
		return nil, 0, p.rest(fkGeoRadius, pos)
	}
	toks, end, errAt := p.floatList(pos + 1)
	if errAt >= 0 {
		return nil, 0, p.rest(fkGeoRadius, errAt)
	}
	if end >= len(p.s) || p.s[end] != ')' {
		return nil, 0, p.rest(fkGeoRadius, end)
	}
	end++
	if len(toks) < 3 || len(toks) > 4 {
		return nil, 0, &parseErr{kind: fkGeoRadiusArgumentCount, n: len(toks), start: end, end: len(p.s)}
	}
	f, err := p.floats(toks)
	if err != nil {
		return nil, 0, err
	}
	n := &GeoRadius{Center: GeoPoint{f[0], f[1]}, Radius: f[2], At: p.pos(start, end), args: p.tokPositions(toks)}
	if len(toks) == 4 {
		n.rawResolution = f[3]
		n.Resolution = int(min(max(f[3], 0), 1<<31-1))
	}
	return n, end, nil
}

// pairList parses separated_list1(",", ws("[" floatList "]")); ok is false
// (with the error position) when not even one pair parses.
func (p *filterParser) pairList(pos int) ([][]floatTok, int, int) {
	var pairs [][]floatTok
	end := pos
	for {
		q := skipMS(p.s, end)
		if len(pairs) > 0 {
			if end >= len(p.s) || p.s[end] != ',' {
				return pairs, end, -1
			}
			q = skipMS(p.s, end+1)
		}
		toks, e, errAt := p.pair(q)
		if errAt >= 0 {
			if len(pairs) == 0 {
				return nil, 0, errAt
			}
			return pairs, end, -1
		}
		pairs = append(pairs, toks)
		end = e
	}
}

func (p *filterParser) pair(q int) ([]floatTok, int, int) {
	if q >= len(p.s) || p.s[q] != '[' {
		return nil, 0, q
	}
	toks, e, errAt := p.floatList(q + 1)
	if errAt >= 0 {
		return nil, 0, errAt
	}
	if e >= len(p.s) || p.s[e] != ']' {
		return nil, 0, e
	}
	return toks, skipMS(p.s, e+1), -1
}

func (p *filterParser) geoBoundingBox(start, pos int) (Node, int, *parseErr) {
	if pos >= len(p.s) || p.s[pos] != '(' {
		return nil, 0, p.rest(fkGeoBoundingBox, pos)
	}
	pairs, end, errAt := p.pairList(pos + 1)
	if errAt >= 0 {
		return nil, 0, p.rest(fkGeoBoundingBox, errAt)
	}
	if end >= len(p.s) || p.s[end] != ')' {
		return nil, 0, p.rest(fkGeoBoundingBox, end)
	}
	end++
	if len(pairs) != 2 {
		return nil, 0, p.rest(fkGeoBoundingBox, end)
	}
	pts, err := p.points(pairs)
	if err != nil {
		return nil, 0, err
	}
	n := &GeoBoundingBox{TopRight: pts[0], BottomLeft: pts[1], At: p.pos(start, end), args: p.pairPositions(pairs)}
	return n, end, nil
}

func (p *filterParser) geoPolygon(start, pos int) (Node, int, *parseErr) {
	if pos >= len(p.s) || p.s[pos] != '(' {
		return nil, 0, p.rest(fkGeoPolygon, pos)
	}
	pairs, end, errAt := p.pairList(pos + 1)
	if errAt >= 0 {
		return nil, 0, p.rest(fkGeoPolygon, errAt)
	}
	if q := skipMS(p.s, end); q < len(p.s) && p.s[q] == ',' {
		end = skipMS(p.s, q+1)
	}
	if end >= len(p.s) || p.s[end] != ')' {
		return nil, 0, p.rest(fkGeoPolygon, end)
	}
	end++
	if len(pairs) < 3 {
		last := pairs[len(pairs)-1]
		tok := last[len(last)-1]
		return nil, 0, &parseErr{kind: fkGeoPolygonNotEnoughPoints, n: len(pairs), start: tok.start, end: tok.end}
	}
	pts, err := p.points(pairs)
	if err != nil {
		return nil, 0, err
	}
	return &GeoPolygon{Points: pts, At: p.pos(start, end), args: p.pairPositions(pairs)}, end, nil
}

func (p *filterParser) points(pairs [][]floatTok) ([]GeoPoint, *parseErr) {
	pts := make([]GeoPoint, len(pairs))
	for i, pair := range pairs {
		if len(pair) != 2 {
			return nil, &parseErr{kind: fkGeoCoordinatesNotPair, n: len(pair), start: pair[0].start, end: pair[0].end}
		}
		f, err := p.floats(pair)
		if err != nil {
			return nil, err
		}
		pts[i] = GeoPoint{f[0], f[1]}
	}
	return pts, nil
}

func (p *filterParser) floats(toks []floatTok) ([]float64, *parseErr) {
	out := make([]float64, len(toks))
	for i, t := range toks {
		f, err := strconv.ParseFloat(p.s[t.start:t.end], 64)
		if err != nil || f-f != 0 {
			return nil, &parseErr{kind: fkNonFiniteFloat, start: t.start, end: t.end}
		}
		out[i] = f
	}
	return out, nil
}

func (p *filterParser) tokPositions(toks []floatTok) []Pos {
	out := make([]Pos, len(toks))
	for i, t := range toks {
		out[i] = p.pos(t.start, t.end)
	}
	return out
}

func (p *filterParser) pairPositions(pairs [][]floatTok) []Pos {
	var out []Pos
	for _, pair := range pairs {
		out = append(out, p.tokPositions(pair)...)
	}
	return out
}
