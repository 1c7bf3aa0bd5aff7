package engine

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestWebhookReceivesFinishedTasks(t *testing.T) {
	var mu sync.Mutex
	var got []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Header.Get("X-Secret")+" "+string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	n := startNode(t, "")
	code, w := n.do(http.MethodPost, "/webhooks", map[string]any{"url": hook.URL, "headers": map[string]string{"X-Secret": "s3"}})
	if code != http.StatusCreated || w["isEditable"] != true || w["uuid"] == "" {
		t.Fatalf("create webhook: %d %v", code, w)
	}
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "hooked"}))
	waitFor(t, 10*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(got) > 0
	})
	mu.Lock()
	first := got[0]
	mu.Unlock()
	if !strings.HasPrefix(first, "s3 ") || !strings.Contains(first, `"type":"indexCreation"`) || !strings.Contains(first, `"status":"succeeded"`) {
		t.Fatalf("notification = %q", first)
	}
	uuid := w["uuid"].(string)
	code, upd := n.do(http.MethodPatch, "/webhooks/"+uuid, map[string]any{"headers": map[string]any{"X-Secret": nil}})
	if code != http.StatusOK || len(upd["headers"].(map[string]any)) != 0 {
		t.Fatalf("update webhook: %d %v", code, upd)
	}
	if code, _ := n.raw(http.MethodDelete, "/webhooks/"+uuid, nil); code != http.StatusNoContent {
		t.Fatalf("delete webhook: %d", code)
	}
	if code, _ := n.do(http.MethodGet, "/webhooks/"+uuid, nil); code != http.StatusNotFound {
		t.Fatalf("deleted webhook still there: %d", code)
	}
}
