package index

import (
	"sort"

	"github.com/miroir-search/miroir/meili"
)

// facetValue accumulates one value of a facet.
type facetValue struct {
	display string
	count   int
}

// facetize counts, over every hit, the documents per value of each facet,
// and the min/max of numeric values.
func facetize(m *mem, facets []string, hits []hit, cfg *config) (map[string]meili.FacetCounts, map[string]meili.FacetStat) {
	dist := map[string]meili.FacetCounts{}
	stats := map[string]meili.FacetStat{}
	for _, f := range facets {
		values, st, hasNum := countFacet(m, f, hits)
		dist[f] = orderFacet(values, facetSortFor(cfg, f), cfg.maxValues)
		if hasNum {
			stats[f] = st
		}
	}
	if len(stats) == 0 {
		stats = nil
	}
	return dist, stats
}

func countFacet(m *mem, f string, hits []hit) (map[string]*facetValue, meili.FacetStat, bool) {
	values := map[string]*facetValue{}
	st := meili.FacetStat{}
	hasNum := false
	pid := m.pid(f)
	if pid == 0 {
		return values, st, false
	}
	col := m.column(pid)
	counts := make([]int, len(col.values))
	for _, h := range hits {
		for _, id := range col.of(h.slot) {
			counts[id]++
		}
	}
	for id, n := range counts {
		if n == 0 {
			continue
		}
		v := col.values[id]
		values[v.display] = &facetValue{display: v.display, count: n}
		if v.kind == leafNumber {
			if !hasNum || v.num < st.Min {
				st.Min = v.num
			}
			if !hasNum || v.num > st.Max {
				st.Max = v.num
			}
			hasNum = true
		}
	}
	return values, st, hasNum
}

func containsValue(list []*facetValue, v *facetValue) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func facetSortFor(cfg *config, f string) string {
	if v, ok := cfg.facetSort[f]; ok {
		return v
	}
	return cfg.facetSort["*"]
}

func orderFacet(values map[string]*facetValue, by string, maxValues int) meili.FacetCounts {
	out := make(meili.FacetCounts, 0, len(values))
	for _, v := range values {
		out = append(out, meili.FacetCount{Value: v.display, Count: v.count})
	}
	sort.Slice(out, func(i, j int) bool {
		if by == "count" && out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Value < out[j].Value
	})
	if len(out) > maxValues {
		out = out[:maxValues]
	}
	return out
}
