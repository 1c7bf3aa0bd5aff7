package meili

import (
	"encoding/json"
	"maps"
	"slices"
)

// Meilisearch's settings defaults (as GET /settings shows them on a new
// index, and as meilisearch-go's integration tests assert them).
const (
	DefaultMaxTotalHits      = 1000
	DefaultMaxValuesPerFacet = 100
	DefaultOneTypo           = 5
	DefaultTwoTypos          = 9
	DefaultSearchCutoffMs    = 1500 // the budget used when searchCutoffMs is null
	DefaultChatTemplate      = "{% for field in fields %}{% if field.is_searchable and field.value != nil %}{{ field.name }}: {{ field.value }}\n{% endif %}{% endfor %}"
	DefaultChatMaxBytes      = 400
)

// DefaultRankingRules returns Meilisearch's default ranking rules.
func DefaultRankingRules() []string {
	return []string{"words", "typo", "proximity", "attributeRank", "sort", "wordPosition", "exactness"}
}

// DefaultTypoTolerance returns the default typoTolerance setting.
func DefaultTypoTolerance() TypoTolerance {
	return TypoTolerance{
		Enabled:             Some(true),
		MinWordSizeForTypos: Some(MinWordSizeForTypos{OneTypo: Some[uint8](DefaultOneTypo), TwoTypos: Some[uint8](DefaultTwoTypos)}),
		DisableOnWords:      Some([]string{}),
		DisableOnAttributes: Some([]string{}),
		DisableOnNumbers:    Some(false),
	}
}

// DefaultFaceting returns the default faceting setting.
func DefaultFaceting() Faceting {
	return Faceting{
		MaxValuesPerFacet: Some[uint64](DefaultMaxValuesPerFacet),
		SortFacetValuesBy: Some(map[string]string{"*": "alpha"}),
	}
}

// DefaultChat returns the default chat setting.
func DefaultChat() ChatSettings {
	return ChatSettings{
		Description:              Some(""),
		DocumentTemplate:         Some(DefaultChatTemplate),
		DocumentTemplateMaxBytes: Some[uint64](DefaultChatMaxBytes),
		SearchParameters:         Some(json.RawMessage(`{}`)),
	}
}

// DefaultSettings returns the settings of a new index, every field set.
// distinctAttribute, searchCutoffMs and localizedAttributes are null, as
// Meilisearch shows them. foreignKeys (experimental) is left out.
func DefaultSettings() Settings {
	return Settings{
		DisplayedAttributes:  Some([]string{"*"}),
		SearchableAttributes: Some([]string{"*"}),
		FilterableAttributes: Some([]FilterableAttributesRule{}),
		SortableAttributes:   Some([]string{}),
		RankingRules:         Some(DefaultRankingRules()),
		StopWords:            Some([]string{}),
		NonSeparatorTokens:   Some([]string{}),
		SeparatorTokens:      Some([]string{}),
		Dictionary:           Some([]string{}),
		Synonyms:             Some(map[string][]string{}),
		DistinctAttribute:    ResetOpt[string](),
		ProximityPrecision:   Some("byWord"),
		TypoTolerance:        Some(DefaultTypoTolerance()),
		Faceting:             Some(DefaultFaceting()),
		Pagination:           Some(Pagination{MaxTotalHits: Some[uint64](DefaultMaxTotalHits)}),
		Embedders:            Some(map[string]json.RawMessage{}),
		SearchCutoffMs:       ResetOpt[uint64](),
		LocalizedAttributes:  ResetOpt[[]LocalizedAttributesRule](),
		FacetSearch:          Some(true),
		PrefixSearch:         Some("indexingTime"),
		Chat:                 Some(DefaultChat()),
	}
}

// Merge applies patch to s and returns the result, normalised: absent
// fields keep s's value, null fields take the default, the object settings
// (typoTolerance, faceting, pagination, chat) merge field by field, and
// embedders merge by name (a null embedder is removed). s is not modified.
func (s Settings) Merge(patch Settings) Settings {
	d := DefaultSettings()
	out := s
	out.DisplayedAttributes = mergeOpt(s.DisplayedAttributes, patch.DisplayedAttributes, d.DisplayedAttributes)
	out.SearchableAttributes = mergeOpt(s.SearchableAttributes, patch.SearchableAttributes, d.SearchableAttributes)
	out.FilterableAttributes = mergeOpt(s.FilterableAttributes, patch.FilterableAttributes, d.FilterableAttributes)
	out.SortableAttributes = mergeOpt(s.SortableAttributes, patch.SortableAttributes, d.SortableAttributes)
	out.ForeignKeys = mergeOpt(s.ForeignKeys, patch.ForeignKeys, Opt[[]ForeignKey]{})
	out.RankingRules = mergeOpt(s.RankingRules, patch.RankingRules, d.RankingRules)
	out.StopWords = mergeOpt(s.StopWords, patch.StopWords, d.StopWords)
	out.NonSeparatorTokens = mergeOpt(s.NonSeparatorTokens, patch.NonSeparatorTokens, d.NonSeparatorTokens)
	out.SeparatorTokens = mergeOpt(s.SeparatorTokens, patch.SeparatorTokens, d.SeparatorTokens)
	out.Dictionary = mergeOpt(s.Dictionary, patch.Dictionary, d.Dictionary)
	out.Synonyms = mergeOpt(s.Synonyms, patch.Synonyms, d.Synonyms)
	out.DistinctAttribute = mergeOpt(s.DistinctAttribute, patch.DistinctAttribute, d.DistinctAttribute)
	out.ProximityPrecision = mergeOpt(s.ProximityPrecision, patch.ProximityPrecision, d.ProximityPrecision)
	out.TypoTolerance = mergeNested(s.TypoTolerance, patch.TypoTolerance, d.TypoTolerance, TypoTolerance.merge)
	out.Faceting = mergeNested(s.Faceting, patch.Faceting, d.Faceting, Faceting.merge)
	out.Pagination = mergeNested(s.Pagination, patch.Pagination, d.Pagination, Pagination.merge)
	out.Embedders = mergeEmbedders(s.Embedders, patch.Embedders)
	out.SearchCutoffMs = mergeOpt(s.SearchCutoffMs, patch.SearchCutoffMs, d.SearchCutoffMs)
	out.LocalizedAttributes = mergeOpt(s.LocalizedAttributes, patch.LocalizedAttributes, d.LocalizedAttributes)
	out.FacetSearch = mergeOpt(s.FacetSearch, patch.FacetSearch, d.FacetSearch)
	out.PrefixSearch = mergeOpt(s.PrefixSearch, patch.PrefixSearch, d.PrefixSearch)
	out.Chat = mergeNested(s.Chat, patch.Chat, d.Chat, ChatSettings.merge)
	return out.Normalize()
}

func mergeOpt[T any](cur, patch, def Opt[T]) Opt[T] {
	switch {
	case !patch.Set:
		return cur
	case patch.Reset:
		return def
	}
	return patch
}

func mergeNested[T any](cur, patch, def Opt[T], merge func(T, T, T) T) Opt[T] {
	switch {
	case !patch.Set:
		return cur
	case patch.Reset:
		return def
	}
	base := cur.Value
	if _, ok := cur.Get(); !ok {
		base = def.Value
	}
	return Some(merge(base, patch.Value, def.Value))
}

func (t TypoTolerance) merge(p, d TypoTolerance) TypoTolerance {
	t.Enabled = mergeOpt(t.Enabled, p.Enabled, d.Enabled)
	t.MinWordSizeForTypos = mergeNested(t.MinWordSizeForTypos, p.MinWordSizeForTypos, d.MinWordSizeForTypos, MinWordSizeForTypos.merge)
	t.DisableOnWords = mergeOpt(t.DisableOnWords, p.DisableOnWords, d.DisableOnWords)
	t.DisableOnAttributes = mergeOpt(t.DisableOnAttributes, p.DisableOnAttributes, d.DisableOnAttributes)
	t.DisableOnNumbers = mergeOpt(t.DisableOnNumbers, p.DisableOnNumbers, d.DisableOnNumbers)
	return t
}

func (m MinWordSizeForTypos) merge(p, d MinWordSizeForTypos) MinWordSizeForTypos {
	m.OneTypo = mergeOpt(m.OneTypo, p.OneTypo, d.OneTypo)
	m.TwoTypos = mergeOpt(m.TwoTypos, p.TwoTypos, d.TwoTypos)
	return m
}

func (f Faceting) merge(p, d Faceting) Faceting {
	f.MaxValuesPerFacet = mergeOpt(f.MaxValuesPerFacet, p.MaxValuesPerFacet, d.MaxValuesPerFacet)
	f.SortFacetValuesBy = mergeOpt(f.SortFacetValuesBy, p.SortFacetValuesBy, d.SortFacetValuesBy)
	return f
}

func (g Pagination) merge(p, d Pagination) Pagination {
	g.MaxTotalHits = mergeOpt(g.MaxTotalHits, p.MaxTotalHits, d.MaxTotalHits)
	return g
}

func (c ChatSettings) merge(p, d ChatSettings) ChatSettings {
	c.Description = mergeOpt(c.Description, p.Description, d.Description)
	c.DocumentTemplate = mergeOpt(c.DocumentTemplate, p.DocumentTemplate, d.DocumentTemplate)
	c.DocumentTemplateMaxBytes = mergeOpt(c.DocumentTemplateMaxBytes, p.DocumentTemplateMaxBytes, d.DocumentTemplateMaxBytes)
	c.SearchParameters = mergeOpt(c.SearchParameters, p.SearchParameters, d.SearchParameters)
	return c
}

func mergeEmbedders(cur, patch Opt[map[string]json.RawMessage]) Opt[map[string]json.RawMessage] {
	switch {
	case !patch.Set:
		return cur
	case patch.Reset:
		return Some(map[string]json.RawMessage{})
	}
	out := map[string]json.RawMessage{}
	if v, ok := cur.Get(); ok {
		maps.Copy(out, v)
	}
	for name, e := range patch.Value {
		if string(e) == "null" || e == nil {
			delete(out, name)
			continue
		}
		out[name] = e
	}
	return Some(out)
}

// Normalize returns s as Meilisearch stores it: the set-like lists
// (sortableAttributes, stopWords, separator tokens, dictionary, typo
// exceptions) sorted without duplicates, and sortFacetValuesBy always
// holding a "*" entry.
func (s Settings) Normalize() Settings {
	sortSet(&s.SortableAttributes)
	sortSet(&s.StopWords)
	sortSet(&s.NonSeparatorTokens)
	sortSet(&s.SeparatorTokens)
	sortSet(&s.Dictionary)
	if t, ok := s.TypoTolerance.Get(); ok {
		sortSet(&t.DisableOnWords)
		sortSet(&t.DisableOnAttributes)
		s.TypoTolerance = Some(t)
	}
	if f, ok := s.Faceting.Get(); ok {
		if by, ok := f.SortFacetValuesBy.Get(); ok {
			if _, star := by["*"]; !star {
				by = maps.Clone(by)
				by["*"] = "alpha"
				f.SortFacetValuesBy = Some(by)
				s.Faceting = Some(f)
			}
		}
	}
	return s
}

func sortSet(o *Opt[[]string]) {
	v, ok := o.Get()
	if !ok {
		return
	}
	v = slices.Clone(v)
	slices.Sort(v)
	*o = Some(slices.Compact(v))
}

// Equal reports whether s and o are the same settings once normalised
// (compared as JSON). Settings read back from a node compare equal to the
// ones sent only if both were merged over DefaultSettings; note that
// Meilisearch masks embedder API keys when showing settings.
func (s Settings) Equal(o Settings) bool {
	a, errA := marshalNoEscape(s.Normalize())
	b, errB := marshalNoEscape(o.Normalize())
	return errA == nil && errB == nil && string(a) == string(b)
}
