package proxy

import (
	"encoding/json"
	"strconv"
	"strings"
	"sync"

	"github.com/miroir-search/miroir/store"
)

// indexOptions are the settings the read path needs, parsed once per
// settings version.
type indexOptions struct {
	maxTotalHits      int
	facets            facetOptions
	distinctAttribute string
	// customSortRules: the ranking rules hold "field:asc|desc" rules, so
	// hits carry sort values the merge must compare.
	customSortRules bool
}

type optionsCache struct {
	m sync.Map // uid/version -> *indexOptions
}

func (c *optionsCache) get(idx store.Index) *indexOptions {
	key := idx.UID + "/" + strconv.FormatUint(idx.SettingsVersion, 10)
	if v, ok := c.m.Load(key); ok {
		return v.(*indexOptions)
	}
	o := parseIndexOptions(idx.Settings)
	c.m.Store(key, o)
	return o
}

func parseIndexOptions(settings json.RawMessage) *indexOptions {
	o := &indexOptions{maxTotalHits: 1000, facets: facetOptions{MaxValuesPerFacet: 100, SortBy: map[string]string{"*": "alpha"}}}
	var s struct {
		Pagination *struct {
			MaxTotalHits *int `json:"maxTotalHits"`
		} `json:"pagination"`
		Faceting *struct {
			MaxValuesPerFacet *int              `json:"maxValuesPerFacet"`
			SortFacetValuesBy map[string]string `json:"sortFacetValuesBy"`
		} `json:"faceting"`
		DistinctAttribute *string  `json:"distinctAttribute"`
		RankingRules      []string `json:"rankingRules"`
	}
	if len(settings) == 0 || json.Unmarshal(settings, &s) != nil {
		return o
	}
	if s.Pagination != nil && s.Pagination.MaxTotalHits != nil {
		o.maxTotalHits = *s.Pagination.MaxTotalHits
	}
	if s.Faceting != nil {
		if s.Faceting.MaxValuesPerFacet != nil {
			o.facets.MaxValuesPerFacet = *s.Faceting.MaxValuesPerFacet
		}
		if len(s.Faceting.SortFacetValuesBy) > 0 {
			o.facets.SortBy = s.Faceting.SortFacetValuesBy
		}
	}
	if s.DistinctAttribute != nil {
		o.distinctAttribute = *s.DistinctAttribute
	}
	for _, r := range s.RankingRules {
		if strings.HasSuffix(r, ":asc") || strings.HasSuffix(r, ":desc") {
			o.customSortRules = true
		}
	}
	return o
}
