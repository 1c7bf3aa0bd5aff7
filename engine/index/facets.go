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
	var seen []*facetValue
	pid := m.pid(f)
	for _, h := range hits {
		seen = seen[:0]
		for _, l := range leaves(m.docs[h.slot], pid) {
			if l.kind != leafString && l.kind != leafNumber && l.kind != leafBool {
				continue
			}
			v := values[l.norm]
			if v == nil {
				v = &facetValue{display: l.norm}
				if l.kind == leafString {
					v.display = l.str
				}
				values[l.norm] = v
			}
			if containsValue(seen, v) {
				continue
			}
			seen = append(seen, v)
			v.count++
			if l.kind == leafNumber {
				if !hasNum || l.num < st.Min {
					st.Min = l.num
				}
				if !hasNum || l.num > st.Max {
					st.Max = l.num
				}
				hasNum = true
			}
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
