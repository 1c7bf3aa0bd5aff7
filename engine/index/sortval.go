package index

import (
	"encoding/json"
	"strings"
)

// sortVal is the value a document sorts by for one criterion.
type sortVal struct {
	kind uint8 // sortMissing, sortNum, sortStr
	num  float64
	str  string // normalised, for comparing
	src  *leaf  // the value shown in _rankingScoreDetails (nil: look it up)
	rank int32  // position in the column's sort order, -1 when unknown
	lat  float64
	lng  float64
}

// raw is the JSON value shown in _rankingScoreDetails.
func (v sortVal) raw(s sortSpec) json.RawMessage {
	switch {
	case v.kind == sortMissing:
		return json.RawMessage("null")
	case s.geo:
		return json.RawMessage(`{"lat":` + fmtFloat(v.lat) + `,"lng":` + fmtFloat(v.lng) + `}`)
	case v.src.kind == leafString:
		return mustJSON(v.src.str)
	}
	return json.RawMessage(v.src.str)
}

const (
	sortMissing uint8 = iota
	sortNum
	sortStr
)

// sortValueOf picks the value of d for s: the smallest value when ascending,
// the largest when descending (numbers before strings, as milli's facet sort).
func sortValueOf(m *mem, d *docRec, s sortSpec) sortVal {
	if s.geo {
		lat, lng, ok := geoOf(m, d)
		if !ok {
			return sortVal{rank: -1}
		}
		dist := haversine(s.lat, s.lng, lat, lng)
		return sortVal{kind: sortNum, num: dist, lat: lat, lng: lng, rank: -1}
	}
	best := sortVal{rank: -1}
	ls := leaves(d, m.pid(s.field))
	for i := range ls {
		l := &ls[i]
		var v sortVal
		switch l.kind {
		case leafNumber:
			v = sortVal{kind: sortNum, num: l.num, src: l, rank: -1}
		case leafString, leafBool:
			v = sortVal{kind: sortStr, str: l.norm, src: l, rank: -1}
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
	if a.kind == b.kind && a.kind != sortMissing && a.rank >= 0 && b.rank >= 0 {
		d := int(a.rank) - int(b.rank) // same column: integer order
		if !asc {
			d = -d
		}
		return d
	}
	if a.kind != b.kind {
		// sortNum < sortStr < sortMissing in display order
		if sortOrder(a.kind) < sortOrder(b.kind) {
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
	pid := m.pid(attr)
	for _, h := range ordered {
		key, ok := distinctKey(m.docs[h.slot], pid)
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

func distinctKey(d *docRec, pid uint32) (string, bool) {
	ls := leaves(d, pid)
	for _, l := range ls {
		switch l.kind {
		case leafString, leafBool:
			return "s" + l.norm, true
		case leafNumber:
			return "n" + l.norm, true
		}
	}
	return "", false
}

func sortOrder(k uint8) int {
	switch k {
	case sortNum:
		return 0
	case sortStr:
		return 1
	}
	return 2
}
