package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// benchBodies builds n node answers of size hits each, as the engine sends
// them: a document of a few fields (with miroir's stamp) plus the ranking
// score, and the full _rankingScoreDetails when details is set, sorted by
// rank.
func benchBodies(n, size int, details bool) [][]byte {
	return benchBodiesSorted(n, size, details, false)
}

// benchBodiesSorted is benchBodies whose details start with a sort rule
// ("size:asc" over mostly distinct values, like a size or a date), so the
// merge compares every head's details, mostly on their first rule.
func benchBodiesSorted(n, size int, details, sorted bool) [][]byte {
	bodies := make([][]byte, n)
	for s := 0; s < n; s++ {
		hits := make([]json.RawMessage, size)
		for i := 0; i < size; i++ {
			id := i*n + s
			words := 1 - float64(i%7)/7
			hits[i] = json.RawMessage(fmt.Sprintf(`{"id":%d,"title":"Package number %d, a tool for searching text fast","description":"A longer description of the package that talks about many things, some of them relevant to the query","section":"utils","_miroir_shard":%d,"_miroir_version":7,"_rankingScore":%v,`+
				`"_rankingScoreDetails":{"words":{"order":0,"matchingWords":2,"maxMatchingWords":2,"score":%v},"typo":{"order":1,"typoCount":0,"maxTypoCount":2,"score":1.0},"proximity":{"order":2,"score":0.875},"attribute":{"order":3,"attributeRankingOrderScore":1.0,"queryWordDistanceScore":0.9,"score":0.97},"exactness":{"order":4,"matchType":"noExactMatch","matchingWords":2,"maxMatchingWords":2,"score":0.333}}}`,
				id, id, s, words, words))
			if sorted {
				rule := fmt.Sprintf(`"_rankingScoreDetails":{"size:asc":{"order":0,"value":%d},`, (id*7919)%100003)
				for o := 4; o >= 0; o-- { // the relevancy rules follow the sort
					hits[i] = bytes.Replace(hits[i], fmt.Appendf(nil, `"order":%d,`, o), fmt.Appendf(nil, `"order":%d,`, o+1), 1)
				}
				hits[i] = bytes.Replace(hits[i], []byte(`"_rankingScoreDetails":{`), []byte(rule), 1)
			}
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
		total := int64(size * 3)
		bodies[s], _ = json.Marshal(&nodeSearchResult{Hits: hits, Query: "tool", ProcessingTimeMs: 4, EstimatedTotalHits: &total})
	}
	return bodies
}

// benchOptions is a query asking for limit hits with ranking details shown
// or not (what the node query then forces is stripped).
func benchOptions(limit int) *mergeOptions {
	return &mergeOptions{
		Window:       window{Limit: limit},
		MaxTotalHits: 1000,
		Fields:       keyFields{primaryKey: "id"},
		Facets:       facetOptions{MaxValuesPerFacet: 100},
	}
}

// parseBodies reads the answers as the search path does.
func parseBodies(tb testing.TB, bodies [][]byte, opt *mergeOptions, limit int) []*nodeSearchResult {
	parts := make([]*nodeSearchResult, len(bodies))
	for i, b := range bodies {
		parts[i] = &nodeSearchResult{}
		if err := parseNodeSearch(b, opt.Fields, &opt.Strip, limit, parts[i]); err != nil {
			tb.Fatal(err)
		}
	}
	return parts
}

// benchmarkMerge times the merge the budget names: mergeSearch over
// answers already parsed by parseNodeSearch (their hit records made), then
// the merged hits stripped and the answer written into a pooled buffer, as
// the search route does.
func benchmarkMerge(b *testing.B, size, limit int, details, sorted bool) {
	opt := benchOptions(limit)
	parts := parseBodies(b, benchBodiesSorted(3, size, details, sorted), opt, size)
	var pool bufPool
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		resp, err := mergeSearch(parts, opt)
		if err != nil || len(resp.hits) != limit {
			b.Fatal(err, len(resp.hits))
		}
		buf, err := appendSearchResponse(pool.get(responseSize(resp)), resp, "")
		if err != nil {
			b.Fatal(err)
		}
		pool.put(buf)
	}
	cpu.report(b)
}

// BenchmarkMerge3x1000 merges 3 parsed node answers of 1,000 hits each into
// the first 1,000 and writes them stripped (the worst case: a client asking
// limit=1000).
// Budget: 0.2 ms. The parse is BenchmarkParseNodeAnswer1000 (x3), the
// whole path from node bytes to client bytes BenchmarkSearchAnswer.
func BenchmarkMerge3x1000(b *testing.B) { benchmarkMerge(b, 1000, 1000, true, false) }

// BenchmarkMerge3x1000ScoreOnly is the same without details: what nodes
// send for plain relevancy queries.
func BenchmarkMerge3x1000ScoreOnly(b *testing.B) { benchmarkMerge(b, 1000, 1000, false, false) }

// BenchmarkMerge3x1000Sorted is a query with a sort: the first rule is not
// a relevancy rule, so the merge compares heads rule by rule, decoding each
// head's details as far as its comparisons read them.
func BenchmarkMerge3x1000Sorted(b *testing.B) { benchmarkMerge(b, 1000, 1000, true, true) }

// BenchmarkMerge3x1000Limit20 takes 20 of 3 x 1,000: only the heads move.
func BenchmarkMerge3x1000Limit20(b *testing.B) { benchmarkMerge(b, 1000, 20, true, false) }

// BenchmarkMerge3x20 is the typical page: 3 nodes answering 20 hits each.
func BenchmarkMerge3x20(b *testing.B) { benchmarkMerge(b, 20, 20, true, false) }

// BenchmarkParseNodeAnswer1000 is the one pass over one node answer of
// 1,000 hits with details.
func BenchmarkParseNodeAnswer1000(b *testing.B) {
	body := benchBodies(1, 1000, true)[0]
	opt := benchOptions(1000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		var res nodeSearchResult
		if err := parseNodeSearch(body, opt.Fields, &opt.Strip, 1000, &res); err != nil || len(res.Hits) != 1000 {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// BenchmarkSearchAnswer is the peer's whole answer path from the bytes of 3
// node answers to the bytes of the client's answer, in the same run for the
// one-pass path and for encoding/json (the path before it: Unmarshal into
// raw hits, scan each hit, strip, Marshal), for a typical page (3 x 20 hits)
// and for the full ordering of 3 x 1,000 hits.
func BenchmarkSearchAnswer(b *testing.B) {
	for _, size := range []int{20, 1000} {
		bodies := benchBodies(3, size, true)
		opt := benchOptions(size)
		b.Run(fmt.Sprintf("hits=3x%d/path=one-pass", size), func(b *testing.B) {
			var pool bufPool
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				parts := parseBodies(b, bodies, opt, size)
				resp, err := mergeSearch(parts, opt)
				if err != nil {
					b.Fatal(err)
				}
				buf, err := appendSearchResponse(pool.get(responseSize(resp)), resp, "")
				if err != nil {
					b.Fatal(err)
				}
				pool.put(buf)
			}
			cpu.report(b)
		})
		b.Run(fmt.Sprintf("hits=3x%d/path=encoding-json", size), func(b *testing.B) {
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				parts := make([]*nodeSearchResult, len(bodies))
				for i, body := range bodies {
					parts[i] = &nodeSearchResult{}
					if err := json.Unmarshal(body, parts[i]); err != nil {
						b.Fatal(err)
					}
				}
				resp, err := mergeSearch(parts, opt)
				if err != nil {
					b.Fatal(err)
				}
				hits, err := stripHits(resp.hits, resp.strip)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(&refResponse{Hits: hits, Query: resp.Query, ProcessingTimeMs: resp.ProcessingTimeMs,
					Limit: resp.Limit, Offset: resp.Offset, EstimatedTotalHits: resp.EstimatedTotalHits}); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
	}
}
