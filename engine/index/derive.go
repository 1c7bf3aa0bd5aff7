package index

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// dictionary is the sorted term list of a mem, built lazily after writes,
// used to expand prefixes and typos over every indexed word.
type dictionary struct {
	terms   []string
	runes   [][]rune
	byFirst map[rune][]int // indexes into terms, by first rune
}

func buildDictionary(terms map[string][]posting) *dictionary {
	d := &dictionary{terms: make([]string, 0, len(terms)), byFirst: map[rune][]int{}}
	for t := range terms {
		d.terms = append(d.terms, t)
	}
	sort.Strings(d.terms)
	d.runes = make([][]rune, len(d.terms))
	for i, t := range d.terms {
		d.runes[i] = []rune(t)
		if len(d.runes[i]) > 0 {
			r := d.runes[i][0]
			d.byFirst[r] = append(d.byFirst[r], i)
		}
	}
	return d
}

// deriv is one dictionary word a query term matches, with its typo cost.
type deriv struct {
	term    string
	typos   uint8
	exact   bool // the term is the query word itself (exactness rule)
	matched int  // bytes of term that match (prefix highlighting); len(term) otherwise
}

// derive finds every dictionary word matching w: the word itself, words it
// prefixes (when prefix), and words within budget typos. As in milli, a typo
// on the first letter is only allowed with a 2-typo budget and costs 2.
func (d *dictionary) derive(w string, prefix bool, budget int) []deriv {
	found := map[string]deriv{}
	add := func(t string, typos int, matched int) {
		if old, ok := found[t]; ok && int(old.typos) <= typos {
			return
		}
		found[t] = deriv{term: t, typos: uint8(typos), exact: t == w, matched: matched}
	}
	if i := sort.SearchStrings(d.terms, w); i < len(d.terms) && d.terms[i] == w {
		add(w, 0, len(w))
	}
	if prefix {
		for i := sort.SearchStrings(d.terms, w); i < len(d.terms) && strings.HasPrefix(d.terms[i], w); i++ {
			add(d.terms[i], 0, len(w))
		}
	}
	if budget > 0 {
		d.deriveTypos(w, prefix, budget, add)
	}
	out := make([]deriv, 0, len(found))
	for _, v := range found {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].term < out[j].term })
	return out
}

func (d *dictionary) deriveTypos(w string, prefix bool, budget int, add func(string, int, int)) {
	wr := []rune(w)
	if len(wr) == 0 {
		return
	}
	first := wr[0]
	for _, i := range d.byFirst[first] {
		if dist, m := distance(wr, d.runes[i], prefix, budget); dist > 0 && dist <= budget {
			add(d.terms[i], dist, matchedBytes(d.runes[i], m))
		}
	}
	if budget < 2 {
		return
	}
	for r, list := range d.byFirst {
		if r == first {
			continue
		}
		for _, i := range list {
			if dist, m := distance(wr, d.runes[i], prefix, 1); dist == 1 {
				add(d.terms[i], 2, matchedBytes(d.runes[i], m))
			}
		}
	}
}

func matchedBytes(t []rune, n int) int {
	b := 0
	for _, r := range t[:n] {
		b += utf8.RuneLen(r)
	}
	return b
}

// distance is the Damerau (optimal string alignment) distance between w and
// t, or, when prefix, between w and the closest prefix of t; matched is the
// number of runes of t used. It returns max+1 as soon as max is exceeded.
func distance(w, t []rune, prefix bool, max int) (dist int, matched int) {
	if !prefix && abs(len(w)-len(t)) > max {
		return max + 1, 0
	}
	if prefix && len(t) < len(w)-max {
		return max + 1, 0
	}
	n := len(t)
	if prefix && n > len(w)+max {
		n = len(w) + max
	}
	prev2 := make([]int, n+1)
	prev := make([]int, n+1)
	cur := make([]int, n+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(w); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= n; j++ {
			cost := 1
			if w[i-1] == t[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && w[i-1] == t[j-2] && w[i-2] == t[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1, 0
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if !prefix {
		return prev[n], n
	}
	best, at := prev[0], 0
	for j := 1; j <= n; j++ {
		if prev[j] < best {
			best, at = prev[j], j
		}
	}
	return best, at
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
