package index

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// Settings are the index settings the engine honours, with Meilisearch's
// JSON names, so any settings value that marshals like Meilisearch's
// (meili.Settings included) converts with SettingsFromJSON. Nil fields take
// Meilisearch's defaults.
type Settings struct {
	SearchableAttributes []string            `json:"searchableAttributes,omitempty"`
	DisplayedAttributes  []string            `json:"displayedAttributes,omitempty"`
	FilterableAttributes []json.RawMessage   `json:"filterableAttributes,omitempty"`
	SortableAttributes   []string            `json:"sortableAttributes,omitempty"`
	RankingRules         []string            `json:"rankingRules,omitempty"`
	StopWords            []string            `json:"stopWords,omitempty"`
	Synonyms             map[string][]string `json:"synonyms,omitempty"`
	DistinctAttribute    *string             `json:"distinctAttribute,omitempty"`
	TypoTolerance        *TypoTolerance      `json:"typoTolerance,omitempty"`
	Faceting             *Faceting           `json:"faceting,omitempty"`
	Pagination           *Pagination         `json:"pagination,omitempty"`
	FacetSearch          *bool               `json:"facetSearch,omitempty"`
	PrefixSearch         *string             `json:"prefixSearch,omitempty"`
}

// TypoTolerance is Meilisearch's typoTolerance setting.
type TypoTolerance struct {
	Enabled             *bool         `json:"enabled,omitempty"`
	MinWordSizeForTypos *MinWordSizes `json:"minWordSizeForTypos,omitempty"`
	DisableOnWords      []string      `json:"disableOnWords,omitempty"`
	DisableOnAttributes []string      `json:"disableOnAttributes,omitempty"`
	DisableOnNumbers    *bool         `json:"disableOnNumbers,omitempty"`
}

// MinWordSizes are the word lengths from which 1 and 2 typos are allowed.
type MinWordSizes struct {
	OneTypo  *int `json:"oneTypo,omitempty"`
	TwoTypos *int `json:"twoTypos,omitempty"`
}

// Faceting is Meilisearch's faceting setting.
type Faceting struct {
	MaxValuesPerFacet *int              `json:"maxValuesPerFacet,omitempty"`
	SortFacetValuesBy map[string]string `json:"sortFacetValuesBy,omitempty"`
}

// Pagination is Meilisearch's pagination setting.
type Pagination struct {
	MaxTotalHits *int `json:"maxTotalHits,omitempty"`
}

// SettingsFromJSON converts Meilisearch settings JSON (string, []byte,
// json.RawMessage) or any value that marshals to it (a meili.Settings, a
// map) into Settings.
func SettingsFromJSON(v any) (Settings, error) {
	var raw []byte
	switch x := v.(type) {
	case string:
		raw = []byte(x)
	case []byte:
		raw = x
	case json.RawMessage:
		raw = x
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return Settings{}, err
		}
		raw = b
	}
	var s Settings
	if err := json.Unmarshal(raw, &s); err != nil {
		return Settings{}, fmt.Errorf("index settings: %w", err)
	}
	return s, nil
}

// DefaultRankingRules are Meilisearch's default ranking rules.
var defaultRankingRules = []string{"words", "typo", "proximity", "attributeRank", "sort", "wordPosition", "exactness"}

// config is Settings resolved against the defaults, ready for search.
type config struct {
	searchable     []string // nil = every field ("*")
	displayed      []string // nil = every field
	filterable     []string // patterns
	sortable       []string
	rules          []rule
	stopWords      map[string]bool
	synonyms       map[string][][]string // normalised word -> alternatives (each tokenised)
	distinct       string
	typoEnabled    bool
	oneTypo        int
	twoTypos       int
	typoOffWords   map[string]bool
	typoOffAttrs   []string
	typoOffNumbers bool
	maxValues      int
	facetSort      map[string]string
	maxTotalHits   int
	facetSearch    bool
	prefixSearch   bool
}

func resolve(s Settings) (*config, error) {
	c := &config{
		searchable: wildcardToNil(s.SearchableAttributes), displayed: wildcardToNil(s.DisplayedAttributes),
		sortable: s.SortableAttributes, typoEnabled: true, oneTypo: 5, twoTypos: 9,
		maxValues: 100, maxTotalHits: 1000, facetSearch: true, prefixSearch: true,
		stopWords: map[string]bool{}, typoOffWords: map[string]bool{}, facetSort: map[string]string{"*": "alpha"},
	}
	if err := c.resolveFilterable(s.FilterableAttributes); err != nil {
		return nil, err
	}
	rules := s.RankingRules
	if rules == nil {
		rules = defaultRankingRules
	}
	var err error
	if c.rules, err = parseRules(rules); err != nil {
		return nil, err
	}
	for _, w := range s.StopWords {
		c.stopWords[normalize(w)] = true
	}
	c.synonyms = resolveSynonyms(s.Synonyms)
	if s.DistinctAttribute != nil {
		c.distinct = *s.DistinctAttribute
	}
	c.resolveTypo(s.TypoTolerance)
	c.resolveMisc(s)
	return c, nil
}

func (c *config) resolveTypo(t *TypoTolerance) {
	if t == nil {
		return
	}
	if t.Enabled != nil {
		c.typoEnabled = *t.Enabled
	}
	if m := t.MinWordSizeForTypos; m != nil {
		if m.OneTypo != nil {
			c.oneTypo = *m.OneTypo
		}
		if m.TwoTypos != nil {
			c.twoTypos = *m.TwoTypos
		}
	}
	for _, w := range t.DisableOnWords {
		c.typoOffWords[normalize(w)] = true
	}
	c.typoOffAttrs = t.DisableOnAttributes
	if t.DisableOnNumbers != nil {
		c.typoOffNumbers = *t.DisableOnNumbers
	}
}

func (c *config) resolveMisc(s Settings) {
	if f := s.Faceting; f != nil {
		if f.MaxValuesPerFacet != nil {
			c.maxValues = *f.MaxValuesPerFacet
		}
		for k, v := range f.SortFacetValuesBy {
			c.facetSort[k] = v
		}
	}
	if p := s.Pagination; p != nil && p.MaxTotalHits != nil {
		c.maxTotalHits = *p.MaxTotalHits
	}
	if s.FacetSearch != nil {
		c.facetSearch = *s.FacetSearch
	}
	if s.PrefixSearch != nil {
		c.prefixSearch = *s.PrefixSearch != "disabled"
	}
}

// resolveFilterable accepts strings and granular
// {attributePatterns, features} objects (features other than filter on/off
// are not enforced).
func (c *config) resolveFilterable(list []json.RawMessage) error {
	for _, raw := range list {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			c.filterable = append(c.filterable, s)
			continue
		}
		var g struct {
			AttributePatterns []string `json:"attributePatterns"`
		}
		if err := json.Unmarshal(raw, &g); err != nil {
			return meili.Errorf(meili.CodeInvalidSettingsFilterableAttributes, "invalid filterable attribute %s", raw)
		}
		c.filterable = append(c.filterable, g.AttributePatterns...)
	}
	return nil
}

func resolveSynonyms(in map[string][]string) map[string][][]string {
	out := map[string][][]string{}
	for k, alts := range in {
		key := strings.Join(termsOf(k), " ")
		for _, a := range alts {
			if t := termsOf(a); len(t) > 0 {
				out[key] = append(out[key], t)
			}
		}
	}
	return out
}

func termsOf(s string) []string {
	toks, _ := tokenize(s, 0)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.term
	}
	return out
}

func wildcardToNil(list []string) []string {
	for _, a := range list {
		if a == "*" {
			return nil
		}
	}
	return list
}

// matchesAny reports whether path is selected by one of the patterns.
func matchesAny(patterns []string, path string) bool {
	for _, p := range patterns {
		if pathCovers(p, path) {
			return true
		}
	}
	return false
}

func (c *config) isFilterable(path string) bool { return matchesAny(c.filterable, path) }

func (c *config) isSortable(path string) bool { return matchesAny(c.sortable, path) }

// reservedPrefix marks the fields miroir stamps on every document it routes
// (_miroir_shard, _miroir_version). They exist for filters and repair, never
// for relevance: a query word equal to a shard number must not match them.
const reservedPrefix = "_miroir_"

// searchWeight is the attribute rank of path: its index in
// searchableAttributes, or 0 for every field with "*". ok is false when the
// field is not searchable; miroir's reserved fields never are.
func (c *config) searchWeight(path string) (int, bool) {
	if strings.HasPrefix(path, reservedPrefix) {
		return 0, false
	}
	if c.searchable == nil {
		return 0, true
	}
	for i, a := range c.searchable {
		if pathCovers(a, path) {
			return i, true
		}
	}
	return 0, false
}
