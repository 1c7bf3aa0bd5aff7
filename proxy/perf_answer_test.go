package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// checkParsedAnswer compares parseNodeSearch with encoding/json and the
// splice stripping with stripHit on one valid answer body.
func checkParsedAnswer(t *testing.T, body []byte, f keyFields, sp *stripSpec) {
	t.Helper()
	var got nodeSearchResult
	if err := parseNodeSearch(body, f, sp, 0, &got); err != nil {
		t.Fatalf("parse %s: %v", body, err)
	}
	var want nodeSearchResult
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("encoding/json %s: %v", body, err)
	}
	if len(got.Hits) != len(want.Hits) {
		t.Fatalf("%d hits, encoding/json says %d", len(got.Hits), len(want.Hits))
	}
	for i := range got.Hits {
		checkParsedHit(t, got.Hits[i], &got.meta[i], f, sp)
	}
	got.Hits, want.Hits, got.meta, got.strip = nil, nil, nil, nil
	if len(got.PerformanceDetails) > 0 || len(want.PerformanceDetails) > 0 {
		if !jsonEqual(got.PerformanceDetails, want.PerformanceDetails) {
			t.Fatalf("performanceDetails %s, encoding/json says %s", got.PerformanceDetails, want.PerformanceDetails)
		}
	}
	got.PerformanceDetails, want.PerformanceDetails = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("answer %+v, encoding/json says %+v", got, want)
	}
}

// checkParsedHit compares one hit's record with decodeHitKey and its
// spliced stripping with stripHit.
func checkParsedHit(t *testing.T, hit []byte, m *hitMeta, f keyFields, sp *stripSpec) {
	t.Helper()
	var k hitKey
	var id idKey
	if err := decodeHitKey(hit, f, true, &k, &id); err != nil {
		// Only details the merge cannot read may fail, and then they fail
		// when the merge decodes them from the record too.
		var dk hitKey
		s := scanner{b: m.details}
		if m.details == nil || decodeDetails(&s, &dk) == nil {
			t.Fatalf("decodeHitKey %s: %v; the parse took it", hit, err)
		}
		m = &hitMeta{global: k.global, id: id, distinct: k.distinct, drops: m.drops}
	}
	if m.global != k.global || !reflect.DeepEqual(m.id, id) || !bytes.Equal(m.distinct, k.distinct) {
		t.Fatalf("hit %s: parsed score %v id %+v distinct %s; decodeHitKey %v %+v %s", hit, m.global, m.id, m.distinct, k.global, id, k.distinct)
	}
	if m.details != nil {
		var dk hitKey
		s := scanner{b: m.details}
		if err := decodeDetails(&s, &dk); err != nil || !reflect.DeepEqual(dk.rules, k.rules) {
			t.Fatalf("hit %s: details %s decode to %+v (%v), want %+v", hit, m.details, dk.rules, err, k.rules)
		}
	}
	want, err := stripHit(nil, hit, sp)
	if err != nil {
		t.Fatalf("stripHit %s: %v", hit, err)
	}
	got := spliceHit(nil, hit, m.drops)
	if !json.Valid(got) || !jsonEqual(got, want) {
		t.Fatalf("hit %s:\nspliced  %s\nstripHit %s", hit, got, want)
	}
}

// jsonEqual compares two JSON texts byte for byte after compaction.
func jsonEqual(a, b []byte) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return bytes.Equal(a, b)
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

func TestParseNodeSearchAgreesWithEncodingJSON(t *testing.T) {
	bodies := []string{
		`{"hits":[],"query":"","processingTimeMs":0,"limit":20,"offset":0,"estimatedTotalHits":0}`,
		`{"hits":[{"id":1,"title":"a","_miroir_shard":3,"_miroir_version":9,"_rankingScore":0.5}],"query":"q\"x","processingTimeMs":12,"limit":20,"offset":0,"estimatedTotalHits":31}`,
		`{"hits":[{"_miroir_shard":1,"id":"x\\y","_rankingScore":1,"_rankingScoreDetails":{"words":{"order":0,"score":1.0},"price:asc":{"order":1,"value":"a\"b"}}},{"id":-7,"_rankingScore":0.25}],"query":"film","processingTimeMs":1,"hitsPerPage":20,"page":1,"totalPages":3,"totalHits":50,"facetDistribution":{"genre":{"drama":3,"<b>":1}},"facetStats":{"year":{"min":1960,"max":2001.5}},"performanceDetails":{"search":"1ms"}}`,
		`{"hits":[{"id":2,"title":"t","_formatted":{"id":"2","title":"<em>t</em>","_miroir_shard":"4","_miroir_version":"1"},"_matchesPosition":{"title":[{"start":0,"length":1}]},"_miroir_shard":4,"_rankingScore":0.9,"_rankingScoreDetails":{"words":{"order":0,"score":0.9}}}],"query":"t","processingTimeMs":3,"estimatedTotalHits":null,"semanticHitCount":2}`,
		` { "hits" : [ { "_miroir_shard" : 2 , "id" : 5 , "genre" : [ "a" , { "b" : "}" } ] , "_rankingScore" : 0.125 } ] , "query" : "" } `,
		`{"hits":[{"_miroir_shard":2},{},{"_rankingScore":0.5,"_miroir_version":1}],"processingTimeMs":1}`,
	}
	specs := []stripSpec{
		{},
		{keepScore: true, keepDetails: true},
		{keepScore: true, extra: []string{"genre", "id"}},
	}
	fields := []keyFields{{primaryKey: "id"}, {primaryKey: "id", distinct: "genre"}, {}}
	for _, b := range bodies {
		for i := range specs {
			for _, f := range fields {
				checkParsedAnswer(t, []byte(b), f, &specs[i])
			}
		}
	}
}

func TestParseNodeSearchRefusesTruncatedAnswers(t *testing.T) {
	body := `{"hits":[{"id":1,"_rankingScore":0.5,"_rankingScoreDetails":{"words":{"order":0,"score":0.5}}}],"query":"a","estimatedTotalHits":1}`
	for n := 0; n < len(body)-1; n++ {
		var out nodeSearchResult
		if err := parseNodeSearch([]byte(body[:n]), keyFields{primaryKey: "id"}, &stripSpec{}, 1, &out); err == nil {
			t.Fatalf("truncated at %d (%q): no error", n, body[:n])
		}
	}
}

// refResponse is searchResponse as encoding/json wrote it before
// appendSearchResponse: the reference for its bytes.
type refResponse struct {
	Hits               []json.RawMessage     `json:"hits"`
	Query              string                `json:"query"`
	ProcessingTimeMs   int64                 `json:"processingTimeMs"`
	Limit              *int                  `json:"limit,omitempty"`
	Offset             *int                  `json:"offset,omitempty"`
	EstimatedTotalHits *int64                `json:"estimatedTotalHits,omitempty"`
	HitsPerPage        *int                  `json:"hitsPerPage,omitempty"`
	Page               *int                  `json:"page,omitempty"`
	TotalPages         *int64                `json:"totalPages,omitempty"`
	TotalHits          *int64                `json:"totalHits,omitempty"`
	FacetDistribution  *facetFields          `json:"facetDistribution,omitempty"`
	FacetStats         *map[string]facetStat `json:"facetStats,omitempty"`
	SemanticHitCount   *int64                `json:"semanticHitCount,omitempty"`
	PerformanceDetails json.RawMessage       `json:"performanceDetails,omitempty"`
	Metadata           *searchMetadata       `json:"metadata,omitempty"`
}

func TestSearchResponseEncodesAsEncodingJSON(t *testing.T) {
	total, page, pages, lim := int64(41), 2, int64(3), 20
	stats := map[string]facetStat{"year": {Min: 1, Max: 2.5}}
	sp := &stripSpec{}
	hits := []mergedHit{{Hit: json.RawMessage(`{"id":1,"t":"b","_rankingScore":0.5}`)}, {Hit: json.RawMessage(`{"_miroir_shard":3,"id":2}`)}}
	facets := &facetFields{names: []string{"g", "x<"}, values: map[string]facetList{"g": {{"b&", 2}, {"a\u0001", 1}}, "x<": {}}}
	resp := &searchResponse{
		hits: hits, strip: sp,
		Query: "a <b> & \"c\" é \u2028", ProcessingTimeMs: 7, Page: &page, HitsPerPage: &page, TotalPages: &pages, TotalHits: &total,
		FacetDistribution: facets, FacetStats: &stats, PerformanceDetails: json.RawMessage(`{"search":"1ms"}`),
		Metadata: &searchMetadata{QueryUID: "u", IndexUID: "films", PrimaryKey: "id"},
	}
	ref := refResponse{
		Hits:  []json.RawMessage{json.RawMessage(`{"id":1,"t":"b"}`), json.RawMessage(`{"id":2}`)},
		Query: resp.Query, ProcessingTimeMs: 7, Page: &page, HitsPerPage: &page, TotalPages: &pages, TotalHits: &total,
		FacetDistribution: facets, FacetStats: &stats, PerformanceDetails: resp.PerformanceDetails, Metadata: resp.Metadata,
	}
	check := func() {
		t.Helper()
		want, err := json.Marshal(&ref)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendSearchResponse(nil, resp, "")
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("got  %s (%v)\nwant %s", got, err, want)
		}
	}
	check()
	resp.Page, resp.HitsPerPage, resp.TotalPages, resp.TotalHits = nil, nil, nil, nil
	resp.Limit, resp.Offset, resp.EstimatedTotalHits = &lim, &lim, &total
	resp.FacetDistribution, resp.FacetStats, resp.PerformanceDetails, resp.Metadata = nil, nil, nil, nil
	ref = refResponse{Hits: ref.Hits, Query: resp.Query, ProcessingTimeMs: 7, Limit: &lim, Offset: &lim, EstimatedTotalHits: &total}
	check()
}

func TestScannerStrFindsTheClosingQuoteAtEveryOffset(t *testing.T) {
	for n := 0; n < 90; n++ {
		for esc := -1; esc < n; esc++ {
			content := []byte(strings.Repeat("a", n))
			if esc >= 0 {
				content[esc] = '\\'
				content = append(content[:esc+1], append([]byte{'"'}, content[esc+1:]...)...)
			}
			lit := `"` + string(content) + `",1`
			s := scanner{b: []byte(lit)}
			raw, escaped, err := s.str()
			if err != nil || string(raw) != string(content) || escaped != (esc >= 0) || s.i != len(lit)-2 {
				t.Fatalf("%q: raw %q escaped %v err %v at %d", lit, raw, escaped, err, s.i)
			}
			s = scanner{b: []byte(lit[:len(lit)-3])}
			if _, _, err := s.str(); err == nil {
				t.Fatalf("%q: unterminated string accepted", lit[:len(lit)-3])
			}
		}
	}
}

func TestNextStructuralFindsTheFirstBraceBracketOrQuote(t *testing.T) {
	for n := 0; n < 40; n++ {
		for _, c := range []byte(`"{}[]`) {
			for at := 0; at <= n; at++ {
				// Fillers include near misses: 0x02|0x20 is a quote, 0x5c
				// and 0x7c are one bit from the braces.
				const filler = "a1:, ;z\x02\x5c\x7c\x00"
				b := make([]byte, 0, n)
				for i := 0; i < n; i++ {
					b = append(b, filler[i%len(filler)])
				}
				want := len(b)
				if at < n {
					b[at] = c
					want = at
				}
				if got := nextStructural(b, 0); got != want {
					t.Fatalf("%q: %d, want %d", b, got, want)
				}
			}
		}
	}
}

// TestParsedMergeEqualsOneSortedList is TestMergeOfShardsEqualsOneSortedList
// through parseNodeSearch and the lazy details decoding: hits with two sort
// rules (numbers, strings, missing values) before a relevancy rule, some
// listing their rules out of order, merge into the order of sorting them
// all with fully decoded keys.
func TestParsedMergeEqualsOneSortedList(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	values := []string{`1`, `2`, `2.5`, `"a"`, `"b"`, `null`}
	f := keyFields{primaryKey: "id"}
	for round := 0; round < 24; round++ {
		var all []json.RawMessage
		for i := 0; i < 150; i++ {
			s := float64(r.IntN(4)) / 4
			a := fmt.Sprintf(`"a:asc":{"order":0,"value":%s}`, values[r.IntN(len(values))])
			b := fmt.Sprintf(`"b:desc":{"order":1,"value":%s}`, values[r.IntN(len(values))])
			w := fmt.Sprintf(`"words":{"order":2,"matchingWords":1,"score":%v}`, s)
			rules := a + "," + b + "," + w
			if r.IntN(5) == 0 {
				rules = w + "," + b + "," + a
			}
			all = append(all, json.RawMessage(fmt.Sprintf(`{"id":%d,"_miroir_shard":1,"_rankingScore":%v,"_rankingScoreDetails":{%s}}`, i, s, rules)))
		}
		less := func(x, y json.RawMessage) int {
			var kx, ky hitKey
			var ix, iy idKey
			if decodeHitKey(x, f, true, &kx, &ix) != nil || decodeHitKey(y, f, true, &ky, &iy) != nil {
				t.Fatal("undecodable hit")
			}
			return compareKeys(&kx, 1, 0, &ix, &ky, 1, 0, &iy)
		}
		shards := make([][]json.RawMessage, 1+r.IntN(4))
		for _, h := range all {
			s := r.IntN(len(shards))
			shards[s] = append(shards[s], h)
		}
		sp := &stripSpec{}
		var parsed []source
		for _, s := range shards {
			slices.SortFunc(s, less)
			body, _ := json.Marshal(map[string]any{"hits": s})
			var res nodeSearchResult
			if err := parseNodeSearch(body, f, sp, len(s), &res); err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, source{Hits: res.Hits, Fields: f, meta: res.meta, strip: sp})
		}
		slices.SortFunc(all, less)
		skip, take := r.IntN(40), r.IntN(120)
		got, err := mergeHits(parsed, skip, take, false)
		if err != nil {
			t.Fatal(err)
		}
		want := all[min(skip, len(all)):min(skip+take, len(all))]
		if len(got) != len(want) {
			t.Fatalf("round %d: %d hits, want %d", round, len(got), len(want))
		}
		for i := range got {
			if !jsonEqual(got[i].Hit, want[i]) {
				t.Fatalf("round %d: hit %d differs:\n%s\n%s", round, i, got[i].Hit, want[i])
			}
		}
	}
}
