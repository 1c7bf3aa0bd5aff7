package meili

import (
	"bytes"
	"encoding/json"
)

// Opt is one settings field with Meilisearch's three states: absent (the
// zero Opt: leave the current value), null (Reset: back to the default) and
// a value. It marshals as null or the value and is omitted when absent
// (fields carry `omitzero`).
type Opt[T any] struct {
	Set   bool // present in the JSON, as null or a value
	Reset bool // present as null
	Value T
}

// Some is an Opt holding v.
func Some[T any](v T) Opt[T] { return Opt[T]{Set: true, Value: v} }

// ResetOpt is an Opt holding null.
func ResetOpt[T any]() Opt[T] { return Opt[T]{Set: true, Reset: true} }

// IsZero reports absence, for `omitzero`.
func (o Opt[T]) IsZero() bool { return !o.Set }

// Get returns the value and whether there is one (set and not null).
func (o Opt[T]) Get() (T, bool) { return o.Value, o.Set && !o.Reset }

// MarshalJSON writes null for a reset field and the value otherwise.
func (o Opt[T]) MarshalJSON() ([]byte, error) {
	if o.Reset || !o.Set {
		return []byte("null"), nil
	}
	return marshalNoEscape(o.Value)
}

// UnmarshalJSON records presence, and null as Reset.
func (o *Opt[T]) UnmarshalJSON(b []byte) error {
	*o = Opt[T]{Set: true}
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		o.Reset = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// Settings are an index's settings (reference §1.4) in Meilisearch's JSON
// shape. As a stored value every field is set (see DefaultSettings and
// Merge); as a PATCH body only the fields to change are, a null field
// meaning "reset to the default".
type Settings struct {
	DisplayedAttributes  Opt[[]string]                   `json:"displayedAttributes,omitzero"`
	SearchableAttributes Opt[[]string]                   `json:"searchableAttributes,omitzero"`
	FilterableAttributes Opt[[]FilterableAttributesRule] `json:"filterableAttributes,omitzero"`
	SortableAttributes   Opt[[]string]                   `json:"sortableAttributes,omitzero"`
	ForeignKeys          Opt[[]ForeignKey]               `json:"foreignKeys,omitzero"`
	RankingRules         Opt[[]string]                   `json:"rankingRules,omitzero"`
	StopWords            Opt[[]string]                   `json:"stopWords,omitzero"`
	NonSeparatorTokens   Opt[[]string]                   `json:"nonSeparatorTokens,omitzero"`
	SeparatorTokens      Opt[[]string]                   `json:"separatorTokens,omitzero"`
	Dictionary           Opt[[]string]                   `json:"dictionary,omitzero"`
	Synonyms             Opt[map[string][]string]        `json:"synonyms,omitzero"`
	DistinctAttribute    Opt[string]                     `json:"distinctAttribute,omitzero"`
	ProximityPrecision   Opt[string]                     `json:"proximityPrecision,omitzero"`
	TypoTolerance        Opt[TypoTolerance]              `json:"typoTolerance,omitzero"`
	Faceting             Opt[Faceting]                   `json:"faceting,omitzero"`
	Pagination           Opt[Pagination]                 `json:"pagination,omitzero"`
	Embedders            Opt[map[string]json.RawMessage] `json:"embedders,omitzero"`
	SearchCutoffMs       Opt[uint64]                     `json:"searchCutoffMs,omitzero"`
	LocalizedAttributes  Opt[[]LocalizedAttributesRule]  `json:"localizedAttributes,omitzero"`
	FacetSearch          Opt[bool]                       `json:"facetSearch,omitzero"`
	PrefixSearch         Opt[string]                     `json:"prefixSearch,omitzero"`
	Chat                 Opt[ChatSettings]               `json:"chat,omitzero"`
}

// TypoTolerance is the typoTolerance setting; its fields PATCH one by one.
type TypoTolerance struct {
	Enabled             Opt[bool]                `json:"enabled,omitzero"`
	MinWordSizeForTypos Opt[MinWordSizeForTypos] `json:"minWordSizeForTypos,omitzero"`
	DisableOnWords      Opt[[]string]            `json:"disableOnWords,omitzero"`
	DisableOnAttributes Opt[[]string]            `json:"disableOnAttributes,omitzero"`
	DisableOnNumbers    Opt[bool]                `json:"disableOnNumbers,omitzero"`
}

// MinWordSizeForTypos are the word lengths from which one and two typos are
// tolerated.
type MinWordSizeForTypos struct {
	OneTypo  Opt[uint8] `json:"oneTypo,omitzero"`
	TwoTypos Opt[uint8] `json:"twoTypos,omitzero"`
}

// Faceting is the faceting setting.
type Faceting struct {
	MaxValuesPerFacet Opt[uint64]            `json:"maxValuesPerFacet,omitzero"`
	SortFacetValuesBy Opt[map[string]string] `json:"sortFacetValuesBy,omitzero"`
}

// Pagination is the pagination setting.
type Pagination struct {
	MaxTotalHits Opt[uint64] `json:"maxTotalHits,omitzero"`
}

// ChatSettings is the per-index chat setting.
type ChatSettings struct {
	Description              Opt[string]          `json:"description,omitzero"`
	DocumentTemplate         Opt[string]          `json:"documentTemplate,omitzero"`
	DocumentTemplateMaxBytes Opt[uint64]          `json:"documentTemplateMaxBytes,omitzero"`
	SearchParameters         Opt[json.RawMessage] `json:"searchParameters,omitzero"`
}

// ForeignKey is one entry of the experimental foreignKeys setting.
type ForeignKey struct {
	ForeignIndexUID string `json:"foreignIndexUid"`
	FieldName       string `json:"fieldName"`
}

// LocalizedAttributesRule assigns locales to attribute patterns.
type LocalizedAttributesRule struct {
	AttributePatterns []string `json:"attributePatterns"`
	Locales           []string `json:"locales"`
}

// FilterableAttributesRule is one filterableAttributes entry: a plain
// attribute name or pattern (Attribute, marshalled as a JSON string), or a
// granular rule with attribute patterns and features.
type FilterableAttributesRule struct {
	Attribute         string
	AttributePatterns []string
	Features          *FilterableAttributesFeatures
}

// FilterableAttributesFeatures are a granular rule's features. Absent
// fields take Meilisearch's defaults: facetSearch false, equality true,
// comparison false.
type FilterableAttributesFeatures struct {
	FacetSearch *bool `json:"facetSearch,omitempty"`
	Filter      *struct {
		Equality   *bool `json:"equality,omitempty"`
		Comparison *bool `json:"comparison,omitempty"`
	} `json:"filter,omitempty"`
}

// IsGranular reports whether r is the object form.
func (r FilterableAttributesRule) IsGranular() bool { return r.AttributePatterns != nil }

// MarshalJSON writes the string form for plain rules.
func (r FilterableAttributesRule) MarshalJSON() ([]byte, error) {
	if !r.IsGranular() {
		return marshalNoEscape(r.Attribute)
	}
	return marshalNoEscape(struct {
		AttributePatterns []string                      `json:"attributePatterns"`
		Features          *FilterableAttributesFeatures `json:"features,omitempty"`
	}{r.AttributePatterns, r.Features})
}

// UnmarshalJSON accepts both forms.
func (r *FilterableAttributesRule) UnmarshalJSON(b []byte) error {
	*r = FilterableAttributesRule{}
	if b = bytes.TrimSpace(b); len(b) > 0 && b[0] == '"' {
		return json.Unmarshal(b, &r.Attribute)
	}
	var g struct {
		AttributePatterns []string                      `json:"attributePatterns"`
		Features          *FilterableAttributesFeatures `json:"features"`
	}
	if err := json.Unmarshal(b, &g); err != nil {
		return err
	}
	r.AttributePatterns, r.Features = g.AttributePatterns, g.Features
	if r.AttributePatterns == nil {
		r.AttributePatterns = []string{}
	}
	return nil
}
