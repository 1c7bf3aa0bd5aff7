package proxy_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/meilisearch/meilisearch-go"
)

func TestTaskDocumentsNeedTheFeatureAndAreGoneOnceTheTaskFinished(t *testing.T) {
	tc := startCluster(t, 3, 2, 4)
	ctx := context.Background()
	task := tc.succeed(tc.client.Index("books").AddDocuments(ctx, []map[string]any{{"id": 1}}, nil))
	var docs []map[string]any
	if err := tc.client.GetTaskDocuments(ctx, task.UID, &docs); !isSDKCode(err, "feature_not_enabled", http.StatusBadRequest) {
		t.Fatalf("without the feature: %v", err)
	}
	if _, err := tc.client.ExperimentalFeatures().SetGetTaskDocumentsRoute(true).Update(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tc.client.GetTaskDocuments(ctx, task.UID, &docs); !isSDKCode(err, "task_file_not_found", http.StatusNotFound) {
		t.Fatalf("finished task: %v", err)
	}
}

func TestTheAcceptingPeerServesTaskDocumentsUntilTheTaskFinishes(t *testing.T) {
	tc := startCluster(t, 3, 2, 4)
	ctx := context.Background()
	if _, err := tc.client.ExperimentalFeatures().SetGetTaskDocumentsRoute(true).Update(ctx); err != nil {
		t.Fatal(err)
	}
	_ = tc.watcher.Close() // no leader: the client task stays open whatever the nodes do
	info, err := tc.client.Index("books").AddDocumentsCsv(ctx, []byte("id;title\n1;Dune\n2;Emma\n"), &meilisearch.CsvDocumentsQuery{CsvDelimiter: ";"})
	if err != nil {
		t.Fatal(err)
	}
	var docs []map[string]any
	if err := tc.client.GetTaskDocuments(ctx, info.TaskUID, &docs); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 || docs[0]["title"] != "Dune" || docs[1]["id"] != "2" {
		t.Fatalf("documents %v", docs)
	}
}
