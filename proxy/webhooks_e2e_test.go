package proxy_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

func TestWebhooksCRUDWithTheStockSDK(t *testing.T) {
	tc := startCluster(t, 1, 1, 2)
	ctx := context.Background()
	req := &meilisearch.AddWebhookRequest{URL: "http://example.com", Headers: map[string]string{"FOO": "BAR", "BAR": ""}}
	created, err := tc.client.AddWebhook(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if created.URL != req.URL || created.Headers["FOO"] != "BAR" || !created.IsEditable || created.UUID == "" {
		t.Fatalf("created %+v", created)
	}
	got, err := tc.client.GetWebhook(ctx, created.UUID)
	if err != nil || got.UUID != created.UUID || got.URL != created.URL {
		t.Fatalf("get %+v, %v", got, err)
	}
	updated, err := tc.client.UpdateWebhook(ctx, created.UUID, &meilisearch.UpdateWebhookRequest{
		URL: "http://update.com", Headers: map[string]string{"FOO": "UPDATED", "NEW": "1"}})
	if err != nil || updated.URL != "http://update.com" || updated.Headers["FOO"] != "UPDATED" || updated.Headers["BAR"] != "" || len(updated.Headers) != 3 {
		t.Fatalf("update %+v, %v", updated, err)
	}
	list, err := tc.client.ListWebhooks(ctx)
	if err != nil || len(list.Result) != 1 {
		t.Fatalf("list %+v, %v", list, err)
	}
	if err := tc.client.DeleteWebhook(ctx, created.UUID); err != nil {
		t.Fatal(err)
	}
	if _, err := tc.client.GetWebhook(ctx, created.UUID); !isSDKCode(err, "webhook_not_found", http.StatusNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
}

func isSDKCode(err error, code string, status int) bool {
	me, ok := err.(*meilisearch.Error)
	return ok && string(me.APIError.Code) == code && me.StatusCode == status
}

func TestWebhookErrorsAreMeilisearchs(t *testing.T) {
	tc := startCluster(t, 1, 1, 2)
	hook := webhookRaw(t, tc, http.MethodPost, "/webhooks", `{"url":"http://h/x","headers":{"authorization":"TOKEN"}}`, http.StatusCreated)
	if !strings.Contains(hook, `"authorization":"XXX..."`) || !strings.Contains(hook, `"isEditable":true`) {
		t.Fatalf("created webhook is not redacted: %s", hook)
	}
	var w struct{ UUID string }
	_ = json.Unmarshal([]byte(hook), &w)
	for _, c := range []struct{ method, path, body, want string }{
		{http.MethodPost, "/webhooks", `{"headers":{"a":"b"}}`, `"code":"invalid_webhook_url"`},
		{http.MethodPost, "/webhooks", `{"url":"not-a-valid-url"}`, "Invalid URL `not-a-valid-url`: relative URL without a base"},
		{http.MethodPost, "/webhooks", `{"url":"http://h","headers":{"invalid header name":"v"}}`, "Invalid header name `invalid header name`: invalid HTTP header name"},
		{http.MethodPost, "/webhooks", `{"url":"http://h","headers":{"a":"x\ny"}}`, "Invalid header value `a`: failed to parse header value"},
		{http.MethodPost, "/webhooks", `{"url":"http://h","uuid":"x"}`, "Immutable field `uuid`: expected one of `url`, `headers`"},
		{http.MethodPost, "/webhooks", `{"url":"http://h","doggo":1}`, `"code":"bad_request"`},
		{http.MethodGet, "/webhooks/invalid-uuid", ``, "Invalid UUID: invalid character: found `i` at 0"},
		{http.MethodDelete, "/webhooks/00000000-0000-0000-0000-000000000000", ``, `"code":"immutable_webhook"`},
		{http.MethodPatch, "/webhooks/" + w.UUID, `{"url":null}`, "The URL for the webhook `" + w.UUID + "` is missing."},
	} {
		body := webhookRaw(t, tc, c.method, c.path, c.body, 0)
		if !strings.Contains(body, c.want) {
			t.Errorf("%s %s %s: %s, want %s", c.method, c.path, c.body, body, c.want)
		}
	}
	for range 19 {
		webhookRaw(t, tc, http.MethodPost, "/webhooks", `{"url":"http://h"}`, http.StatusCreated)
	}
	if body := webhookRaw(t, tc, http.MethodPost, "/webhooks", `{"url":"http://h"}`, http.StatusBadRequest); !strings.Contains(body, `"code":"invalid_webhooks"`) {
		t.Fatalf("21st webhook: %s", body)
	}
}

// webhookRaw sends a request with the master key; want 0 accepts any status.
func webhookRaw(t *testing.T, tc *testCluster, method, path, body string, want int) string {
	t.Helper()
	req, _ := http.NewRequest(method, tc.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testMasterKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if want != 0 && resp.StatusCode != want {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return string(raw)
}

func TestFinishedTasksArePostedToWebhooksAsGzippedNDJSON(t *testing.T) {
	type post struct {
		header http.Header
		tasks  []map[string]any
	}
	posts := make(chan post, 16)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := post{header: r.Header.Clone()}
		zr, err := gzip.NewReader(r.Body)
		if err == nil {
			sc := bufio.NewScanner(zr)
			for sc.Scan() {
				var task map[string]any
				_ = json.Unmarshal(sc.Bytes(), &task)
				p.tasks = append(p.tasks, task)
			}
		}
		posts <- p
	}))
	defer target.Close()
	tc := startCluster(t, 3, 2, 4)
	ctx := context.Background()
	if _, err := tc.client.AddWebhook(ctx, &meilisearch.AddWebhookRequest{URL: target.URL, Headers: map[string]string{"Authorization": "Bearer s3cret"}}); err != nil {
		t.Fatal(err)
	}
	info, err := tc.client.Index("books").AddDocuments(ctx, []map[string]any{{"id": 1, "title": "Dune"}}, nil)
	task := tc.succeed(info, err)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case p := <-posts:
			if p.header.Get("Content-Encoding") != "gzip" || p.header.Get("Content-Type") != "application/x-ndjson" || p.header.Get("Authorization") != "Bearer s3cret" {
				t.Fatalf("headers %v", p.header)
			}
			for _, got := range p.tasks {
				if got["uid"] == float64(task.UID) {
					if got["status"] != "succeeded" || got["type"] != "documentAdditionOrUpdate" || got["indexUid"] != "books" {
						t.Fatalf("delivered task %v", got)
					}
					return
				}
			}
		case <-deadline:
			t.Fatal("the finished task was not delivered")
		}
	}
}
