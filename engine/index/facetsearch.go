package index

import (
	"sort"
	"strings"
	"time"

	"github.com/miroir-search/miroir/meili"
)

// maxFacetHits is Meilisearch's default limit of facet-search values.
const maxFacetHits = 100

// FacetSearch lists the values of a filterable attribute, among the
// documents matching q and filter, whose normalised text starts with
// facetQuery (or has a word starting with it).
func (x *Index) FacetSearch(fq *meili.FacetSearchQuery) (*meili.FacetSearchResult, error) {
	start := time.Now()
	m, unlock, err := x.readLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	if !m.cfg.facetSearch {
		return nil, meili.Errorf(meili.Code("facet_search_disabled"), "The facet search is disabled for this index")
	}
	if !m.cfg.isFilterable(fq.FacetName) {
		return nil, meili.Errorf(meili.CodeInvalidSearchFacetName, "Attribute `%s` is not facet-searchable. Available facet-searchable attributes patterns are: `%s`. To make it facet-searchable add it to the `filterableAttributes` index settings.", fq.FacetName, strings.Join(sortedCopy(m.cfg.filterable), ", "))
	}
	q := meili.NewSearchQuery()
	q.Q, q.Filter, q.AttributesToSearchOn = fq.Q, fq.Filter, fq.AttributesToSearchOn
	q.Hybrid, q.Vector, q.RankingScoreThreshold = fq.Hybrid, fq.Vector, fq.RankingScoreThreshold
	if fq.MatchingStrategy != "" {
		q.MatchingStrategy = fq.MatchingStrategy
	}
	p, err := x.planSearch(m, q)
	if err != nil {
		return nil, err
	}
	hits := x.candidates(m, p)
	values, _, _ := countFacet(m, fq.FacetName, hits)
	res := &meili.FacetSearchResult{FacetQuery: fq.FacetQuery, FacetHits: []meili.FacetHit{}}
	needle := ""
	if fq.FacetQuery != nil {
		needle = normalizeFacet(*fq.FacetQuery)
	}
	for _, v := range values {
		if facetMatches(v.display, needle) {
			res.FacetHits = append(res.FacetHits, meili.FacetHit{Value: v.display, Count: v.count})
		}
	}
	byCount := facetSortFor(m.cfg, fq.FacetName) == "count"
	sort.Slice(res.FacetHits, func(i, j int) bool {
		a, b := res.FacetHits[i], res.FacetHits[j]
		if byCount && a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Value < b.Value
	})
	if len(res.FacetHits) > maxFacetHits {
		res.FacetHits = res.FacetHits[:maxFacetHits]
	}
	res.ProcessingTimeMs = time.Since(start).Milliseconds()
	return res, nil
}

func facetMatches(value, needle string) bool {
	if needle == "" {
		return true
	}
	v := normalizeFacet(value)
	if strings.HasPrefix(v, needle) {
		return true
	}
	for _, w := range termsOf(value) {
		if strings.HasPrefix(w, needle) {
			return true
		}
	}
	return false
}
