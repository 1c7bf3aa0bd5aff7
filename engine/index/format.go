package index

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// formatter renders hits: retrieved attributes, _formatted, _matchesPosition
// and the ranking fields.
type formatter struct {
	m         *mem
	p         *searchPlan
	retrieve  []string // patterns; nil = every displayed attribute
	highlight []string
	crop      map[string]int // pattern -> crop length
	matched   map[string]int // normalised term -> matched bytes
}

func newFormatter(m *mem, p *searchPlan) *formatter {
	f := &formatter{m: m, p: p, highlight: p.q.AttributesToHighlight, crop: map[string]int{}, matched: map[string]int{}}
	if !containsStr(p.q.AttributesToRetrieve, "*") {
		f.retrieve = p.q.AttributesToRetrieve
	}
	for _, c := range p.q.AttributesToCrop {
		name, n := c, p.q.CropLength
		if i := strings.LastIndex(c, ":"); i > 0 {
			if v, err := strconv.Atoi(c[i+1:]); err == nil {
				name, n = c[:i], v
			}
		}
		f.crop[name] = n
	}
	q := p.q
	if len(q.AttributesToHighlight) == 0 && len(q.AttributesToCrop) == 0 && !q.ShowMatchesPosition {
		return f
	}
	for _, t := range p.terms {
		for _, d := range t.derivs {
			if old, ok := f.matched[d.term]; !ok || d.matched > old {
				f.matched[d.term] = d.matched
			}
		}
	}
	return f
}

func containsStr(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// shown reports whether top-level key is displayed and retrieved.
func (f *formatter) shown(key string) bool {
	cfg := f.m.cfg
	if cfg.displayed != nil && !coveredBy(cfg.displayed, key) {
		return false
	}
	return f.retrieve == nil || coveredBy(f.retrieve, key)
}

// coveredBy reports whether key or one of its nested paths is selected.
func coveredBy(patterns []string, key string) bool {
	for _, p := range patterns {
		if pathCovers(p, key) || strings.HasPrefix(p, key+".") {
			return true
		}
	}
	return false
}

func (f *formatter) hit(h hit) json.RawMessage {
	d := f.m.docs[h.slot]
	ms, _ := members(d.raw)
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	sep := func() {
		if n > 0 {
			b.WriteByte(',')
		}
		n++
	}
	var shown []member
	for _, mb := range ms {
		if f.shown(mb.Key) {
			shown = append(shown, mb)
			sep()
			writeKey(&b, mb.Key)
			b.Write(mb.Value)
		}
	}
	for _, s := range f.p.sorts {
		if !s.geo {
			continue
		}
		if v := sortValueOf(f.m, d, s); v.kind == sortNum {
			sep()
			writeKey(&b, "_geoDistance")
			b.WriteString(strconv.FormatInt(int64(math.Round(v.num)), 10))
		}
		break
	}
	q := f.p.q
	if len(f.highlight) > 0 || len(f.crop) > 0 {
		sep()
		writeKey(&b, "_formatted")
		f.writeFormatted(&b, shown)
	}
	if q.ShowMatchesPosition {
		sep()
		writeKey(&b, "_matchesPosition")
		b.Write(f.matchesPosition(d))
	}
	if q.ShowRankingScore {
		sep()
		writeKey(&b, "_rankingScore")
		b.WriteString(fmtFloat(globalScore(h.ranks)))
	}
	if q.ShowRankingScoreDetails {
		sep()
		writeKey(&b, "_rankingScoreDetails")
		f.writeDetails(&b, h)
	}
	b.WriteByte('}')
	return b.Bytes()
}

func (f *formatter) writeFormatted(b *bytes.Buffer, shown []member) {
	b.WriteByte('{')
	for i, mb := range shown {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(b, mb.Key)
		dec := json.NewDecoder(bytes.NewReader(mb.Value))
		dec.UseNumber()
		var v any
		_ = dec.Decode(&v)
		out, _ := json.Marshal(f.formatValue(mb.Key, v))
		b.Write(out)
	}
	b.WriteByte('}')
}

// formatValue highlights and crops strings; other scalars become strings,
// as Meilisearch's _formatted does.
func (f *formatter) formatValue(path string, v any) any {
	switch x := v.(type) {
	case string:
		return f.formatString(path, x)
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = f.formatValue(path, e)
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = f.formatValue(path+"."+k, e)
		}
		return out
	}
	return v
}

func (f *formatter) formatString(path, s string) string {
	hl := matchesAnyPattern(f.highlight, path)
	cropLen, crop := -1, false
	for pat, n := range f.crop {
		if pathCovers(pat, path) {
			cropLen, crop = n, true
		}
	}
	if !hl && !crop {
		return s
	}
	toks, _ := tokenize(s, 0)
	from, to := 0, len(toks)
	if crop {
		from, to = f.cropWindow(toks, cropLen)
	}
	var b strings.Builder
	q := f.p.q
	if crop && from > 0 {
		b.WriteString(q.CropMarker)
	}
	textStart, textEnd := 0, len(s)
	if crop && len(toks) > 0 {
		textStart, textEnd = toks[from].start, toks[to-1].end
		if from == 0 {
			textStart = 0
		}
		if to == len(toks) {
			textEnd = len(s)
		}
	}
	at := textStart
	for _, t := range toks[from:to] {
		n, ok := f.matchLen(t, s)
		if !hl || !ok {
			continue
		}
		b.WriteString(s[at:t.start])
		b.WriteString(q.HighlightPreTag)
		b.WriteString(s[t.start : t.start+n])
		b.WriteString(q.HighlightPostTag)
		at = t.start + n
	}
	b.WriteString(s[at:textEnd])
	if crop && to < len(toks) {
		b.WriteString(q.CropMarker)
	}
	return b.String()
}

// matchLen reports whether token t of s matches the query, and how many of
// its bytes to highlight.
func (f *formatter) matchLen(t token, s string) (int, bool) {
	n, ok := f.matched[t.term]
	if !ok {
		return 0, false
	}
	if n >= len(t.term) || t.end-t.start != len(t.term) {
		return t.end - t.start, true
	}
	return n, true
}

// cropWindow picks n words around the first match (the first n words when
// nothing matches).
func (f *formatter) cropWindow(toks []token, n int) (int, int) {
	if n <= 0 || len(toks) <= n {
		return 0, len(toks)
	}
	first := -1
	for i, t := range toks {
		if _, ok := f.matched[t.term]; ok {
			first = i
			break
		}
	}
	if first < 0 {
		return 0, n
	}
	from := max(0, first-(n-1)/2)
	if from+n > len(toks) {
		from = len(toks) - n
	}
	return from, from + n
}

func matchesAnyPattern(patterns []string, path string) bool {
	for _, p := range patterns {
		if pathCovers(p, path) {
			return true
		}
	}
	return false
}

// matchesPosition lists the byte spans of matched words per attribute.
func (f *formatter) matchesPosition(d *docRec) json.RawMessage {
	type span struct {
		Start  int `json:"start"`
		Length int `json:"length"`
	}
	var b bytes.Buffer
	b.WriteByte('{')
	n := 0
	for _, fl := range d.fields {
		var spans []span
		for _, l := range fl.leaves {
			if l.kind != leafString && l.kind != leafNumber {
				continue
			}
			toks, _ := tokenize(l.str, 0)
			for _, t := range toks {
				if ln, ok := f.matchLen(t, l.str); ok {
					spans = append(spans, span{Start: t.start, Length: ln})
				}
			}
		}
		if len(spans) == 0 {
			continue
		}
		if n > 0 {
			b.WriteByte(',')
		}
		n++
		writeKey(&b, fl.path)
		out, _ := json.Marshal(spans)
		b.Write(out)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// writeDetails renders _rankingScoreDetails in rule order, shaped like
// milli's ScoreDetails::to_json_map.
func (f *formatter) writeDetails(b *bytes.Buffer, h hit) {
	b.WriteByte('{')
	for i, c := range f.p.comps {
		if i > 0 {
			b.WriteByte(',')
		}
		writeKey(b, c.name)
		b.WriteString(`{"order":` + strconv.Itoa(i))
		switch c.kind {
		case compRank:
			writeRankDetail(b, c.name, h.ranks[c.slot])
		case compPair:
			writePairDetail(b, c.name, h.ranks[c.slot], h.ranks[c.slot+1])
		case compSort:
			s := f.p.sorts[c.sort]
			writeSortDetail(b, s, sortValueOf(f.m, f.m.docs[h.slot], s))
		}
		b.WriteByte('}')
	}
	b.WriteByte('}')
}

func writeRankDetail(b *bytes.Buffer, name string, r Rank) {
	switch name {
	case "words":
		b.WriteString(`,"matchingWords":` + u32(r.R) + `,"maxMatchingWords":` + u32(r.Max))
	case "typo":
		b.WriteString(`,"typoCount":` + u32(r.Max-r.R) + `,"maxTypoCount":` + u32(r.Max-1))
	}
	b.WriteString(`,"score":` + fmtFloat(r.local()))
}

func writePairDetail(b *bytes.Buffer, name string, a, c Rank) {
	if name == "attribute" {
		b.WriteString(`,"attributeRankingOrderScore":` + fmtFloat(a.local()) +
			`,"queryWordDistanceScore":` + fmtFloat(c.local()) +
			`,"score":` + fmtFloat(globalScore([]Rank{a, c})))
		return
	}
	matchType := map[uint32]string{exactMatch: "exactMatch", exactStart: "matchesStart", exactNone: "noExactMatch"}[a.R]
	b.WriteString(`,"matchType":"` + matchType + `"`)
	if a.R == exactNone {
		b.WriteString(`,"matchingWords":` + u32(c.R-1) + `,"maxMatchingWords":` + u32(c.Max-1) +
			`,"score":` + fmtFloat(globalScore([]Rank{a, c})))
		return
	}
	b.WriteString(`,"score":` + fmtFloat(a.local()))
}

func writeSortDetail(b *bytes.Buffer, s sortSpec, v sortVal) {
	b.WriteString(`,"value":`)
	b.Write(v.raw(s))
	if s.geo {
		if v.kind == sortMissing {
			b.WriteString(`,"distance":null`)
		} else {
			b.WriteString(`,"distance":` + fmtFloat(v.num))
		}
	}
}

func u32(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

var _ = meili.DefaultCropMarker
