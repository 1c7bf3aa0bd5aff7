package proxy_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

func TestExportStreamsEveryShardOnceToTheRemoteWithoutReservedFields(t *testing.T) {
	tc := startCluster(t, 3, 2, 4)
	ctx := context.Background()
	var docs []map[string]any
	for i := range 40 {
		genre := "scifi"
		if i%2 == 0 {
			genre = "fantasy"
		}
		docs = append(docs, map[string]any{"id": i, "title": "book " + strings.Repeat("x", i%7), "genre": genre})
	}
	books := tc.client.Index("books")
	tc.succeed(books.AddDocuments(ctx, docs, nil))
	tc.succeed(books.UpdateFilterableAttributes(ctx, &[]interface{}{"genre"}))
	tc.succeed(tc.client.Index("other").AddDocuments(ctx, []map[string]any{{"id": 1}}, nil))

	_, target := startEngine(t, t.TempDir(), "127.0.0.1:0")
	info, err := tc.client.Export(ctx, &meilisearch.ExportParams{URL: target, APIKey: testNodeKey, PayloadSize: "200B",
		Indexes: map[string]meilisearch.IndexExportOptions{"bo*": {Filter: "genre = fantasy", OverrideSettings: true}}})
	if err != nil || info.Type != meilisearch.TaskTypeExport || info.Status != meilisearch.TaskStatusEnqueued {
		t.Fatalf("export: %+v %v", info, err)
	}
	task := tc.succeed(info, nil)
	if raw := webhookRaw(t, tc, http.MethodGet, "/tasks/"+strconv.FormatInt(task.UID, 10), "", http.StatusOK); !strings.Contains(raw, `"apiKey":"noXXXX..."`) {
		t.Fatalf("details show the api key: %s", raw)
	}
	remote := meilisearch.New(target, meilisearch.WithAPIKey(testNodeKey))
	var got meilisearch.DocumentsResult
	waitFor(t, 10*time.Second, func() bool {
		err := remote.Index("books").GetDocuments(ctx, &meilisearch.DocumentsQuery{Limit: 100}, &got)
		return err == nil && got.Total == 20
	})
	for _, d := range got.Results {
		for k := range d {
			if strings.HasPrefix(k, "_miroir") {
				t.Fatalf("exported document keeps %s: %v", k, d)
			}
		}
	}
	fa, err := remote.Index("books").GetFilterableAttributes(ctx)
	if err != nil || fa == nil || len(*fa) != 1 {
		t.Fatalf("settings not exported: %v %v", fa, err)
	}
	if _, err := remote.GetIndex(ctx, "other"); err == nil {
		t.Fatal("an index outside the patterns was exported")
	}
}

func TestExportValidatesItsRequest(t *testing.T) {
	tc := startCluster(t, 1, 1, 2)
	for _, c := range []struct{ body, want string }{
		{`{"url":"not a url"}`, `"code":"invalid_export_url"`},
		{`{"url":"http://h","payloadSize":"lots"}`, `"code":"invalid_export_payload_size"`},
		{`{"url":"http://h","indexes":{"bad pattern!":{}}}`, `"code":"invalid_export_indexes_patterns"`},
		{`{"url":"http://h","doggo":1}`, `"code":"bad_request"`},
	} {
		req, _ := http.NewRequest(http.MethodPost, tc.url+"/export", strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testMasterKey)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(raw), c.want) {
			t.Errorf("%s: %d %s", c.body, resp.StatusCode, raw)
		}
	}
}

func TestExportToAnUnreachableRemoteFailsTheTask(t *testing.T) {
	tc := startCluster(t, 1, 1, 2)
	ctx := context.Background()
	tc.succeed(tc.client.Index("books").AddDocuments(ctx, []map[string]any{{"id": 1}}, nil))
	task := tc.wait(tc.client.Export(ctx, &meilisearch.ExportParams{URL: "http://127.0.0.1:1"}))
	if task.Status != meilisearch.TaskStatusFailed || task.Error.Code != "export_remote_unreachable" {
		t.Fatalf("task %s %+v", task.Status, task.Error)
	}
}

func TestAnExportRegisteredWithoutALeaderRunsOnceOneLeads(t *testing.T) {
	tc := startCluster(t, 2, 1, 2)
	ctx := context.Background()
	tc.succeed(tc.client.Index("books").AddDocuments(ctx, []map[string]any{{"id": 1}, {"id": 2}}, nil))
	_ = tc.watcher.Close() // the leader is gone: nobody runs exports
	_, target := startEngine(t, t.TempDir(), "127.0.0.1:0")
	info, err := tc.client.Export(ctx, &meilisearch.ExportParams{URL: target, APIKey: testNodeKey})
	if err != nil {
		t.Fatal(err)
	}
	if task, err := tc.client.GetTask(ctx, info.TaskUID); err != nil || task.Status != meilisearch.TaskStatusEnqueued {
		t.Fatalf("without a leader: %+v %v", task, err)
	}
	next := tc.proxy.NewTaskWatcher() // a new leader
	if err := next.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	tc.succeed(info, nil)
	remote := meilisearch.New(target, meilisearch.WithAPIKey(testNodeKey))
	waitFor(t, 10*time.Second, func() bool {
		st, err := remote.Index("books").GetStats(ctx, nil)
		return err == nil && st.NumberOfDocuments == 2
	})
}
