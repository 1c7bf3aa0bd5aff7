package index

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// dictionary is the sorted term list of a mem, used to expand prefixes and
// typos over every indexed word. New terms are merged in lazily (sorting
// only what is new), so bulk indexing never re-sorts the whole list.
type dictionary struct {
	terms   []string
	pending []string

	mu    sync.Mutex // guards cache
	cache map[string][]deriv
}

// add records a term seen for the first time.
func (d *dictionary) add(t string) { d.pending = append(d.pending, t) }

// settle merges pending terms into the sorted list.
func (d *dictionary) settle() {
	if len(d.pending) == 0 {
		return
	}
	sort.Strings(d.pending)
	merged := make([]string, 0, len(d.terms)+len(d.pending))
	i, j := 0, 0
	for i < len(d.terms) || j < len(d.pending) {
		switch {
		case j >= len(d.pending) || (i < len(d.terms) && d.terms[i] < d.pending[j]):
			merged = append(merged, d.terms[i])
			i++
		default:
			if len(merged) == 0 || merged[len(merged)-1] != d.pending[j] {
				merged = append(merged, d.pending[j])
			}
			j++
		}
	}
	d.terms, d.pending = merged, nil
	d.mu.Lock()
	d.cache = nil
	d.mu.Unlock()
}

// firstRuneRange returns the range of terms starting with rune r.
func (d *dictionary) firstRuneRange(r rune) (int, int) {
	p := string(r)
	lo := sort.SearchStrings(d.terms, p)
	hi := sort.SearchStrings(d.terms, string(r+1))
	return lo, hi
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
	key := w + "\x00" + strconv.FormatBool(prefix) + strconv.Itoa(budget)
	d.mu.Lock()
	cached, ok := d.cache[key]
	d.mu.Unlock()
	if ok {
		return cached
	}
	out := d.computeDerivs(w, prefix, budget)
	d.mu.Lock()
	if d.cache == nil || len(d.cache) > 4096 {
		d.cache = map[string][]deriv{}
	}
	d.cache[key] = out
	d.mu.Unlock()
	return out
}

func (d *dictionary) computeDerivs(w string, prefix bool, budget int) []deriv {
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
	var buf []rune
	sc := &dpScratch{}
	check := func(i, max int) (int, int, []rune) {
		t := d.terms[i]
		if len(t) < len(wr)-max || (!prefix && len(t) > 4*(len(wr)+max)) {
			return max + 1, 0, nil // rune count <= byte length <= 4 * rune count
		}
		n := utf8.RuneCountInString(t)
		if (!prefix && abs(n-len(wr)) > max) || n < len(wr)-max {
			return max + 1, 0, nil
		}
		buf = buf[:0]
		for _, r := range t {
			buf = append(buf, r)
		}
		dist, m := sc.distance(wr, buf, prefix, max)
		return dist, m, buf
	}
	lo, hi := d.firstRuneRange(first)
	for i := lo; i < hi; i++ {
		if dist, m, tr := check(i, budget); dist > 0 && dist <= budget {
			add(d.terms[i], dist, matchedBytes(tr, m))
		}
	}
	if budget < 2 {
		return
	}
	for i := range d.terms {
		if i >= lo && i < hi {
			continue
		}
		if dist, m, tr := check(i, 1); dist == 1 {
			add(d.terms[i], 2, matchedBytes(tr, m))
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
type dpScratch struct{ a, b, c []int }

func (sc *dpScratch) rows(n int) ([]int, []int, []int) {
	if cap(sc.a) < n {
		sc.a, sc.b, sc.c = make([]int, n), make([]int, n), make([]int, n)
	}
	return sc.a[:n], sc.b[:n], sc.c[:n]
}

func (sc *dpScratch) distance(w, t []rune, prefix bool, max int) (dist int, matched int) {
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
	prev2, prev, cur := sc.rows(n + 1)
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
