package proxy_test

import (
	"context"
	"testing"

	"github.com/meilisearch/meilisearch-go"
)

func TestSettingsOnAMissingIndexSucceedEvenWhenADeletionFollowsAtOnce(t *testing.T) {
	tc := startCluster(t, 2, 2, 4)
	ctx := context.Background()
	// With the watcher stopped, both tasks reach the nodes before either
	// is decided: the settings task is decided after the deletion removed
	// the index from the nodes.
	if err := tc.watcher.Close(); err != nil {
		t.Fatal(err)
	}
	settings, err := tc.client.Index("films").UpdateSortableAttributes(ctx, &[]string{"year"})
	if err != nil {
		t.Fatal(err)
	}
	del, err := tc.client.DeleteIndex(ctx, "films")
	if err != nil {
		t.Fatal(err)
	}
	w := tc.proxy.NewTaskWatcher()
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	if task := tc.wait(settings, nil); task.Status != meilisearch.TaskStatusSucceeded {
		t.Fatalf("settings task: %s %+v, want succeeded (it ran before the deletion)", task.Status, task.Error)
	}
	tc.succeed(del, nil)
	if _, err := tc.client.GetIndex(ctx, "films"); apiCode(err) != "index_not_found" {
		t.Fatalf("index after its deletion: %v", err)
	}
}
