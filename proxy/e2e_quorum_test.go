package proxy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/miroir-search/miroir/proxy"
	"github.com/miroir-search/miroir/store"
)

func docsJSON(from, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"id":%d,"title":"late %d"}`, from+i, from+i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestWriteWithoutMajorityFailsWithNoQuorum(t *testing.T) {
	tc := startCluster(t, 3, 2, 16)
	ctx := context.Background()
	tc.succeed(tc.client.Index("films").AddDocuments(ctx, corpus(10), nil))
	if err := tc.nodes[0].Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	resp := tc.rawRequest(http.MethodPost, "/indexes/films/documents", docsJSON(1000, 50))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503 miroir_no_quorum (RF=2 needs both replicas)", resp.StatusCode)
	}
}

func TestWriteQuorumOneAcceptsWithDegradedHeader(t *testing.T) {
	tc := startCluster(t, 3, 2, 16, func(c *proxy.Config) { c.WriteQuorum = proxy.QuorumOne })
	ctx := context.Background()
	idx := tc.client.Index("films")
	tc.succeed(idx.AddDocuments(ctx, corpus(10), nil))
	if err := tc.nodes[0].Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, tc.url+"/indexes/films/documents", strings.NewReader(docsJSON(1000, 50)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testMasterKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var info meilisearch.TaskInfo
	_ = json.NewDecoder(resp.Body).Decode(&info)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted || resp.Header.Get(proxy.HeaderDegraded) != "nodes=n1" {
		t.Fatalf("status %d, degraded %q", resp.StatusCode, resp.Header.Get(proxy.HeaderDegraded))
	}
	// The stopped node's task is not recorded, so the task finishes on the
	// replicas that took it.
	tc.succeed(&info, nil)
	res, err := idx.Search(ctx, "late", &meilisearch.SearchRequest{Limit: 1})
	if err != nil || res.EstimatedTotalHits != 50 {
		t.Fatalf("search after degraded write: %v, %d hits", err, res.EstimatedTotalHits)
	}
}

func TestHealthCheckerMarksNodesFailedAndActive(t *testing.T) {
	tc := startCluster(t, 3, 2, 16, func(c *proxy.Config) {
		c.HealthInterval, c.FailAfter, c.RecoverAfter = 30*time.Millisecond, 2, 2
	})
	ctx := context.Background()
	h := tc.proxy.NewHealthChecker()
	if err := h.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	state := func() store.NodeState {
		var st store.NodeState
		tc.cat.Read(func(s *store.State) { n, _ := s.Node("n2"); st = n.State })
		return st
	}
	if err := tc.nodes[1].Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() bool { return state() == store.NodeFailed })
	tc.restartNode(1)
	waitFor(t, 5*time.Second, func() bool { return state() == store.NodeActive })
}
