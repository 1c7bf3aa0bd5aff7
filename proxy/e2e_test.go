package proxy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/meilisearch/meilisearch-go"
)

type doc struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
	Genre string `json:"genre"`
	Year  int    `json:"year"`
}

func corpus(n int) []doc {
	genres := []string{"drama", "comedy", "horror", "western"}
	out := make([]doc, n)
	for i := range out {
		out[i] = doc{ID: i, Title: "film " + uniqueWord(i) + fmt.Sprintf(" number %d", i), Genre: genres[i%len(genres)], Year: 1950 + i%60}
	}
	return out
}

// uniqueWord is a pseudo-random 8-letter word per i: far from every other
// (at least two edits), so typo tolerance cannot match another document.
func uniqueWord(i int) string {
	x := uint64(i)*0x9E3779B97F4A7C15 + 12345
	b := make([]byte, 8)
	for j := range b {
		x ^= x >> 29
		x *= 0xBF58476D1CE4E5B9
		b[j] = 'a' + byte(x%26)
	}
	return string(b)
}

func TestDocumentsRoundTripAndSpreadOverAllNodes(t *testing.T) {
	tc := startCluster(t, 3, 1, 16)
	ctx := context.Background()
	idx := tc.client.Index("films")
	docs := corpus(1000)
	tc.succeed(idx.AddDocuments(ctx, docs, nil))

	for _, i := range []int{0, 1, 499, 999} {
		var got doc
		if err := idx.GetDocument(ctx, fmt.Sprint(i), nil, &got); err != nil {
			t.Fatalf("doc %d: %v", i, err)
		}
		if got != docs[i] {
			t.Fatalf("doc %d: got %+v", i, got)
		}
	}
	var raw map[string]any
	if err := idx.GetDocument(ctx, "5", nil, &raw); err != nil {
		t.Fatal(err)
	}
	if _, leaked := raw["_miroir_shard"]; leaked {
		t.Fatalf("reserved field leaked: %v", raw)
	}
	total := 0
	for i := range tc.nodes {
		resp, err := tc.nodeGet(i, "/indexes/films/stats")
		if err != nil {
			t.Fatal(err)
		}
		var st struct {
			N int `json:"numberOfDocuments"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&st)
		resp.Body.Close()
		if st.N == 0 {
			t.Fatalf("node %d holds no document", i)
		}
		total += st.N
	}
	if total != 1000 {
		t.Fatalf("nodes hold %d documents in total, want 1000 (RF=1)", total)
	}
	stats, err := idx.GetStats(ctx, nil)
	if err != nil || stats.NumberOfDocuments != 1000 {
		t.Fatalf("index stats: %+v %v", stats, err)
	}
}

func TestEachUniqueWordFindsExactlyOneHit(t *testing.T) {
	tc := startCluster(t, 3, 2, 16)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(200), nil))
	for i := 0; i < 200; i += 5 {
		res, err := idx.Search(ctx, uniqueWord(i), &meilisearch.SearchRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || res.EstimatedTotalHits != 1 {
			t.Fatalf("%s: %d hits, estimated %d", uniqueWord(i), len(res.Hits), res.EstimatedTotalHits)
		}
	}
}

func TestFacetCountsSumOverShards(t *testing.T) {
	tc := startCluster(t, 3, 2, 16)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(400), nil))
	tc.succeed(idx.UpdateFilterableAttributes(ctx, &[]interface{}{"genre", "year"}))
	res, err := idx.Search(ctx, "", &meilisearch.SearchRequest{Facets: []string{"genre", "year"}, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	var dist map[string]map[string]int
	if err := json.Unmarshal(res.FacetDistribution, &dist); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"drama", "comedy", "horror", "western"} {
		if dist["genre"][g] != 100 {
			t.Fatalf("genre %s: %d, want 100 (%v)", g, dist["genre"][g], dist)
		}
	}
	if _, leaked := dist["_miroir_shard"]; leaked {
		t.Fatal("reserved facet leaked")
	}
	if res.EstimatedTotalHits != 400 {
		t.Fatalf("estimatedTotalHits %d, want 400", res.EstimatedTotalHits)
	}
}

func TestFivePagesOfTenEqualOneLimitFifty(t *testing.T) {
	tc := startCluster(t, 3, 2, 16)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(300), nil))
	ids := func(res *meilisearch.SearchResponse) []int {
		var ds []doc
		if err := res.Hits.DecodeInto(&ds); err != nil {
			t.Fatal(err)
		}
		out := make([]int, len(ds))
		for i, d := range ds {
			out[i] = d.ID
		}
		return out
	}
	whole, err := idx.Search(ctx, "film", &meilisearch.SearchRequest{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	want := ids(whole)
	var got []int
	for page := int64(1); page <= 5; page++ {
		hpp := int64(10)
		res, err := idx.Search(ctx, "film", &meilisearch.SearchRequest{Page: page, HitsPerPage: &hpp})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(res)...)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 50 {
		t.Fatalf("pages %v\nwhole %v", got, want)
	}
}

func TestSynonymsReachEveryNodeAndAffectSearch(t *testing.T) {
	tc := startCluster(t, 3, 1, 16)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(100), nil))
	tc.succeed(idx.UpdateSynonyms(ctx, &map[string][]string{"movie": {"film"}}))
	for i := range tc.nodes {
		resp, err := tc.nodeGet(i, "/indexes/films/settings/synonyms")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != `{"movie":["film"]}` {
			t.Fatalf("node %d synonyms: %s", i, body)
		}
	}
	res, err := idx.Search(ctx, "movie", &meilisearch.SearchRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if res.EstimatedTotalHits != 100 {
		t.Fatalf("search via synonym: %d hits", res.EstimatedTotalHits)
	}
	syn, err := idx.GetSynonyms(ctx)
	if err != nil || len(*syn) != 1 {
		t.Fatalf("synonyms from the catalog: %v %v", syn, err)
	}
}
