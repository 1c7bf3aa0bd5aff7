package meili

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// MarshalJSON encodes the counts as an object, keeping the slice order.
func (fc FacetCounts) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, c := range fc {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(c.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		fmt.Fprintf(&b, ":%d", c.Count)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes an object keeping its key order.
func (fc *FacetCounts) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("facet counts: expected an object")
	}
	out := FacetCounts{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var n int
		if err := dec.Decode(&n); err != nil {
			return err
		}
		out = append(out, FacetCount{Value: key, Count: n})
	}
	*fc = out
	return nil
}

// ScoreDetail is one entry of _rankingScoreDetails. Which fields are set
// depends on the rule (milli score_details.rs to_json_map):
//   - words: Order, MatchingWords, MaxMatchingWords, Score
//   - typo: Order, TypoCount, MaxTypoCount, Score
//   - proximity, attributeRank, wordPosition: Order, Score
//   - attribute (legacy): Order, AttributeRankingOrderScore, QueryWordDistanceScore, Score
//   - exactness: Order, MatchType, Score (plus MatchingWords/MaxMatchingWords
//     when MatchType is "noExactMatch")
//   - "field:asc"/"field:desc": Order, Value
//   - "_geoPoint(lat, lng):asc": Order, Value ({lat,lng} or null), Distance
type ScoreDetail struct {
	Order                      int             `json:"order"`
	MatchingWords              *int            `json:"matchingWords,omitempty"`
	MaxMatchingWords           *int            `json:"maxMatchingWords,omitempty"`
	TypoCount                  *int            `json:"typoCount,omitempty"`
	MaxTypoCount               *int            `json:"maxTypoCount,omitempty"`
	AttributeRankingOrderScore *float64        `json:"attributeRankingOrderScore,omitempty"`
	QueryWordDistanceScore     *float64        `json:"queryWordDistanceScore,omitempty"`
	MatchType                  string          `json:"matchType,omitempty"`
	Score                      *float64        `json:"score,omitempty"`
	Value                      json.RawMessage `json:"value,omitempty"`
	Distance                   *float64        `json:"distance,omitempty"`
	Similarity                 *float64        `json:"similarity,omitempty"`
}

// RankingScoreDetails is a hit's _rankingScoreDetails: rule name -> detail.
type RankingScoreDetails map[string]ScoreDetail

// NamedScoreDetail is a ScoreDetail with its rule name.
type NamedScoreDetail struct {
	Rule string
	ScoreDetail
}

// Ordered returns the details in rule order.
func (d RankingScoreDetails) Ordered() []NamedScoreDetail {
	out := make([]NamedScoreDetail, 0, len(d))
	for k, v := range d {
		out = append(out, NamedScoreDetail{Rule: k, ScoreDetail: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// HitFederation is the _federation field of a federated hit.
type HitFederation struct {
	IndexUID             string  `json:"indexUid"`
	QueriesPosition      int     `json:"queriesPosition"`
	WeightedRankingScore float64 `json:"weightedRankingScore"`
}

// MultiSearchRequest is the body of POST /multi-search.
type MultiSearchRequest struct {
	Federation *Federation        `json:"federation,omitempty"`
	Queries    []MultiSearchQuery `json:"queries"`
}

// MultiSearchQuery is one query of a multi-search: a SearchQuery plus the
// target index and, under federation, its options.
type MultiSearchQuery struct {
	IndexUID          string             `json:"indexUid"`
	FederationOptions *FederationOptions `json:"federationOptions,omitempty"`
	SearchQuery
}

// Federation holds the federated parameters of a multi-search.
type Federation struct {
	Limit         int                 `json:"limit"`
	Offset        int                 `json:"offset"`
	Page          *int                `json:"page,omitempty"`
	HitsPerPage   *int                `json:"hitsPerPage,omitempty"`
	FacetsByIndex map[string][]string `json:"facetsByIndex,omitempty"`
	MergeFacets   *MergeFacets        `json:"mergeFacets,omitempty"`
	Distinct      string              `json:"distinct,omitempty"`
}

// MergeFacets asks a federated search to merge facetsByIndex into one distribution.
type MergeFacets struct {
	MaxValuesPerFacet *int `json:"maxValuesPerFacet,omitempty"`
}

// FederationOptions are the per-query options of a federated search.
type FederationOptions struct {
	Weight        float64 `json:"weight"`
	Remote        string  `json:"remote,omitempty"`
	QueryPosition *int    `json:"queryPosition,omitempty"`
}

// MultiSearchResult is the response of a non-federated multi-search; each
// result carries IndexUID. A federated multi-search answers one SearchResult.
type MultiSearchResult struct {
	Results []*SearchResult `json:"results"`
}

// FacetSearchQuery is the body of POST /indexes/{uid}/facet-search.
type FacetSearchQuery struct {
	FacetName             string          `json:"facetName"`
	FacetQuery            *string         `json:"facetQuery,omitempty"`
	Q                     string          `json:"q,omitempty"`
	Filter                any             `json:"filter,omitempty"`
	MatchingStrategy      string          `json:"matchingStrategy,omitempty"`
	AttributesToSearchOn  []string        `json:"attributesToSearchOn,omitempty"`
	ExhaustiveFacetCount  *bool           `json:"exhaustiveFacetCount,omitempty"`
	Locales               []string        `json:"locales,omitempty"`
	Hybrid                json.RawMessage `json:"hybrid,omitempty"`
	Vector                json.RawMessage `json:"vector,omitempty"`
	RankingScoreThreshold *float64        `json:"rankingScoreThreshold,omitempty"`
}

// FacetHit is one value found by a facet search.
type FacetHit struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// FacetSearchResult is the response of a facet search.
type FacetSearchResult struct {
	FacetHits        []FacetHit `json:"facetHits"`
	FacetQuery       *string    `json:"facetQuery"`
	ProcessingTimeMs int64      `json:"processingTimeMs"`
}
