package proxy

import (
	"slices"

	"github.com/miroir-search/miroir/meili"
)

// fedFacets gathers federation.facetsByIndex over a federated search: each
// query on a listed index asks its shards for those facets; the shards'
// distributions are summed per index (or over all indexes with
// mergeFacets). Exact when one query targets an index; with several
// queries on one index a document matching several of them is counted once
// per query (Meilisearch counts the union once).
type fedFacets struct {
	want  map[string][]string // index uid as requested -> facets
	order []string            // requested index uids, sorted
	dists map[string][]map[string]map[string]int64
	stats map[string][]map[string]facetStat
	opts  map[string]facetOptions
}

func newFedFacets(fed *meili.Federation, queries []meili.MultiSearchQuery) (*fedFacets, error) {
	if len(fed.FacetsByIndex) == 0 {
		return nil, nil
	}
	f := &fedFacets{want: fed.FacetsByIndex, dists: map[string][]map[string]map[string]int64{},
		stats: map[string][]map[string]facetStat{}, opts: map[string]facetOptions{}}
	for uid := range fed.FacetsByIndex {
		if !slices.ContainsFunc(queries, func(q meili.MultiSearchQuery) bool { return q.IndexUID == uid }) {
			return nil, meili.Errorf(meili.Code("invalid_multi_search_facets_by_index"),
				"Inside `.federation.facetsByIndex.%s`: Index `%s` is not used in queries.", uid, uid)
		}
		f.order = append(f.order, uid)
	}
	slices.Sort(f.order)
	return f, nil
}

// facetsFor is the facets a query on uid must ask for (nil for none).
func (f *fedFacets) facetsFor(uid string) []string {
	if f == nil {
		return nil
	}
	return f.want[uid]
}

// add records one shard answer of a query on uid.
func (f *fedFacets) add(uid string, opt facetOptions, part *nodeSearchResult) {
	if f == nil || f.want[uid] == nil {
		return
	}
	if _, ok := f.opts[uid]; !ok {
		f.opts[uid] = opt
	}
	f.dists[uid] = append(f.dists[uid], part.FacetDistribution)
	f.stats[uid] = append(f.stats[uid], part.FacetStats)
}

// indexFacets is one entry of facetsByIndex.
type indexFacets struct {
	Distribution *facetFields         `json:"distribution"`
	Stats        map[string]facetStat `json:"stats"`
}

// fill sets facetsByIndex, or facetDistribution and facetStats when
// mergeFacets is set, on a federated answer.
func (f *fedFacets) fill(out map[string]any, merge *meili.MergeFacets) {
	if f == nil {
		return
	}
	if merge != nil {
		var dists []map[string]map[string]int64
		var stats []map[string]facetStat
		opt := facetOptions{MaxValuesPerFacet: 100}
		for i, uid := range f.order {
			if i == 0 {
				opt.SortBy = f.opts[uid].SortBy
			}
			dists = append(dists, f.dists[uid]...)
			stats = append(stats, f.stats[uid]...)
		}
		if merge.MaxValuesPerFacet != nil {
			opt.MaxValuesPerFacet = *merge.MaxValuesPerFacet
		}
		dist := mergeFacetDistributions(dists, &opt)
		if dist == nil {
			dist = &facetFields{}
		}
		st := mergeFacetStats(stats)
		if st == nil {
			st = map[string]facetStat{}
		}
		out["facetDistribution"], out["facetStats"] = dist, st
		return
	}
	byIndex := make(map[string]indexFacets, len(f.order))
	for _, uid := range f.order {
		opt := f.opts[uid]
		dist := mergeFacetDistributions(f.dists[uid], &opt)
		if dist == nil {
			dist = &facetFields{}
		}
		st := mergeFacetStats(f.stats[uid])
		if st == nil {
			st = map[string]facetStat{}
		}
		byIndex[uid] = indexFacets{Distribution: dist, Stats: st}
	}
	out["facetsByIndex"] = byIndex
}
