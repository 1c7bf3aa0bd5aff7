package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/meilisearch/meilisearch-go"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestDevRunsThreePeersAndThreeEngineNodesUntilCancelled(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"dev", "--data-dir", dir, "--random-ports", "--admin-key", testAdminKey},
			func(string) string { return "" }, &out, &errs)
	}()
	waitFor(t, 60*time.Second, "dev banner", func() error {
		select {
		case code := <-done:
			t.Fatalf("dev exited early with %d: %s", code, errs.String())
		default:
		}
		if !strings.Contains(out.String(), "admin key: "+testAdminKey) {
			return fmt.Errorf("stdout so far: %q", out.String())
		}
		return nil
	})
	var layout devLayout
	raw, err := os.ReadFile(filepath.Join(dir, "dev.json"))
	if err != nil || json.Unmarshal(raw, &layout) != nil || len(layout.Peers) != 3 || len(layout.Nodes) != 3 {
		t.Fatalf("dev.json: %v %s", err, raw)
	}
	for _, p := range layout.Peers {
		var list struct {
			Results []struct{ ID, State string }
		}
		waitFor(t, 10*time.Second, p.ID+" lists 3 active nodes", func() error {
			if _, _, err := call("GET", "http://"+p.HTTPAddr+"/_miroir/nodes", "", &list); err != nil {
				return err
			}
			if len(list.Results) != 3 || list.Results[2].State != "active" {
				return fmt.Errorf("%+v", list)
			}
			return nil
		})
	}
	checkMeilisearchAPIAcrossPeers(t, layout)
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("dev exited %d: %s", code, errs.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("dev did not stop after cancel")
	}
}

// checkMeilisearchAPIAcrossPeers writes through one peer, waits for the
// task through another and searches through the third, with the stock SDK.
func checkMeilisearchAPIAcrossPeers(t *testing.T, l devLayout) {
	t.Helper()
	ctx := context.Background()
	clients := make([]meilisearch.ServiceManager, len(l.Peers))
	for i, p := range l.Peers {
		clients[i] = meilisearch.New("http://" + p.HTTPAddr)
	}
	docs := []map[string]any{{"id": 1, "title": "the dark forest"}, {"id": 2, "title": "a bright meadow"}, {"id": 3, "title": "dark matter"}}
	info, err := clients[1].Index("books").AddDocuments(ctx, docs, nil)
	if err != nil {
		t.Fatal(err)
	}
	task, err := clients[2].WaitForTask(ctx, info.TaskUID, 20*time.Millisecond)
	if err != nil || task.Status != meilisearch.TaskStatusSucceeded {
		t.Fatalf("task %d: %v %+v", info.TaskUID, err, task)
	}
	res, err := clients[0].Index("books").Search(ctx, "dark", &meilisearch.SearchRequest{})
	if err != nil || len(res.Hits) != 2 {
		t.Fatalf("search: %v %+v", err, res)
	}
}
