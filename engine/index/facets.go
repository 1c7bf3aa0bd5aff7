package index

import (
	"sort"
	"strconv"

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
	seen := map[string]bool{}
	for _, h := range hits {
		clear(seen)
		for _, l := range leavesOf(m.docs[h.slot], f, false) {
			key, display, ok := facetKey(l)
			if !ok || seen[key] {
				continue
			}
			seen[key] = true
			v := values[key]
			if v == nil {
				v = &facetValue{display: display}
				values[key] = v
			}
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

// facetKey groups values as Meilisearch does: strings by their normalised
// form, numbers by value.
func facetKey(l leaf) (key, display string, ok bool) {
	switch l.kind {
	case leafString:
		return "s" + normalizeFacet(l.str), l.str, true
	case leafNumber:
		s := strconv.FormatFloat(l.num, 'f', -1, 64)
		return "n" + s, s, true
	case leafBool:
		return "s" + l.str, l.str, true
	}
	return "", "", false
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
