package meili

import (
	"encoding/json"
)

// Default values of search parameters (Meilisearch v1.53, crates/meilisearch/src/search/mod.rs).
const (
	DefaultSearchLimit      = 20
	DefaultCropLength       = 10
	DefaultCropMarker       = "…"
	DefaultHighlightPreTag  = "<em>"
	DefaultHighlightPostTag = "</em>"

	MatchingStrategyLast      = "last"
	MatchingStrategyAll       = "all"
	MatchingStrategyFrequency = "frequency"
)

// SearchQuery is the body of POST /indexes/{uid}/search (and the GET query
// string). DecodeSearchQuery and ParseSearchQueryValues fill the defaults, so
// a decoded query is ready to execute; json.Marshal of a SearchQuery is a
// valid request body again (the proxy re-encodes sub-queries).
//
// Parameters the engine cannot honour (Hybrid, Vector, Media, Personalize,
// RetrieveVectors) are kept so the engine can refuse them with a clear error
// instead of silently ignoring them.
type SearchQuery struct {
	Q           string `json:"q"`
	Offset      int    `json:"offset"`
	Limit       int    `json:"limit"`
	Page        *int   `json:"page,omitempty"`
	HitsPerPage *int   `json:"hitsPerPage,omitempty"`

	AttributesToRetrieve  []string `json:"attributesToRetrieve,omitempty"`
	AttributesToCrop      []string `json:"attributesToCrop,omitempty"`
	CropLength            int      `json:"cropLength"`
	CropMarker            string   `json:"cropMarker"`
	AttributesToHighlight []string `json:"attributesToHighlight,omitempty"`
	HighlightPreTag       string   `json:"highlightPreTag"`
	HighlightPostTag      string   `json:"highlightPostTag"`
	ShowMatchesPosition   bool     `json:"showMatchesPosition,omitempty"`

	// Filter is a string or an array of (strings or arrays of strings), as
	// decoded by encoding/json; hand it to ParseFilter.
	Filter           any      `json:"filter,omitempty"`
	Sort             []string `json:"sort,omitempty"`
	Distinct         string   `json:"distinct,omitempty"`
	Facets           []string `json:"facets,omitempty"`
	MatchingStrategy string   `json:"matchingStrategy"`

	AttributesToSearchOn  []string `json:"attributesToSearchOn,omitempty"`
	RankingScoreThreshold *float64 `json:"rankingScoreThreshold,omitempty"`
	Locales               []string `json:"locales,omitempty"`

	ShowRankingScore        bool `json:"showRankingScore,omitempty"`
	ShowRankingScoreDetails bool `json:"showRankingScoreDetails,omitempty"`
	ShowPerformanceDetails  bool `json:"showPerformanceDetails,omitempty"`

	Hybrid          json.RawMessage `json:"hybrid,omitempty"`
	Vector          json.RawMessage `json:"vector,omitempty"`
	RetrieveVectors bool            `json:"retrieveVectors,omitempty"`
	Media           json.RawMessage `json:"media,omitempty"`
	Personalize     json.RawMessage `json:"personalize,omitempty"`
	UseNetwork      *bool           `json:"useNetwork,omitempty"`
}

// NewSearchQuery returns a query with Meilisearch's defaults.
func NewSearchQuery() *SearchQuery {
	return &SearchQuery{
		Limit:            DefaultSearchLimit,
		CropLength:       DefaultCropLength,
		CropMarker:       DefaultCropMarker,
		HighlightPreTag:  DefaultHighlightPreTag,
		HighlightPostTag: DefaultHighlightPostTag,
		MatchingStrategy: MatchingStrategyLast,
	}
}

// IsPaged reports whether the query asks for exhaustive paging (page or
// hitsPerPage set), which switches the response to totalHits/totalPages.
func (q *SearchQuery) IsPaged() bool { return q.Page != nil || q.HitsPerPage != nil }

// SearchResult is the response of a search. Hits are complete JSON objects
// (document fields in stored order, then _formatted, _matchesPosition,
// _rankingScore, _rankingScoreDetails, _federation) kept raw so that a merger
// never re-encodes documents. Exactly one of the two paging groups is set:
// Limit/Offset/EstimatedTotalHits, or HitsPerPage/Page/TotalPages/TotalHits.
type SearchResult struct {
	Hits               []json.RawMessage `json:"hits"`
	Query              string            `json:"query"`
	ProcessingTimeMs   int64             `json:"processingTimeMs"`
	Limit              *int              `json:"limit,omitempty"`
	Offset             *int              `json:"offset,omitempty"`
	EstimatedTotalHits *int              `json:"estimatedTotalHits,omitempty"`
	HitsPerPage        *int              `json:"hitsPerPage,omitempty"`
	Page               *int              `json:"page,omitempty"`
	TotalPages         *int              `json:"totalPages,omitempty"`
	TotalHits          *int              `json:"totalHits,omitempty"`
	// FacetDistribution maps a facet name to its values in response order
	// (alphabetical or by count, per the faceting settings).
	FacetDistribution map[string]FacetCounts `json:"facetDistribution,omitempty"`
	FacetStats        map[string]FacetStat   `json:"facetStats,omitempty"`
	IndexUID          string                 `json:"indexUid,omitempty"` // multi-search results only
	FacetsByIndex     map[string]IndexFacets `json:"facetsByIndex,omitempty"`
	RemoteErrors      map[string]*Error      `json:"remoteErrors,omitempty"`
}

// IndexFacets is one entry of a federated result's facetsByIndex.
type IndexFacets struct {
	Distribution map[string]FacetCounts `json:"distribution"`
	Stats        map[string]FacetStat   `json:"stats"`
}

// FacetStat is the min and max of the numeric values of a facet over all
// matching documents.
type FacetStat struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// FacetCount is one value of a facet distribution.
type FacetCount struct {
	Value string
	Count int
}

// FacetCounts is an ordered facet distribution; it encodes as a JSON object
// whose keys keep the slice order.
type FacetCounts []FacetCount
