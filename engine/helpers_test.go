package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// node is a Server under test with a tiny client for its Handler.
type node struct {
	t   *testing.T
	srv *Server
	key string
}

func startNode(t *testing.T, master string) *node {
	t.Helper()
	return startNodeAt(t, t.TempDir(), master)
}

func startNodeAt(t *testing.T, dir, master string) *node {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DataDir, cfg.MasterKey = dir, master
	srv, err := New(cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return &node{t: t, srv: srv, key: master}
}

// do sends a request; body may be nil, a string (sent as is) or a value
// (sent as JSON). It returns the status and the decoded JSON answer.
func (n *node) do(method, path string, body any, headers ...string) (int, map[string]any) {
	n.t.Helper()
	code, raw := n.raw(method, path, body, headers...)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			n.t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	}
	return code, out
}

func (n *node) raw(method, path string, body any, headers ...string) (int, []byte) {
	n.t.Helper()
	var rd *bytes.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		enc, _ := json.Marshal(b)
		rd = bytes.NewReader(enc)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", ct)
	}
	if n.key != "" {
		req.Header.Set("Authorization", "Bearer "+n.key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	n.srv.Handler().ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

// mustEnqueue sends a write and returns its task uid, failing unless 202
// (200 for task cancelation and deletion, as Meilisearch answers them).
func (n *node) mustEnqueue(method, path string, body any, headers ...string) int {
	n.t.Helper()
	code, out := n.do(method, path, body, headers...)
	want := http.StatusAccepted
	if strings.HasPrefix(path, "/tasks") {
		want = http.StatusOK
	}
	if code != want {
		n.t.Fatalf("%s %s: status %d, body %v", method, path, code, out)
	}
	return int(out["taskUid"].(float64))
}

// wait polls a task until it is finished and returns it.
func (n *node) wait(uid int) map[string]any {
	n.t.Helper()
	var task map[string]any
	waitFor(n.t, 20*time.Second, func() bool {
		_, task = n.do(http.MethodGet, fmt.Sprintf("/tasks/%d", uid), nil)
		s, _ := task["status"].(string)
		return s == statusSucceeded || s == statusFailed || s == statusCanceled
	})
	return task
}

// succeed waits for uid and fails the test unless it succeeded.
func (n *node) succeed(uid int) map[string]any {
	n.t.Helper()
	task := n.wait(uid)
	if task["status"] != statusSucceeded {
		n.t.Fatalf("task %d: %v", uid, task)
	}
	return task
}

func waitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func errCode(t *testing.T, out map[string]any) string {
	t.Helper()
	for _, f := range []string{"message", "code", "type", "link"} {
		if _, ok := out[f]; !ok {
			t.Fatalf("error body lacks %q: %v", f, out)
		}
	}
	return out["code"].(string)
}

var books = []map[string]any{
	{"book_id": 123, "title": "Pride and Prejudice", "genre": "romance"},
	{"book_id": 456, "title": "Le Petit Prince", "genre": "tale"},
	{"book_id": 1, "title": "Alice In Wonderland", "genre": "tale"},
	{"book_id": 1344, "title": "The Hobbit", "genre": "fantasy"},
	{"book_id": 4, "title": "Harry Potter and the Half-Blood Prince", "genre": "fantasy"},
}
