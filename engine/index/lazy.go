package index

import "slices"

// refine orders the best need hits among hs[ix], computing rule ranks only
// where they decide the order: like milli's bucket sort, it splits the hits
// into buckets by the rule at ci, and only the buckets that reach the first
// need hits are ranked by the next rules. Every returned hit has all its
// ranks. It sorts indexes, never the (large) hits themselves.
func (p *searchPlan) refine(hs []hit, ix []int32, ci int, need int) []int32 {
	if need <= 0 || len(ix) == 0 {
		return ix[:0]
	}
	if ci == len(p.comps) {
		slices.SortFunc(ix, func(a, b int32) int { return int(p.pkRank[hs[a].slot]) - int(p.pkRank[hs[b].slot]) })
		return ix[:min(need, len(ix))]
	}
	c := p.comps[ci]
	width := 1
	if c.kind == compPair {
		width = 2
	}
	if p.constant[ci] { // cannot split: rank only the hits returned
		best := p.refine(hs, ix, ci+1, need)
		for _, i := range best {
			h := &hs[i]
			p.ranker.fill(h.slot, h.occs, &h.st, h.ranks, c.slot, c.slot+width)
		}
		return best
	}
	if c.kind != compSort {
		for _, i := range ix {
			h := &hs[i]
			p.ranker.fill(h.slot, h.occs, &h.st, h.ranks, c.slot, c.slot+width)
		}
	}
	if len(ix) == 1 {
		return p.refine(hs, ix, ci+1, need)
	}
	if c.kind == compSort || !bucketSort(hs, ix, c) {
		slices.SortFunc(ix, func(a, b int32) int { return cmpComp(p, c, &hs[a], &hs[b]) })
	}
	out := ix[:0:0]
	for start := 0; start < len(ix) && len(out) < need; {
		end := start + 1
		for end < len(ix) && cmpComp(p, c, &hs[ix[start]], &hs[ix[end]]) == 0 {
			end++
		}
		out = append(out, p.refine(hs, ix[start:end], ci+1, need-len(out))...)
		start = end
	}
	return out
}

// cmpComp compares two hits on one rule only.
func cmpComp(p *searchPlan, c comp, a, b *hit) int {
	switch c.kind {
	case compRank:
		return cmpRank(a.ranks[c.slot], b.ranks[c.slot])
	case compPair:
		if d := cmpRank(a.ranks[c.slot], b.ranks[c.slot]); d != 0 {
			return d
		}
		return cmpRank(a.ranks[c.slot+1], b.ranks[c.slot+1])
	}
	return cmpSort(a.sorts[c.sort], b.sorts[c.sort], p.sorts[c.sort].asc)
}

// bucketSort orders ix by the rule's rank in linear time when every hit has
// the same max rank (always true inside a bucket of the rules before it);
// it reports false when it cannot.
func bucketSort(hs []hit, ix []int32, c comp) bool {
	first := hs[ix[0]].ranks[c.slot]
	width := first.Max + 1
	var second Rank
	if c.kind == compPair {
		second = hs[ix[0]].ranks[c.slot+1]
		width *= second.Max + 1
	}
	if width > 1<<16 {
		return false
	}
	key := func(h *hit) uint32 { // 0 is the best bucket
		k := h.ranks[c.slot].R
		if c.kind == compPair {
			k = k*(second.Max+1) + h.ranks[c.slot+1].R
		}
		return width - 1 - k
	}
	counts := make([]int, width)
	for _, i := range ix {
		h := &hs[i]
		if h.ranks[c.slot].Max != first.Max || (c.kind == compPair && h.ranks[c.slot+1].Max != second.Max) {
			return false
		}
		counts[key(h)]++
	}
	if counts[key(&hs[ix[0]])] == len(ix) {
		return true // one bucket: nothing to move
	}
	pos := 0
	for k := range counts {
		counts[k], pos = pos, pos+counts[k]
	}
	out := make([]int32, len(ix))
	for _, i := range ix {
		k := key(&hs[i])
		out[counts[k]] = i
		counts[k]++
	}
	copy(ix, out)
	return true
}

// constantComps marks the rules that give every document the same rank for
// this query: words and proximity with one term, attributeRank with
// searchableAttributes "*", typo when no derivation has a typo.
func constantComps(p *searchPlan, r *ranker) []bool {
	out := make([]bool, len(p.comps))
	typos := false
	for _, t := range p.terms {
		for _, d := range t.derivs {
			typos = typos || d.typos > 0
		}
	}
	single := len(p.terms) == 1
	for i, c := range p.comps {
		if c.kind != compRank {
			continue
		}
		switch p.slots[c.slot] {
		case slotWords, slotProximity:
			out[i] = single
		case slotTypo:
			out[i] = !typos
		case slotFid:
			out[i] = r.maxW == 0
		}
	}
	return out
}
