package proxy

import (
	"slices"
	"strconv"
	"strings"
)

// facetOptions are the index's faceting settings the merge must honour.
type facetOptions struct {
	MaxValuesPerFacet int               // default 100
	SortBy            map[string]string // field or "*" -> "alpha" | "count"
}

func (o *facetOptions) sortBy(field string) string {
	if v, ok := o.SortBy[field]; ok {
		return v
	}
	if v, ok := o.SortBy["*"]; ok {
		return v
	}
	return "alpha"
}

// facetValue is one value of a facet with its summed count.
type facetValue struct {
	Value string
	Count int64
}

// facetList is one field's merged values, in output order. It marshals as a
// JSON object whose member order is the list order, as Meilisearch's is.
type facetList []facetValue

func (l facetList) MarshalJSON() ([]byte, error) { return l.appendJSON(nil), nil }

func (l facetList) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, v := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v.Value)
		b = append(b, ':')
		b = strconv.AppendInt(b, v.Count, 10)
	}
	return append(b, '}')
}

// facetFields is facetDistribution: fields in sorted order, each a facetList.
type facetFields struct {
	names  []string
	values map[string]facetList
}

func (f facetFields) MarshalJSON() ([]byte, error) { return f.appendJSON(nil), nil }

func (f facetFields) appendJSON(b []byte) []byte {
	b = append(b, '{')
	for i, name := range f.names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, name)
		b = append(b, ':')
		b = f.values[name].appendJSON(b)
	}
	return append(b, '}')
}

// mergeFacetDistributions sums counts per value over the shards, then orders
// and truncates each field per the faceting settings. Reserved fields are
// dropped. With alpha order the result is exact (each shard's first N values
// include every value of the global first N); with count order it is as
// approximate as Meilisearch's own federated facet merge.
func mergeFacetDistributions(parts []map[string]map[string]int64, opt *facetOptions) *facetFields {
	sums := map[string]map[string]int64{}
	for _, p := range parts {
		for field, vals := range p {
			if strings.HasPrefix(field, reservedPrefix) {
				continue
			}
			m := sums[field]
			if m == nil {
				m = make(map[string]int64, len(vals))
				sums[field] = m
			}
			for v, c := range vals {
				m[v] += c
			}
		}
	}
	if len(sums) == 0 && !anyNonNil(parts) {
		return nil
	}
	out := &facetFields{values: make(map[string]facetList, len(sums))}
	for field, vals := range sums {
		out.names = append(out.names, field)
		out.values[field] = orderFacet(vals, opt.sortBy(field), opt.MaxValuesPerFacet)
	}
	slices.Sort(out.names)
	return out
}

func anyNonNil(parts []map[string]map[string]int64) bool {
	for _, p := range parts {
		if p != nil {
			return true
		}
	}
	return false
}

func orderFacet(vals map[string]int64, sortBy string, max int) facetList {
	l := make(facetList, 0, len(vals))
	for v, c := range vals {
		l = append(l, facetValue{v, c})
	}
	if sortBy == "count" {
		slices.SortFunc(l, func(a, b facetValue) int {
			if a.Count != b.Count {
				if a.Count > b.Count {
					return -1
				}
				return 1
			}
			return compareFacetValues(a.Value, b.Value)
		})
	} else {
		slices.SortFunc(l, func(a, b facetValue) int { return compareFacetValues(a.Value, b.Value) })
	}
	if max >= 0 && len(l) > max {
		l = l[:max]
	}
	return l
}

// compareFacetValues is Meilisearch's alpha order: numbers first in numeric
// order, then strings case-insensitively, then bytewise for a stable order.
func compareFacetValues(a, b string) int {
	fa, ea := strconv.ParseFloat(a, 64)
	fb, eb := strconv.ParseFloat(b, 64)
	switch {
	case ea == nil && eb == nil:
		if fa != fb {
			if fa < fb {
				return -1
			}
			return 1
		}
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// facetStat is one numeric facet's range.
type facetStat struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// mergeFacetStats takes the min of mins and the max of maxes; exact. It is
// nil only when no node answered facetStats.
func mergeFacetStats(parts []map[string]facetStat) map[string]facetStat {
	var out map[string]facetStat
	for _, p := range parts {
		if p != nil && out == nil {
			out = map[string]facetStat{}
		}
		for field, st := range p {
			if strings.HasPrefix(field, reservedPrefix) {
				continue
			}
			cur, ok := out[field]
			if !ok {
				out[field] = st
				continue
			}
			cur.Min = min(cur.Min, st.Min)
			cur.Max = max(cur.Max, st.Max)
			out[field] = cur
		}
	}
	return out
}
