package index

import (
	"container/heap"
	"encoding/json"
	"sort"
	"time"

	"github.com/miroir-search/miroir/meili"
)

// hit is one matching document with what ranks it.
type hit struct {
	slot  uint32
	ranks []Rank
	sorts []sortVal
	occs  []occ
	st    termState // matching-strategy state, so later rules need no rescan
}

// Search runs a Meilisearch search. Every matching document is ranked; see
// the package documentation for the ordering guarantees.
func (x *Index) Search(q *meili.SearchQuery) (*meili.SearchResult, error) {
	return x.search(q, nil)
}

// search runs q; each returned hit is also passed to observe when not nil.
func (x *Index) search(q *meili.SearchQuery, observe func(m *mem, p *searchPlan, h hit)) (*meili.SearchResult, error) {
	start := time.Now()
	m, unlock, err := x.readLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	p, err := x.planSearch(m, q)
	if err != nil {
		return nil, err
	}
	hits := x.candidates(m, p)
	res := &meili.SearchResult{Query: q.Q, Hits: []json.RawMessage{}}
	if len(p.facets) > 0 {
		res.FacetDistribution, res.FacetStats = facetize(m, p.facets, hits, m.cfg)
	}
	offset, limit := pageWindow(q)
	total := len(hits)
	ordered := orderHits(m, p, hits, offset+limit, m.cfg.maxTotalHits)
	if p.distinct != "" {
		ordered, total = distinctHits(m, p.distinct, ordered, hits)
	}
	f := newFormatter(m, p)
	for i := offset; i < len(ordered) && i < offset+limit && i < m.cfg.maxTotalHits; i++ {
		res.Hits = append(res.Hits, f.hit(ordered[i]))
		if observe != nil {
			observe(m, p, ordered[i])
		}
	}
	setTotals(res, q, offset, limit, total, m.cfg.maxTotalHits)
	res.ProcessingTimeMs = time.Since(start).Milliseconds()
	return res, nil
}

// pageWindow turns page/hitsPerPage into offset/limit.
func pageWindow(q *meili.SearchQuery) (offset, limit int) {
	if !q.IsPaged() {
		return q.Offset, q.Limit
	}
	hpp := meili.DefaultSearchLimit
	if q.HitsPerPage != nil {
		hpp = *q.HitsPerPage
	}
	page := 1
	if q.Page != nil {
		page = *q.Page
	}
	if page == 0 {
		return 0, 0
	}
	return (page - 1) * hpp, hpp
}

func setTotals(res *meili.SearchResult, q *meili.SearchQuery, offset, limit, total, maxTotal int) {
	if !q.IsPaged() {
		res.Offset, res.Limit, res.EstimatedTotalHits = intp(offset), intp(limit), intp(total)
		return
	}
	hpp := limit
	if q.HitsPerPage != nil {
		hpp = *q.HitsPerPage
	}
	page := 1
	if q.Page != nil {
		page = *q.Page
	}
	totalHits := min(total, maxTotal)
	pages := 0
	if hpp > 0 {
		pages = (totalHits + hpp - 1) / hpp
	}
	res.HitsPerPage, res.Page, res.TotalPages, res.TotalHits = intp(hpp), intp(page), intp(pages), intp(totalHits)
}

func intp(v int) *int { return &v }

// candidates returns every document matching the query, filter and
// threshold, with its ranks and sort values.
func (x *Index) candidates(m *mem, p *searchPlan) []hit {
	var hits []hit
	excluded := negatedSlots(m, p.negatives)
	keep := func(slot uint32) bool {
		return !excluded[slot] && (p.filter == nil || p.filter.match(m, slot))
	}
	if len(p.terms) == 0 {
		order, _ := m.sortedSlots()
		hits = make([]hit, 0, len(order))
		for _, slot := range order {
			if keep(slot) {
				hits = append(hits, hit{slot: slot})
			}
		}
	} else {
		hits = x.textCandidates(m, p, keep)
	}
	if len(p.sorts) > 0 {
		buf := make([]sortVal, len(hits)*len(p.sorts))
		for i := range hits {
			hits[i].sorts = buf[i*len(p.sorts) : (i+1)*len(p.sorts)]
		}
		for j, s := range p.sorts {
			var col *column
			if pid := m.pid(s.field); !s.geo && pid != 0 {
				col = m.column(pid)
			}
			for i := range hits {
				if col != nil {
					hits[i].sorts[j] = col.sortValue(hits[i].slot, s.asc)
				} else {
					hits[i].sorts[j] = sortValueOf(m, m.docs[hits[i].slot], s)
				}
			}
		}
	}
	return hits
}

func (x *Index) textCandidates(m *mem, p *searchPlan, keep func(uint32) bool) []hit {
	cfg := m.cfg
	allowed := make([]bool, len(m.fieldNames))
	typoOff := make([]bool, len(m.fieldNames))
	weights := make([]int, len(m.fieldNames))
	for fid, name := range m.fieldNames {
		allowed[fid] = p.searchOn == nil || matchesAny(p.searchOn, name)
		typoOff[fid] = matchesAny(cfg.typoOffAttrs, name)
		weights[fid], _ = cfg.searchWeight(name)
	}
	var mt *matches
	if cacheablePrefix(p.terms) {
		mt = gatherPrefix(m, p.terms[0], allowed)
	} else {
		mt = gather(m, p.terms, allowed, typoOff)
	}
	r := newRanker(p.terms, p.slots, p.q.MatchingStrategy, removalOrder(p, mt))
	r.maxW = 0
	if cfg.searchable != nil {
		r.maxW = len(cfg.searchable) - 1
	}
	r.weight = func(fid uint16) int { return weights[fid] }
	r.words = func(slot uint32, fid uint16) int {
		for _, fw := range m.docs[slot].words {
			if fw.fid == fid {
				return int(fw.count)
			}
		}
		return 0
	}
	p.ranker = r
	p.lazy = p.threshold == nil && p.distinct == ""
	p.constant = constantComps(p, r)
	buf := make([]Rank, len(mt.slots)*len(p.slots))
	hits := make([]hit, 0, len(mt.slots))
	for i, slot := range mt.slots {
		if !keep(slot) {
			continue
		}
		ranks := buf[i*len(p.slots) : (i+1)*len(p.slots)]
		occs := mt.of(i)
		if p.lazy {
			if _, ok := r.prepare(occs); !ok {
				continue
			}
			hits = append(hits, hit{slot: slot, ranks: ranks, occs: occs, st: r.save()})
			continue
		}
		if !r.rank(slot, occs, ranks) {
			continue
		}
		if p.threshold != nil && globalScore(ranks) < *p.threshold {
			continue
		}
		hits = append(hits, hit{slot: slot, ranks: ranks, occs: occs})
	}
	return hits
}

// removalOrder is the order the matching strategy drops terms: from the
// last for "last", most frequent first for "frequency" (the first/rarest
// term is never dropped).
func removalOrder(p *searchPlan, mt *matches) []int {
	n := len(p.terms)
	order := make([]int, 0, n)
	if p.q.MatchingStrategy != meili.MatchingStrategyFrequency {
		for i := n - 1; i >= 1; i-- {
			order = append(order, i)
		}
		return order
	}
	freq := make([]int, n)
	for i := range mt.slots {
		seen := uint32(0)
		for _, o := range mt.of(i) {
			if seen&(1<<o.term) == 0 {
				seen |= 1 << o.term
				freq[o.term]++
			}
		}
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return freq[idx[a]] > freq[idx[b]] })
	return idx[:n-1]
}

// orderHits returns the best k hits in ranking order (all of them when a
// distinct attribute needs to look further).
func orderHits(m *mem, p *searchPlan, hits []hit, k, maxTotal int) []hit {
	less := func(a, b *hit) bool { return compareHits(m, p, a, b) < 0 }
	k = min(k, maxTotal)
	if p.lazy && p.ranker != nil {
		ix := make([]int32, len(hits))
		for i := range ix {
			ix[i] = int32(i)
		}
		best := p.refine(hits, ix, 0, k)
		out := make([]hit, len(best))
		for i, j := range best {
			out[i] = hits[j]
		}
		return out
	}
	if p.distinct != "" || k >= len(hits)/2 {
		sort.Slice(hits, func(i, j int) bool { return less(&hits[i], &hits[j]) })
		return hits
	}
	h := &hitHeap{less: less}
	for i := range hits {
		if h.Len() < k {
			heap.Push(h, hits[i])
		} else if k > 0 && less(&hits[i], &h.items[0]) {
			h.items[0] = hits[i]
			heap.Fix(h, 0)
		}
	}
	out := h.items
	sort.Slice(out, func(i, j int) bool { return less(&out[i], &out[j]) })
	return out
}

// hitHeap keeps the worst of the best k on top.
type hitHeap struct {
	items []hit
	less  func(a, b *hit) bool
}

func (h *hitHeap) Len() int           { return len(h.items) }
func (h *hitHeap) Less(i, j int) bool { return h.less(&h.items[j], &h.items[i]) }
func (h *hitHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *hitHeap) Push(v any)         { h.items = append(h.items, v.(hit)) }
func (h *hitHeap) Pop() any {
	v := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return v
}

// compareHits orders two hits rule by rule, then by primary key.
func compareHits(m *mem, p *searchPlan, a, b *hit) int {
	for _, c := range p.comps {
		switch c.kind {
		case compRank:
			if d := cmpRank(a.ranks[c.slot], b.ranks[c.slot]); d != 0 {
				return d
			}
		case compPair:
			if d := cmpRank(a.ranks[c.slot], b.ranks[c.slot]); d != 0 {
				return d
			}
			if d := cmpRank(a.ranks[c.slot+1], b.ranks[c.slot+1]); d != 0 {
				return d
			}
		case compSort:
			if d := cmpSort(a.sorts[c.sort], b.sorts[c.sort], p.sorts[c.sort].asc); d != 0 {
				return d
			}
		}
	}
	ra, rb := p.pkRank[a.slot], p.pkRank[b.slot]
	switch {
	case ra == rb:
		return 0
	case ra < rb:
		return -1
	}
	return 1
}

// cmpRank is negative when a ranks better (higher fraction) than b.
func cmpRank(a, b Rank) int {
	l, r := uint64(a.R)*uint64(b.Max), uint64(b.R)*uint64(a.Max)
	switch {
	case l > r:
		return -1
	case l < r:
		return 1
	}
	return 0
}

// negatedSlots marks the documents containing a negated word exactly.
func negatedSlots(m *mem, words []string) map[uint32]bool {
	if len(words) == 0 {
		return nil
	}
	out := map[uint32]bool{}
	for _, w := range words {
		for _, p := range m.terms[w] {
			out[p.slot] = true
		}
	}
	return out
}
