package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// benchShards builds n lists of size hits each, shaped like engine answers:
// a document of a few fields plus full _rankingScoreDetails, sorted by rank.
func benchShards(n, size int) []*nodeSearchResult { return benchShardsWith(n, size, true) }

// benchShardsWith builds the lists with or without _rankingScoreDetails
// (nodes send details only when the query sorts or the ranking rules hold
// custom sort rules).
func benchShardsWith(n, size int, details bool) []*nodeSearchResult {
	parts := make([]*nodeSearchResult, n)
	total := int64(size)
	for s := 0; s < n; s++ {
		hits := make([]json.RawMessage, size)
		for i := 0; i < size; i++ {
			id := i*n + s
			words := 1 - float64(i%7)/7
			hits[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"title":"Package number %d, a tool for searching text fast","description":"A longer description of the package that talks about many things, some of them relevant to the query","section":"utils","_miroir_shard":%d,"_rankingScore":%v,`+
				`"_rankingScoreDetails":{"words":{"order":0,"matchingWords":2,"maxMatchingWords":2,"score":%v},"typo":{"order":1,"typoCount":0,"maxTypoCount":2,"score":1.0},"proximity":{"order":2,"score":0.875},"attribute":{"order":3,"attributeRankingOrderScore":1.0,"queryWordDistanceScore":0.9,"score":0.97},"exactness":{"order":4,"matchType":"noExactMatch","matchingWords":2,"maxMatchingWords":2,"score":0.333}}}`,
				id, id, s, words, words))
		}
		if !details {
			for i, h := range hits {
				hits[i] = h[:bytes.Index(h, []byte(`,"_rankingScoreDetails"`))]
				hits[i] = append(hits[i][:len(hits[i]):len(hits[i])], '}')
			}
		}
		f := keyFields{primaryKey: "id"}
		slices.SortFunc(hits, func(a, b json.RawMessage) int {
			var ka, kb hitKey
			var ia, ib idKey
			_ = decodeHitKey(a, f, true, &ka, &ia)
			_ = decodeHitKey(b, f, true, &kb, &ib)
			return compareKeys(&ka, 1, 0, &ia, &kb, 1, 0, &ib)
		})
		parts[s] = &nodeSearchResult{Hits: hits, Query: "tool", ProcessingTimeMs: 4, EstimatedTotalHits: &total}
	}
	return parts
}

func benchmarkMerge(b *testing.B, limit int, details bool) {
	parts := benchShardsWith(3, 1000, details)
	opt := &mergeOptions{
		Window:       window{Limit: limit},
		MaxTotalHits: 1000,
		Fields:       keyFields{primaryKey: "id"},
		Facets:       facetOptions{MaxValuesPerFacet: 100},
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp, err := mergeSearch(parts, opt)
		if err != nil || len(resp.Hits) != limit {
			b.Fatal(err, len(resp.Hits))
		}
	}
}

// BenchmarkMerge3x1000 merges 3 node answers of 1,000 hits each into the
// first 1,000 (the worst case: a client asking limit=1000). Budget: 0.2 ms.
func BenchmarkMerge3x1000(b *testing.B) { benchmarkMerge(b, 1000, true) }

// BenchmarkMerge3x1000ScoreOnly is the same without details: what nodes
// send for plain relevancy queries.
func BenchmarkMerge3x1000ScoreOnly(b *testing.B) { benchmarkMerge(b, 1000, false) }

// BenchmarkMerge3x1000Limit20 is the common case: only the heads are decoded.
func BenchmarkMerge3x1000Limit20(b *testing.B) { benchmarkMerge(b, 20, true) }
