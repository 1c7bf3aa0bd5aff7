package proxy_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/meilisearch/meilisearch-go"
)

func TestStoppedNodeWithRF2CausesNoFailedOrDegradedSearch(t *testing.T) {
	tc := startCluster(t, 3, 2, 16)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(300), nil))
	if err := tc.nodes[1].Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		req, _ := http.NewRequest(http.MethodPost, tc.url+"/indexes/films/search", strings.NewReader(`{"q":"film","limit":5}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testMasterKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Miroir-Degraded") != "" {
			t.Fatalf("search %d: status %d, degraded %q", i, resp.StatusCode, resp.Header.Get("X-Miroir-Degraded"))
		}
		res, err := idx.Search(ctx, "film", &meilisearch.SearchRequest{Limit: 1})
		if err != nil || res.EstimatedTotalHits != 300 {
			t.Fatalf("search %d through the SDK: %v, %d hits", i, err, res.EstimatedTotalHits)
		}
	}
}

func apiCode(err error) string {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return string(me.APIError.Code)
	}
	return ""
}

func TestBadInputGetsMeilisearchErrors(t *testing.T) {
	tc := startCluster(t, 3, 1, 8)
	ctx := context.Background()
	idx := tc.client.Index("films")

	failedWith := func(name string, docs any, opts *meilisearch.DocumentOptions, code string) {
		t.Helper()
		task := tc.wait(tc.client.Index(name).AddDocuments(ctx, docs, opts))
		if task.Status != meilisearch.TaskStatusFailed || string(task.Error.Code) != code {
			t.Fatalf("%s: task %s %+v, want failed %s", name, task.Status, task.Error, code)
		}
	}
	failedWith("nopk", []map[string]any{{"title": "x"}}, nil, "index_primary_key_no_candidate_found")
	failedWith("twopk", []map[string]any{{"id": 1, "doc_id": 2}}, nil, "index_primary_key_multiple_candidates_found")
	failedWith("badid", []map[string]any{{"id": "a b"}}, nil, "invalid_document_id")
	failedWith("reserved", []map[string]any{{"id": 1, "_miroir_shard": 3}}, nil, "miroir_reserved_field")
	tc.succeed(idx.AddDocuments(ctx, corpus(10), nil))
	pk := "title"
	failedWith("films", corpus(1), &meilisearch.DocumentOptions{PrimaryKey: &pk}, "index_primary_key_already_exists")

	_, err := idx.AddDocumentsNdjson(ctx, []byte(`{"id":1,`), nil)
	if code := apiCode(err); code != "malformed_payload" {
		t.Fatalf("malformed JSON: %v", err)
	}
	_, err = tc.client.Index("nope").Search(ctx, "x", &meilisearch.SearchRequest{})
	if code := apiCode(err); code != "index_not_found" {
		t.Fatalf("unknown index: %v", err)
	}
	wrong := meilisearch.New(tc.url, meilisearch.WithAPIKey("wrong"))
	if _, err := wrong.Index("films").Search(ctx, "x", &meilisearch.SearchRequest{}); apiCode(err) != "invalid_api_key" {
		t.Fatalf("wrong key: %v", err)
	}
	none := meilisearch.New(tc.url)
	if _, err := none.Index("films").Search(ctx, "x", &meilisearch.SearchRequest{}); apiCode(err) != "missing_authorization_header" {
		t.Fatalf("no key: %v", err)
	}
	var page meilisearch.DocumentsResult
	if err := idx.GetDocuments(ctx, &meilisearch.DocumentsQuery{Limit: 3}, &page); err != nil || len(page.Results) != 3 || page.Total != 10 {
		t.Fatalf("documents browse: %v %+v", err, page)
	}
}

func TestSearchKeyAndTenantTokenAreEnforced(t *testing.T) {
	tc := startCluster(t, 3, 1, 8)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(40), nil))
	tc.succeed(idx.UpdateFilterableAttributes(ctx, &[]interface{}{"genre"}))
	keys, err := tc.client.GetKeys(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var search meilisearch.Key
	for _, k := range keys.Results {
		if k.Name == "Default Search API Key" {
			search = k
		}
	}
	sc := meilisearch.New(tc.url, meilisearch.WithAPIKey(search.Key))
	if res, err := sc.Index("films").Search(ctx, "film", &meilisearch.SearchRequest{}); err != nil || res.EstimatedTotalHits != 40 {
		t.Fatalf("search key: %v", err)
	}
	if _, err := sc.Index("films").AddDocuments(ctx, corpus(1), nil); apiCode(err) != "invalid_api_key" {
		t.Fatalf("search key wrote: %v", err)
	}
	token, err := tc.client.GenerateTenantToken(search.UID, map[string]interface{}{"films": map[string]string{"filter": "genre = drama"}},
		&meilisearch.TenantTokenOptions{APIKey: search.Key})
	if err != nil {
		t.Fatal(err)
	}
	tenant := meilisearch.New(tc.url, meilisearch.WithAPIKey(token))
	res, err := tenant.Index("films").Search(ctx, "film", &meilisearch.SearchRequest{})
	if err != nil || res.EstimatedTotalHits != 10 {
		t.Fatalf("tenant token: %v, %d hits", err, res.EstimatedTotalHits)
	}
}
