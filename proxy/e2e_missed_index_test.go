package proxy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// dropOnNode deletes the physical index on node i directly, as if the node
// had been down when the index was created, and waits until it is gone.
func (tc *testCluster) dropOnNode(i int, physical string) {
	tc.t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, tc.addrs[i]+"/indexes/"+physical, nil)
	req.Header.Set("Authorization", "Bearer "+testNodeKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tc.t.Fatal(err)
	}
	resp.Body.Close()
	waitFor(tc.t, 10*time.Second, func() bool {
		r, err := tc.nodeGet(i, "/indexes/"+physical)
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == http.StatusNotFound
	})
}

func TestDeletesSucceedWhenANodeMissedTheIndexCreation(t *testing.T) {
	tc := startCluster(t, 3, 3, 4)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(20), nil))
	tc.succeed(idx.UpdateSortableAttributes(ctx, &[]string{"year"}))
	tc.dropOnNode(2, "films")

	tc.succeed(idx.DeleteDocument(ctx, "3", nil))
	// The node that answered index_not_found gets the index back with the
	// catalog's settings and the shard field filterable.
	waitFor(t, 10*time.Second, func() bool {
		r, err := tc.nodeGet(2, "/indexes/films/settings")
		if err != nil {
			return false
		}
		defer r.Body.Close()
		var s struct {
			Filterable []string `json:"filterableAttributes"`
			Sortable   []string `json:"sortableAttributes"`
		}
		return r.StatusCode == http.StatusOK && json.NewDecoder(r.Body).Decode(&s) == nil &&
			slices.Contains(s.Filterable, "_miroir_shard") && slices.Equal(s.Sortable, []string{"year"})
	})
	tc.succeed(idx.DeleteDocuments(ctx, []string{"4", "5"}, nil))
	tc.succeed(idx.DeleteAllDocuments(ctx, nil))
	if res, err := idx.Search(ctx, "", &meilisearch.SearchRequest{}); err != nil || res.EstimatedTotalHits != 0 {
		t.Fatalf("documents left after clearing: %v %+v", err, res)
	}
	tc.succeed(tc.client.DeleteIndex(ctx, "films"))
	if _, err := tc.client.GetIndex(ctx, "films"); apiCode(err) != "index_not_found" {
		t.Fatalf("index still in the catalog after its deletion succeeded: %v", err)
	}
}

func TestOtherNodeFailuresStillFailADeletion(t *testing.T) {
	tc := startCluster(t, 2, 2, 2)
	ctx := context.Background()
	tc.succeed(tc.client.Index("films").AddDocuments(ctx, corpus(5), nil))
	task := tc.wait(tc.client.Index("films").DeleteDocumentsByFilter(ctx, "nosuchfield = 1", nil))
	if task.Status != meilisearch.TaskStatusFailed || task.Error.Code != "invalid_document_filter" {
		t.Fatalf("delete by a filter on a non-filterable field: %s %+v", task.Status, task.Error)
	}
}

func TestSearchSkipsAReplicaThatMissedTheIndex(t *testing.T) {
	tc := startCluster(t, 3, 3, 4)
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(20), nil))
	tc.dropOnNode(1, "films")
	for i := range 6 { // the round robin reaches the node without the index
		res, err := idx.Search(ctx, "film", &meilisearch.SearchRequest{})
		if err != nil || res.EstimatedTotalHits != 20 {
			t.Fatalf("search %d: %v %+v", i, err, res)
		}
	}
	tc.dropOnNode(0, "films")
	tc.dropOnNode(2, "films")
	if _, err := idx.Search(ctx, "film", &meilisearch.SearchRequest{}); apiCode(err) != "index_not_found" {
		t.Fatalf("search when no node has the index (a deletion in flight): %v", err)
	}
}

func TestDocumentsReachingANodeThatMissedTheIndexFindItPrepared(t *testing.T) {
	tc := startCluster(t, 3, 2, 6)
	ctx := context.Background()
	tc.succeed(tc.client.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: "films", PrimaryKey: "id"}))
	idx := tc.client.Index("films")
	tc.succeed(idx.UpdateSortableAttributes(ctx, &[]string{"year"}))
	tc.dropOnNode(2, "films")
	tc.succeed(idx.AddDocuments(ctx, corpus(30), nil))
	r, err := tc.nodeGet(2, "/indexes/films/settings")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var s struct {
		Filterable []string `json:"filterableAttributes"`
		Sortable   []string `json:"sortableAttributes"`
	}
	if err := json.NewDecoder(r.Body).Decode(&s); err != nil || !slices.Contains(s.Filterable, "_miroir_shard") || !slices.Equal(s.Sortable, []string{"year"}) {
		t.Fatalf("node that missed the creation: %v %+v", err, s)
	}
	for i := range 6 {
		res, err := idx.Search(ctx, "film", &meilisearch.SearchRequest{})
		if err != nil || res.EstimatedTotalHits != 30 {
			t.Fatalf("search %d: %v %+v", i, err, res)
		}
	}
}

func TestIndexCreationWithANodeDownSucceedsAndTheNodeIsPreparedLater(t *testing.T) {
	tc := startCluster(t, 2, 2, 4)
	ctx := context.Background()
	if err := tc.nodes[1].Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	tc.succeed(tc.client.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: "films", PrimaryKey: "id"}))
	tc.restartNode(1)
	tc.succeed(tc.client.Index("films").AddDocuments(ctx, corpus(12), nil))
	r, err := tc.nodeGet(1, "/indexes/films/settings/filterable-attributes")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var filterable []string
	if err := json.NewDecoder(r.Body).Decode(&filterable); err != nil || !slices.Contains(filterable, "_miroir_shard") {
		t.Fatalf("node that was down at creation: %v %v", err, filterable)
	}
	tc.succeed(tc.client.DeleteIndex(ctx, "films"))
}
