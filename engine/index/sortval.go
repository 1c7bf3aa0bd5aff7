package index

import (
	"encoding/json"
	"strconv"
	"strings"
)

// sortVal is the value a document sorts by for one criterion.
type sortVal struct {
	kind uint8 // sortMissing, sortNum, sortStr
	num  float64
	str  string // normalised, for comparing
	raw  json.RawMessage
}

const (
	sortMissing uint8 = iota
	sortNum
	sortStr
)

// sortValueOf picks the value of d for s: the smallest value when ascending,
// the largest when descending (numbers before strings, as milli's facet sort).
func sortValueOf(d *docRec, s sortSpec) sortVal {
	if s.geo {
		lat, lng, ok := geoOf(d)
		if !ok {
			return sortVal{}
		}
		dist := haversine(s.lat, s.lng, lat, lng)
		return sortVal{kind: sortNum, num: dist, raw: mustJSON(map[string]float64{"lat": lat, "lng": lng})}
	}
	best := sortVal{}
	for _, l := range leavesOf(d, s.field, false) {
		var v sortVal
		switch l.kind {
		case leafNumber:
			v = sortVal{kind: sortNum, num: l.num, raw: json.RawMessage(l.str)}
		case leafString:
			v = sortVal{kind: sortStr, str: normalizeFacet(l.str), raw: mustJSON(l.str)}
		case leafBool:
			v = sortVal{kind: sortStr, str: l.str, raw: json.RawMessage(l.str)}
		default:
			continue
		}
		if best.kind == sortMissing || cmpSort(v, best, s.asc) < 0 {
			best = v
		}
	}
	return best
}

// cmpSort is negative when a sorts before b: present values before missing
// ones, numbers before strings, then by value in the criterion's direction.
func cmpSort(a, b sortVal, asc bool) int {
	if a.kind != b.kind {
		rank := func(k uint8) int { return map[uint8]int{sortNum: 0, sortStr: 1, sortMissing: 2}[k] }
		if rank(a.kind) < rank(b.kind) {
			return -1
		}
		return 1
	}
	d := 0
	switch a.kind {
	case sortNum:
		switch {
		case a.num < b.num:
			d = -1
		case a.num > b.num:
			d = 1
		}
	case sortStr:
		d = strings.Compare(a.str, b.str)
	}
	if !asc {
		d = -d
	}
	return d
}

// distinctHits keeps the first hit of each distinct value in ordered, and
// counts the distinct groups of all hits (documents without the attribute
// each count as their own group).
func distinctHits(m *mem, attr string, ordered []hit, all []hit) ([]hit, int) {
	seen := map[string]bool{}
	out := ordered[:0:0]
	for _, h := range ordered {
		key, ok := distinctKey(m.docs[h.slot], attr)
		if ok && seen[key] {
			continue
		}
		if ok {
			seen[key] = true
		}
		out = append(out, h)
	}
	return out, len(out)
}

func distinctKey(d *docRec, attr string) (string, bool) {
	ls := leavesOf(d, attr, false)
	for _, l := range ls {
		switch l.kind {
		case leafString:
			return "s" + normalizeFacet(l.str), true
		case leafNumber:
			return "n" + strconv.FormatFloat(l.num, 'g', -1, 64), true
		case leafBool:
			return "b" + l.str, true
		}
	}
	return "", false
}
