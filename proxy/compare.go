package proxy

import "bytes"

// scoreEpsilon is f64::EPSILON, the tolerance Meilisearch's federated merge
// uses when it compares relevancy scores.
const scoreEpsilon = 2.220446049250313e-16

// compareKeys orders two hits the way Meilisearch's federated merge does
// (crates/meilisearch/src/search/federated/weighted_scores.rs), rule by rule
// from _rankingScoreDetails, then by query position, then by primary key.
// It returns < 0 when a ranks before b.
func compareKeys(a *hitKey, wa float64, posA int, ida *idKey, b *hitKey, wb float64, posB int, idb *idKey) int {
	if c := compareRules(a, wa, b, wb); c != 0 {
		return c
	}
	if posA != posB {
		return posA - posB
	}
	return compareIDs(ida, idb)
}

// compareRules is Meilisearch's compare over weighted score values, as
// "better first": it returns < 0 when a is better. Meilisearch coalesces a
// run of relevancy rules into one merged rank whose value is the global
// score, so when no sort, geo or vector rule is present (rules left empty by
// the score-only decoder) comparing _rankingScore is exactly its comparison.
func compareRules(a *hitKey, wa float64, b *hitKey, wb float64) int {
	if len(a.rules) == 0 && len(b.rules) == 0 && !a.lazy.more && !b.lazy.more {
		return cmpDesc(a.global*wa, b.global*wb, scoreEpsilon)
	}
	for i := 0; ; i++ {
		a.ensure(i)
		b.ensure(i)
		if i >= len(a.rules) || i >= len(b.rules) {
			break
		}
		x, y := &a.rules[i], &b.rules[i]
		if !comparable(x, y) {
			// Not comparable: more remaining rules wins, then the global score.
			a.decodeAll()
			b.decodeAll()
			if c := (len(b.rules) - i) - (len(a.rules) - i); c != 0 {
				return c
			}
			return cmpDesc(a.global*wa, b.global*wb, 0)
		}
		if c := compareRule(x, wa, y, wb); c != 0 {
			return c
		}
	}
	// The hit with more rules left ranks first, as in Meilisearch.
	a.decodeAll()
	b.decodeAll()
	return len(b.rules) - len(a.rules)
}

func comparable(x, y *rankValue) bool {
	if x.kind != y.kind {
		return false
	}
	return x.kind != kindSort || x.asc == y.asc
}

func compareRule(x *rankValue, wx float64, y *rankValue, wy float64) int {
	switch x.kind {
	case kindScore, kindVector:
		return cmpDesc(x.num*wx, y.num*wy, scoreEpsilon)
	case kindGeo:
		return compareGeo(x, y)
	default:
		return compareSortValues(x, y)
	}
}

func compareGeo(x, y *rankValue) int {
	if x.asc != y.asc {
		return 0
	}
	switch {
	case x.vtype == valNull && y.vtype == valNull:
		return 0
	case x.vtype == valNull:
		return 1
	case y.vtype == valNull:
		return -1
	}
	if x.asc {
		return cmpAsc(x.num, y.num, scoreEpsilon)
	}
	return cmpDesc(x.num, y.num, scoreEpsilon)
}

// compareSortValues: a missing value ranks last, numbers before strings in
// both directions, then ascending or descending by value.
func compareSortValues(x, y *rankValue) int {
	if x.vtype != y.vtype {
		return int(y.vtype) - int(x.vtype)
	}
	var c int
	switch x.vtype {
	case valNull:
		return 0
	case valNumber:
		c = cmpAsc(x.num, y.num, 0)
	default:
		c = bytes.Compare(x.str, y.str)
	}
	if !x.asc {
		c = -c
	}
	return c
}

// cmpAsc orders smaller first; values within eps are equal.
func cmpAsc(x, y, eps float64) int {
	d := x - y
	switch {
	case d > eps:
		return 1
	case d < -eps:
		return -1
	}
	return 0
}

// cmpDesc orders larger first; values within eps are equal.
func cmpDesc(x, y, eps float64) int { return -cmpAsc(x, y, eps) }

// compareIDs: integers in numeric order before strings in byte order; a hit
// without its primary key (hidden by displayedAttributes) ranks last.
func compareIDs(a, b *idKey) int {
	switch {
	case a.present != b.present:
		if a.present {
			return -1
		}
		return 1
	case a.isInt != b.isInt:
		if a.isInt {
			return -1
		}
		return 1
	case a.isInt:
		switch {
		case a.n < b.n:
			return -1
		case a.n > b.n:
			return 1
		}
		return 0
	}
	return bytes.Compare(a.s, b.s)
}
