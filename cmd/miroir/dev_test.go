package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"time"

	"github.com/meilisearch/meilisearch-go"
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

func TestDevRunsThreePeersAndThreeEngineNodesWithRF2AndAMasterKey(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errs syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"dev", "--data-dir", dir, "--random-ports", "--admin-key", testAdminKey, "--shards", "8"},
			func(string) string { return "" }, &out, &errs)
	}()
	waitFor(t, 60*time.Second, "dev banner", func() error {
		select {
		case code := <-done:
			t.Fatalf("dev exited early with %d: %s", code, errs.String())
		default:
		}
		if !strings.Contains(out.String(), "admin key:  "+testAdminKey) {
			return fmt.Errorf("stdout so far: %q", out.String())
		}
		return nil
	})
	var layout devLayout
	raw, err := os.ReadFile(filepath.Join(dir, "dev.json"))
	if err != nil || json.Unmarshal(raw, &layout) != nil || len(layout.Peers) != 3 || len(layout.Nodes) != 3 || layout.RF != 2 {
		t.Fatalf("dev.json: %v %s", err, raw)
	}
	for _, want := range []string{"master key: " + layout.MasterKey, devSearchKeyName + ": ", devAdminKeyName + ":  ", "group 0 "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, out.String())
		}
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
	checkMasterKeyEnforced(t, "http://"+layout.Peers[1].HTTPAddr, layout.MasterKey)
	checkMeilisearchAPIAcrossPeers(t, layout)
	checkEachDocumentOnRFNodes(t, layout, "books", 2)
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

// checkMasterKeyEnforced: no key is 401 missing_authorization_header, a
// wrong key 403 invalid_api_key, the master key 200.
func checkMasterKeyEnforced(t *testing.T, base, master string) {
	t.Helper()
	for _, c := range []struct {
		auth, code string
		status     int
	}{{"", "missing_authorization_header", 401}, {"Bearer wrong-key-0123456789", "invalid_api_key", 403}, {"Bearer " + master, "", 200}} {
		status, body := rawGet(t, base+"/indexes", c.auth)
		if status != c.status || !strings.Contains(body, c.code) {
			t.Errorf("GET /indexes with %q: %d %s, want %d %s", c.auth, status, body, c.status, c.code)
		}
	}
}

func rawGet(t *testing.T, url, auth string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// checkEachDocumentOnRFNodes reads every engine node directly (with the
// internal node key) and checks that each document, hence each shard that
// holds one, is stored on exactly rf nodes of the single group.
func checkEachDocumentOnRFNodes(t *testing.T, l devLayout, index string, rf int) {
	t.Helper()
	copies := map[string]int{}
	nodesUsed := 0
	for _, n := range l.Nodes {
		status, body := rawGet(t, "http://"+n.HTTPAddr+"/indexes/"+index+"/documents?limit=1000", "Bearer "+l.NodeKey)
		if status != 200 {
			t.Fatalf("%s: %d %s", n.ID, status, body)
		}
		var page struct{ Results []map[string]any }
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Results) > 0 {
			nodesUsed++
		}
		for _, d := range page.Results {
			copies[fmt.Sprint(d["id"])]++
		}
	}
	if len(copies) != devTestDocs || nodesUsed != len(l.Nodes) {
		t.Fatalf("%d distinct documents on %d nodes, want %d on %d", len(copies), nodesUsed, devTestDocs, len(l.Nodes))
	}
	for id, c := range copies {
		if c != rf {
			t.Errorf("document %s is on %d nodes, want %d", id, c, rf)
		}
	}
}

// devTestDocs documents are written: enough that 8 shards are all used.
const devTestDocs = 60

// checkMeilisearchAPIAcrossPeers writes through one peer, waits for the
// task through another and searches through the third, with the stock SDK
// and the master key.
func checkMeilisearchAPIAcrossPeers(t *testing.T, l devLayout) {
	t.Helper()
	ctx := context.Background()
	clients := make([]meilisearch.ServiceManager, len(l.Peers))
	for i, p := range l.Peers {
		clients[i] = meilisearch.New("http://"+p.HTTPAddr, meilisearch.WithAPIKey(l.MasterKey))
	}
	docs := []map[string]any{{"id": 1, "title": "the dark forest"}, {"id": 2, "title": "a bright meadow"}, {"id": 3, "title": "dark matter"}}
	for i := 4; i <= devTestDocs; i++ {
		docs = append(docs, map[string]any{"id": i, "title": fmt.Sprintf("filler %d", i)})
	}
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
