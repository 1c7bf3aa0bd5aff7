package proxy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miroir-search/miroir/store"
)

// search posts a search body to base (a proxy or a node) with key and
// returns the decoded answer without processingTimeMs.
func searchRaw(t *testing.T, base, key, index, body string) map[string]any {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/indexes/"+index+"/search", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", base, body, resp.StatusCode, data)
	}
	var out map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	delete(out, "processingTimeMs")
	return out
}

// TestShardedResultsEqualOneNode compares answers through the proxy (3
// nodes, RF=2, 16 shards) with one engine node holding every document:
// same hits in the same order, same totals and facet counts.
func TestShardedResultsEqualOneNode(t *testing.T) {
	tc := startCluster(t, 3, 2, 16)
	ctx := context.Background()
	idx := tc.client.Index("films")
	docs := corpus(500)
	added := tc.succeed(idx.AddDocuments(ctx, docs, nil))
	tc.succeed(idx.UpdateFilterableAttributes(ctx, &[]interface{}{"genre", "year", "id"}))
	tc.succeed(idx.UpdateSortableAttributes(ctx, &[]string{"year", "title"}))

	// The reference: one engine node holding every document.
	_, single := startEngine(t, t.TempDir(), "127.0.0.1:0")
	send := func(method, path, body string) {
		req, _ := http.NewRequest(method, single+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testNodeKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	post := func(path, body string) { send(http.MethodPost, path, body) }
	patch := func(path, body string) { send(http.MethodPatch, path, body) }
	// Nodes index miroir's reserved fields like any other (the engine does
	// not exclude them from search yet), so the reference holds the same
	// stamps; hits are compared without them.
	stamped := make([]map[string]any, len(docs))
	for i, d := range docs {
		stamped[i] = map[string]any{"id": d.ID, "title": d.Title, "genre": d.Genre, "year": d.Year,
			"_miroir_shard": store.ShardOf(strconv.Itoa(d.ID), 16), "_miroir_version": added.UID}
	}
	data, _ := json.Marshal(stamped)
	post("/indexes/ref/documents?primaryKey=id", string(data))
	patch("/indexes/ref/settings", `{"filterableAttributes":["genre","year","id"],"sortableAttributes":["year","title"]}`)
	waitFor(t, 20*time.Second, func() bool {
		req, _ := http.NewRequest(http.MethodGet, single+"/tasks?statuses=enqueued,processing", nil)
		req.Header.Set("Authorization", "Bearer "+testNodeKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var page struct {
			Total int `json:"total"`
		}
		return json.NewDecoder(resp.Body).Decode(&page) == nil && page.Total == 0
	})

	queries := []string{
		`{"q":"film"}`,
		`{"q":"film","limit":50,"offset":30}`,
		`{"q":"number 1"}`,
		`{"q":"nmber 12","showRankingScore":true}`,
		`{"q":"nmber 12","showRankingScoreDetails":true,"filter":"id IN [120, 125]"}`,
		`{"q":"film","filter":"genre = drama AND year > 1970"}`,
		`{"q":"film","sort":["year:desc"],"limit":40}`,
		`{"q":"","sort":["year:asc","title:desc"],"limit":30,"offset":5}`,
		`{"q":"film","facets":["genre","year"],"limit":3}`,
		`{"q":"film","page":3,"hitsPerPage":7}`,
		`{"q":"film","distinct":"genre"}`,
		`{"q":"number","attributesToRetrieve":["title"],"limit":10}`,
		`{"q":"film","showRankingScoreDetails":true,"limit":5}`,
		`{"q":"flim nuber","matchingStrategy":"all","limit":25}`,
		`{"q":"film number 4","matchingStrategy":"last","limit":60}`,
		`{"q":"number 3","rankingScoreThreshold":0.5,"limit":100}`,
		`{"q":"film","filter":["genre = comedy", ["year < 1960", "year > 2000"]],"sort":["title:asc"]}`,
		`{"q":"","facets":["year"],"limit":0}`,
		`{"q":"film","offset":990,"limit":20}`,
		`{"q":"film","page":60,"hitsPerPage":10}`,
		`{"q":"","filter":"year = 1960","attributesToHighlight":["title"],"limit":3}`,
	}
	for _, q := range queries {
		got := searchRaw(t, tc.url, testMasterKey, "films", q)
		want := withoutReserved(searchRaw(t, single, testNodeKey, "ref", q))
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("query %s differs:\nproxy %s\nnode  %s", q, g, w)
		}
	}
}

// withoutReserved drops _miroir_* fields from hits, as the proxy does.
func withoutReserved(res map[string]any) map[string]any {
	hits, _ := res["hits"].([]any)
	for _, h := range hits {
		m, _ := h.(map[string]any)
		for k := range m {
			if strings.HasPrefix(k, "_miroir_") {
				delete(m, k)
			}
		}
		if f, ok := m["_formatted"].(map[string]any); ok {
			for k := range f {
				if strings.HasPrefix(k, "_miroir_") {
					delete(f, k)
				}
			}
		}
	}
	if fd, ok := res["facetDistribution"].(map[string]any); ok {
		delete(fd, "_miroir_shard")
	}
	return res
}
