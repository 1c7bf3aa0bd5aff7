package proxy_test

import (
	"context"
	"net/http"
	"testing"
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
