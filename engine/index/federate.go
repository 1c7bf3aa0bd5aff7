package index

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"

	"github.com/miroir-search/miroir/meili"
)

// scoreValue is one of milli's weighted score values: consecutive relevancy
// ranks coalesced with Rank::merge, or a sort value.
type scoreValue struct {
	rank   bool
	r      Rank
	sort   sortVal
	asc    bool
	isGeo  bool
	weight float64
}

// RankedResult is a search result with what a federated merge needs for
// each hit (same order as Result.Hits).
type RankedResult struct {
	Result *meili.SearchResult
	ids    []string
	values [][]scoreValue
	global []float64
}

// SearchRanked is Search, also returning the ranking values of each hit for
// Federate.
func (x *Index) SearchRanked(q *meili.SearchQuery) (*RankedResult, error) {
	rr := &RankedResult{}
	res, err := x.search(q, func(m *mem, p *searchPlan, h hit) {
		rr.ids = append(rr.ids, m.docs[h.slot].id)
		rr.values = append(rr.values, scoreValues(p, h))
		rr.global = append(rr.global, globalScore(h.ranks))
	})
	rr.Result = res
	return rr, err
}

func scoreValues(p *searchPlan, h hit) []scoreValue {
	var out []scoreValue
	for _, c := range p.comps {
		if c.kind == compSort {
			s := p.sorts[c.sort]
			out = append(out, scoreValue{sort: h.sorts[c.sort], asc: s.asc, isGeo: s.geo})
			continue
		}
		ranks := h.ranks[c.slot : c.slot+1]
		if c.kind == compPair {
			ranks = h.ranks[c.slot : c.slot+2]
		}
		for _, r := range ranks {
			if n := len(out); n > 0 && out[n-1].rank {
				out[n-1].r = mergeRank(out[n-1].r, r)
				continue
			}
			out = append(out, scoreValue{rank: true, r: r})
		}
	}
	return out
}

// FederatedPart is one query of a federated multi-search, already run
// with SearchRanked (limit = federation offset+limit, offset 0).
type FederatedPart struct {
	IndexUID      string
	QueryPosition int
	Weight        float64
	Ranked        *RankedResult
}

type fedHit struct {
	part   int
	idx    int
	values []scoreValue
	global float64
}

// Federate merges federated multi-search parts as Meilisearch does (weighted
// score values compared rule by rule, then weighted global score, then query
// position), dedupes a document found by several queries of one index, and
// applies the federation's paging. Facets are merged when fed asks for them.
func Federate(parts []FederatedPart, fed *meili.Federation) *meili.SearchResult {
	var all []fedHit
	res := &meili.SearchResult{Hits: []json.RawMessage{}}
	total := 0
	for pi, p := range parts {
		r := p.Ranked
		total += derefInt(r.Result.EstimatedTotalHits, derefInt(r.Result.TotalHits, 0))
		res.ProcessingTimeMs = max(res.ProcessingTimeMs, r.Result.ProcessingTimeMs)
		for i := range r.Result.Hits {
			all = append(all, fedHit{part: pi, idx: i, values: r.values[i], global: r.global[i] * p.Weight})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if c := compareWeighted(a, b, parts); c != 0 {
			return c < 0
		}
		return parts[a.part].QueryPosition < parts[b.part].QueryPosition
	})
	all = dedupe(all, parts)
	offset, limit := fed.Offset, fed.Limit
	if fed.HitsPerPage != nil || fed.Page != nil {
		offset, limit = fedPage(fed)
	}
	for i := offset; i < len(all) && i < offset+limit; i++ {
		res.Hits = append(res.Hits, withFederation(all[i], parts))
	}
	setFedTotals(res, fed, offset, limit, total)
	mergeFacets(res, parts, fed)
	return res
}

func derefInt(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// compareWeighted is negative when a ranks before b.
func compareWeighted(a, b fedHit, parts []FederatedPart) int {
	wa, wb := parts[a.part].Weight, parts[b.part].Weight
	for i := 0; ; i++ {
		switch {
		case i >= len(a.values) && i >= len(b.values):
			return 0
		case i >= len(a.values):
			return 1
		case i >= len(b.values):
			return -1
		}
		c, ok := compareValue(a.values[i], b.values[i], wa, wb)
		if !ok {
			ra, rb := len(a.values)-i, len(b.values)-i
			switch {
			case ra != rb && ra > rb:
				return -1
			case ra != rb:
				return 1
			case a.global > b.global:
				return -1
			case a.global < b.global:
				return 1
			}
			return 0
		}
		if c != 0 {
			return c
		}
	}
}

func compareValue(a, b scoreValue, wa, wb float64) (int, bool) {
	switch {
	case a.rank && b.rank:
		sa, sb := a.r.local()*wa, b.r.local()*wb
		if math.Abs(sa-sb) <= 2.220446049250313e-16 {
			return 0, true
		}
		if sa > sb {
			return -1, true
		}
		return 1, true
	case a.rank || b.rank || a.asc != b.asc || a.isGeo != b.isGeo:
		return 0, false
	}
	return cmpSort(a.sort, b.sort, a.asc), true
}

func dedupe(all []fedHit, parts []FederatedPart) []fedHit {
	seen := map[string]bool{}
	out := all[:0]
	for _, h := range all {
		key := parts[h.part].IndexUID + "\x00" + parts[h.part].Ranked.ids[h.idx]
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, h)
	}
	return out
}

// withFederation appends the _federation field to a hit.
func withFederation(h fedHit, parts []FederatedPart) json.RawMessage {
	p := parts[h.part]
	raw := p.Ranked.Result.Hits[h.idx]
	var b bytes.Buffer
	b.Write(raw[:len(raw)-1])
	if len(raw) > 2 {
		b.WriteByte(',')
	}
	b.WriteString(`"_federation":{"indexUid":`)
	uid, _ := json.Marshal(p.IndexUID)
	b.Write(uid)
	b.WriteString(`,"queriesPosition":` + strconv.Itoa(p.QueryPosition))
	b.WriteString(`,"weightedRankingScore":` + fmtFloat(h.global) + `}}`)
	return b.Bytes()
}

func fedPage(fed *meili.Federation) (int, int) {
	hpp, page := derefInt(fed.HitsPerPage, meili.DefaultSearchLimit), derefInt(fed.Page, 1)
	if page == 0 {
		return 0, 0
	}
	return (page - 1) * hpp, hpp
}

func setFedTotals(res *meili.SearchResult, fed *meili.Federation, offset, limit, total int) {
	if fed.HitsPerPage == nil && fed.Page == nil {
		res.Offset, res.Limit, res.EstimatedTotalHits = intp(offset), intp(limit), intp(total)
		return
	}
	hpp, page := derefInt(fed.HitsPerPage, meili.DefaultSearchLimit), derefInt(fed.Page, 1)
	pages := 0
	if hpp > 0 {
		pages = (total + hpp - 1) / hpp
	}
	res.HitsPerPage, res.Page, res.TotalPages, res.TotalHits = intp(hpp), intp(page), intp(pages), intp(total)
}

// mergeFacets fills facetsByIndex, or one merged distribution with mergeFacets.
func mergeFacets(res *meili.SearchResult, parts []FederatedPart, fed *meili.Federation) {
	if len(fed.FacetsByIndex) == 0 {
		return
	}
	byIndex := map[string]meili.IndexFacets{}
	for _, p := range parts {
		if _, ok := fed.FacetsByIndex[p.IndexUID]; !ok {
			continue
		}
		if _, done := byIndex[p.IndexUID]; done {
			continue
		}
		r := p.Ranked.Result
		byIndex[p.IndexUID] = meili.IndexFacets{Distribution: r.FacetDistribution, Stats: r.FacetStats}
	}
	if fed.MergeFacets == nil {
		res.FacetsByIndex = byIndex
		return
	}
	maxValues := derefInt(fed.MergeFacets.MaxValuesPerFacet, 100)
	res.FacetDistribution, res.FacetStats = mergeIndexFacets(byIndex, maxValues)
}

func mergeIndexFacets(byIndex map[string]meili.IndexFacets, maxValues int) (map[string]meili.FacetCounts, map[string]meili.FacetStat) {
	counts := map[string]map[string]int{}
	stats := map[string]meili.FacetStat{}
	for _, f := range byIndex {
		for name, values := range f.Distribution {
			if counts[name] == nil {
				counts[name] = map[string]int{}
			}
			for _, v := range values {
				counts[name][v.Value] += v.Count
			}
		}
		for name, s := range f.Stats {
			if old, ok := stats[name]; ok {
				s.Min, s.Max = math.Min(s.Min, old.Min), math.Max(s.Max, old.Max)
			}
			stats[name] = s
		}
	}
	dist := map[string]meili.FacetCounts{}
	for name, vs := range counts {
		values := map[string]*facetValue{}
		for v, c := range vs {
			values[v] = &facetValue{display: v, count: c}
		}
		dist[name] = orderFacet(values, "alpha", maxValues)
	}
	return dist, stats
}
