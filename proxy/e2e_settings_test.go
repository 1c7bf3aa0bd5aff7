package proxy_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/meilisearch/meilisearch-go"
)

func TestSettingsAreValidatedDefaultedAndResetKeepsShardFilter(t *testing.T) {
	tc := startCluster(t, 3, 2, 16)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(60), nil))

	rules, err := idx.GetRankingRules(ctx)
	if err != nil || len(*rules) != 7 {
		t.Fatalf("default ranking rules: %v %v", rules, err)
	}
	if resp := tc.rawRequest(http.MethodPut, "/indexes/films/settings/ranking-rules", `["wrods"]`); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("invalid ranking rule: status %d", resp.StatusCode)
	}
	if resp := tc.rawRequest(http.MethodPatch, "/indexes/films/settings", `{"nope":1}`); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown setting: status %d", resp.StatusCode)
	}
	tc.succeed(idx.UpdateFilterableAttributes(ctx, &[]interface{}{"genre"}))
	tc.succeed(idx.ResetFilterableAttributes(ctx))
	got, err := idx.GetFilterableAttributes(ctx)
	if err != nil || len(*got) != 0 {
		t.Fatalf("filterable after reset: %v %v", got, err)
	}
	// RF=2: some nodes answer for part of their shards, which needs
	// `_miroir_shard` filterable on every node.
	for range 4 {
		res, err := idx.Search(ctx, "film", &meilisearch.SearchRequest{Limit: 1})
		if err != nil || res.EstimatedTotalHits != 60 {
			t.Fatalf("search after reset: %v %+v", err, res)
		}
	}
}

func TestFederatedMultiSearchMergesQueries(t *testing.T) {
	tc := startCluster(t, 3, 1, 16)
	ctx := context.Background()
	tc.succeed(tc.client.Index("films").AddDocuments(ctx, corpus(100), nil))
	tc.succeed(tc.client.Index("more").AddDocuments(ctx, corpus(30), nil))
	res, err := tc.client.MultiSearch(ctx, &meilisearch.MultiSearchRequest{
		Federation: &meilisearch.MultiSearchFederation{Limit: 15},
		Queries: []*meilisearch.SearchRequest{
			{IndexUID: "films", Query: "number 1"},
			{IndexUID: "more", Query: "number 2", FederationOptions: &meilisearch.SearchFederationOptions{Weight: 2}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 15 {
		t.Fatalf("%d hits", len(res.Hits))
	}
	prev := 2.0
	for _, h := range res.Hits {
		var fed struct {
			IndexUID string  `json:"indexUid"`
			Score    float64 `json:"weightedRankingScore"`
		}
		raw := h["_federation"]
		if err := jsonUnmarshal(raw, &fed); err != nil {
			t.Fatalf("_federation: %v", err)
		}
		if fed.Score > prev+1e-12 {
			t.Fatalf("weighted scores not descending: %v after %v", fed.Score, prev)
		}
		prev = fed.Score
	}
	plain, err := tc.client.MultiSearch(ctx, &meilisearch.MultiSearchRequest{Queries: []*meilisearch.SearchRequest{
		{IndexUID: "films", Query: "film", Limit: 2}, {IndexUID: "more", Query: "film", Limit: 3},
	}})
	if err != nil || len(plain.Results) != 2 || len(plain.Results[1].Hits) != 3 || plain.Results[0].IndexUID != "films" {
		t.Fatalf("plain multi-search: %v %+v", err, plain)
	}
}

func TestTasksAndBatchesAreListedFromTheState(t *testing.T) {
	tc := startCluster(t, 3, 1, 8)
	ctx := context.Background()
	first := tc.succeed(tc.client.Index("films").AddDocuments(ctx, corpus(5), nil))
	tc.succeed(tc.client.Index("films").AddDocuments(ctx, corpus(7), nil))
	tasks, err := tc.client.GetTasks(ctx, &meilisearch.TasksQuery{IndexUIDS: []string{"films"}, Limit: 1})
	if err != nil || len(tasks.Results) != 1 || tasks.Total != 2 || tasks.Next != first.UID {
		t.Fatalf("tasks: %v %+v", err, tasks)
	}
	if d := tasks.Results[0].Details; d.ReceivedDocuments != 7 || d.IndexedDocuments != 7 {
		t.Fatalf("details: %+v", d)
	}
	batch, err := tc.client.GetBatch(ctx, int(first.UID))
	if err != nil || batch.Stats.TotalNbTasks != 1 {
		t.Fatalf("batch: %v %+v", err, batch)
	}
}

func TestCompressedRequestsAndAnswersWorkWithEveryEncoding(t *testing.T) {
	tc := startCluster(t, 3, 1, 8)
	ctx := context.Background()
	for i, enc := range []meilisearch.ContentEncoding{meilisearch.GzipEncoding, meilisearch.DeflateEncoding, meilisearch.BrotliEncoding} {
		client := meilisearch.New(tc.url, meilisearch.WithAPIKey(testMasterKey),
			meilisearch.WithContentEncoding(enc, meilisearch.DefaultCompression))
		name := fmt.Sprintf("enc%d", i)
		info, err := client.Index(name).AddDocuments(ctx, corpus(20), nil)
		tc.succeed(info, err)
		res, err := client.Index(name).Search(ctx, "film", &meilisearch.SearchRequest{Limit: 3})
		if err != nil || res.EstimatedTotalHits != 20 || len(res.Hits) != 3 {
			t.Fatalf("%s: %v %+v", enc, err, res)
		}
	}
}
