package engine

import (
	"github.com/miroir-search/miroir/engine/index"
	"github.com/miroir-search/miroir/meili"
)

// federatedPart is one query of a federated multi-search.
type federatedPart struct {
	idx      *index.Index
	query    *meili.MultiSearchQuery
	position int
}

func facetSearchOn(idx *index.Index, q *meili.FacetSearchQuery) (*meili.FacetSearchResult, error) {
	return idx.FacetSearch(q)
}

// federate runs each query for the first offset+limit hits of the merged
// list (every query could supply all of them) and merges with
// index.Federate, which applies weights, dedupes and pages.
func federate(parts []federatedPart, fed *meili.Federation) (*meili.SearchResult, error) {
	want := fed.Offset + fed.Limit
	if fed.Page != nil || fed.HitsPerPage != nil {
		hpp, page := meili.DefaultSearchLimit, 1
		if fed.HitsPerPage != nil {
			hpp = *fed.HitsPerPage
		}
		if fed.Page != nil {
			page = *fed.Page
		}
		want = page * hpp
	}
	ranked := make([]index.FederatedPart, 0, len(parts))
	for _, p := range parts {
		q := p.query.SearchQuery
		q.Offset, q.Limit, q.Page, q.HitsPerPage = 0, want, nil, nil
		q.Facets = nil
		if facets, ok := fed.FacetsByIndex[p.query.IndexUID]; ok {
			q.Facets = facets
		}
		rr, err := p.idx.SearchRanked(&q)
		if err != nil {
			return nil, inQuery(err, p.position)
		}
		w := 1.0
		if p.query.FederationOptions != nil {
			w = p.query.FederationOptions.Weight
		}
		ranked = append(ranked, index.FederatedPart{IndexUID: p.query.IndexUID, QueryPosition: p.position, Weight: w, Ranked: rr})
	}
	return index.Federate(ranked, fed), nil
}
