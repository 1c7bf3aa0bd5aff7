package proxy_test

import (
	"context"
	"testing"

	"github.com/meilisearch/meilisearch-go"
)

// Meilisearch runs an index's tasks in uid order, so of two deletions sent
// back to back the first succeeds and the second fails with
// index_not_found. Through miroir both used to succeed (the second found
// the catalog entry already gone and took that as done): a chaos run's
// linearizability checker caught it.
func TestTheLaterOfTwoIndexDeletionsFails(t *testing.T) {
	tc := startCluster(t, 3, 3, 4)
	ctx := context.Background()
	idx := tc.client.Index("doomed")
	tc.succeed(idx.AddDocuments(ctx, corpus(10), nil))

	first, err1 := tc.client.DeleteIndex(ctx, "doomed")
	second, err2 := tc.client.DeleteIndex(ctx, "doomed")
	a, b := tc.wait(first, err1), tc.wait(second, err2)
	if a.Status != meilisearch.TaskStatusSucceeded {
		t.Fatalf("first deletion %s (%+v), want succeeded", a.Status, a.Error)
	}
	if b.Status != meilisearch.TaskStatusFailed || b.Error.Code != "index_not_found" {
		t.Fatalf("second deletion %s (%+v), want failed with index_not_found", b.Status, b.Error)
	}
	if _, err := idx.FetchInfo(ctx); err == nil {
		t.Fatal("the index is still listed after its deletion")
	}
}
