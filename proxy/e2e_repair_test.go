package proxy_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/miroir-search/miroir/proxy"
	"github.com/miroir-search/miroir/store"
)

func TestSearchWithANodeAnswering503HalfTheTimeNeverFails(t *testing.T) {
	// The health checker never fails a node here: the reads alone must
	// route around the flaky one.
	fc := startFaultyCluster(t, []int{3}, 2, 16, func(c *proxy.Config) { c.FailAfter = 1000 })
	ctx := context.Background()
	idx := fc.client.Index("films")
	fc.succeed(idx.AddDocuments(ctx, corpus(300), nil))
	fc.faults[1].flaky.Store(true)
	for i := range 40 {
		res, err := idx.Search(ctx, "film", &meilisearch.SearchRequest{Limit: 3})
		if err != nil || res.EstimatedTotalHits != 300 {
			t.Fatalf("search %d with a flaky replica: %v, %+v", i, err, res)
		}
		var doc map[string]any
		if err := idx.GetDocument(ctx, fmt.Sprint(i), nil, &doc); err != nil {
			t.Fatalf("get %d with a flaky replica: %v", i, err)
		}
	}
	if fc.faults[1].n.Load() == 0 {
		t.Fatal("the flaky node got no request; the test proves nothing")
	}
}

func TestSearchSucceedsWhileAReplicaHangs(t *testing.T) {
	fc := startFaultyCluster(t, []int{3}, 2, 16, func(c *proxy.Config) {
		c.HedgeDelay = 50 * time.Millisecond
		c.NodeTimeout = time.Minute // without hedging a search would wait this long
		c.FailAfter = 1000          // the health checker must not rescue the search
	})
	ctx := context.Background()
	idx := fc.client.Index("films")
	fc.succeed(idx.AddDocuments(ctx, corpus(300), nil))
	fc.faults[0].block()
	defer fc.faults[0].unblock()
	quick, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for i := range 10 {
		res, err := idx.Search(quick, "film", &meilisearch.SearchRequest{Limit: 3})
		if err != nil || res.EstimatedTotalHits != 300 {
			t.Fatalf("search %d while n1 hangs: %v, %+v", i, err, res)
		}
	}
	if fc.faults[0].hung.Load() == 0 {
		t.Fatal("no search reached the hung node; the test proves nothing")
	}
	if fc.counter("miroir_proxy_hedged_reads_total") == 0 {
		t.Fatal("no hedged read was counted")
	}
}

// versionedDoc is a document whose "v" field names its write.
func versionedDocs(ids []int, v int) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = fmt.Sprintf(`{"id":%d,"title":"doc %d","v":%d}`, id, id, v)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// write sends a document write or delete-batch and waits until it
// succeeded; it returns after the task is acknowledged.
func (fc *faultyCluster) write(method, path, body string) {
	fc.t.Helper()
	if err := fc.tryWrite(method, path, body); err != nil {
		fc.t.Fatal(err)
	}
}

// tryWrite is write for goroutines other than the test's: it returns
// what went wrong.
func (fc *faultyCluster) tryWrite(method, path, body string) error {
	req, _ := http.NewRequest(method, fc.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testMasterKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("%s %s: status %d: %s", method, path, resp.StatusCode, raw)
	}
	var info meilisearch.TaskInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	task, err := fc.client.WaitForTask(ctx, info.TaskUID, 20*time.Millisecond)
	if err != nil || task.Status != meilisearch.TaskStatusSucceeded {
		return fmt.Errorf("task %d: %v %+v", info.TaskUID, err, task)
	}
	return nil
}

// ackedState is what every read must show: per id, the latest
// acknowledged version (0 = never written, deleted = deleted), updated
// only after acknowledgement.
type ackedState struct {
	mu       sync.Mutex
	v        map[int]int
	deleting map[int]bool // a deletion was sent: absent is no longer stale
}

const deleted = -1

func (a *ackedState) set(ids []int, v int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range ids {
		a.v[id] = v
	}
}

func (a *ackedState) get(id int) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.v[id]
}

func (a *ackedState) deleteSent(ids []int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range ids {
		a.deleting[id] = true
	}
}

func (a *ackedState) isDeleting(id int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.deleting[id]
}

func span(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func TestNodeThatMissedAcknowledgedWritesIsRepairedAndNeverReadStale(t *testing.T) {
	// Two groups of two nodes, RF 1: a write is acknowledged by one group
	// alone, so a node of the other group can miss it.
	fc := startFaultyCluster(t, []int{2, 2}, 1, 8)
	ctx := context.Background()
	acked := &ackedState{v: map[int]int{}, deleting: map[int]bool{}}
	fc.write(http.MethodPost, "/indexes/docs/documents", versionedDocs(span(0, 100), 1))
	acked.set(span(0, 100), 1)

	// Readers check get-by-id against the acknowledged state all along.
	var stale atomic.Int64
	var reads atomic.Int64
	var firstStale atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for r := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; ; i += 7 {
				select {
				case <-stop:
					return
				default:
				}
				id := i % 160
				want := acked.get(id) // acknowledged before the read started
				var doc struct {
					V int `json:"v"`
				}
				err := fc.client.Index("docs").GetDocument(ctx, fmt.Sprint(id), nil, &doc)
				got := doc.V
				if err != nil {
					if apiCode(err) != "document_not_found" {
						continue // availability is another test's business
					}
					got = 0
				}
				reads.Add(1)
				if (got < want && !(got == 0 && acked.isDeleting(id))) || (want == deleted && got != 0) {
					stale.Add(1)
					firstStale.CompareAndSwap(nil, fmt.Sprintf("doc %d: read v%d, acknowledged v%d", id, got, want))
				}
			}
		}()
	}

	// n3 (group g2) dies; writes go on, acknowledged by g1.
	fc.faults[2].down.Store(true)
	fc.write(http.MethodPost, "/indexes/docs/documents", versionedDocs(span(0, 50), 2))
	acked.set(span(0, 50), 2)
	fc.write(http.MethodPost, "/indexes/docs/documents", versionedDocs(span(100, 160), 2))
	acked.set(span(100, 160), 2)
	ids, _ := json.Marshal(span(50, 60))
	acked.deleteSent(span(50, 60))
	fc.write(http.MethodPost, "/indexes/docs/documents/delete-batch", string(ids))
	acked.set(span(50, 60), deleted)
	waitFor(t, 30*time.Second, func() bool { return fc.nodeState("n3") == store.NodeFailed })

	// n3 comes back: recovering, repaired, active.
	// n3 comes back and is repaired while the same documents keep being
	// rewritten (copies race with those writes).
	fc.faults[2].down.Store(false)
	writing := make(chan error, 1)
	stopWrites := make(chan struct{})
	go func() {
		for v := 3; ; v++ {
			select {
			case <-stopWrites:
				writing <- nil
				return
			default:
			}
			if err := fc.tryWrite(http.MethodPost, "/indexes/docs/documents", versionedDocs(span(0, 10), v)); err != nil {
				writing <- err
				return
			}
			acked.set(span(0, 10), v)
		}
	}()
	waitFor(t, 60*time.Second, func() bool { return fc.nodeState("n3") == store.NodeActive })
	close(stopWrites)
	if err := <-writing; err != nil {
		t.Fatalf("writing during the repair: %v", err)
	}
	waitFor(t, 60*time.Second, func() bool { return reads.Load() >= 200 })
	close(stop)
	wg.Wait()
	if n := stale.Load(); n > 0 {
		t.Fatalf("%d of %d reads were stale, e.g. %v", n, reads.Load(), firstStale.Load())
	}

	// Every replica holds every acknowledged document at its latest
	// version, and no deleted one. With RF 1 each group holds every
	// document exactly once, so a group's nodes together are its replicas.
	for _, group := range [][]int{{0, 1}, {2, 3}} {
		union := map[int]int{}
		for _, i := range group {
			for id, v := range nodeDocs(t, fc.engine[i]) {
				union[id] = v
			}
		}
		for id := range 160 {
			if want := max(acked.get(id), 0); union[id] != want {
				t.Fatalf("group of nodes %v: doc %d at v%d, want v%d (0 = absent)", group, id, union[id], want)
			}
		}
	}
	if fc.counter("miroir_repair_documents_total") == 0 {
		t.Fatal("the repair copied nothing; the test proves nothing")
	}
}

// nodeDocs reads every document of index docs on an engine node directly:
// id -> v.
func nodeDocs(t *testing.T, addr string) map[int]int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, addr+"/indexes/docs/documents/fetch", strings.NewReader(`{"limit":10000}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testNodeKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var page struct {
		Results []struct {
			ID int `json:"id"`
			V  int `json:"v"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		t.Fatal(err)
	}
	out := map[int]int{}
	for _, d := range page.Results {
		out[d.ID] = d.V
	}
	return out
}

func TestShardWhoseReplicasAllMissedWritesIsRepairedWithoutLosingAny(t *testing.T) {
	fc := startFaultyCluster(t, []int{2}, 2, 4, func(c *proxy.Config) { c.WriteQuorum = proxy.QuorumOne })
	fc.write(http.MethodPost, "/indexes/docs/documents", versionedDocs(span(0, 50), 1))
	fc.faults[1].down.Store(true)
	fc.write(http.MethodPost, "/indexes/docs/documents", versionedDocs(span(50, 100), 1))
	waitFor(t, 30*time.Second, func() bool { return fc.nodeState("n2") == store.NodeFailed })
	// n1 is suspected of a missed write too: no replica is trusted.
	if err := fc.cat.SetNodeState(context.Background(), "n1", store.NodeRecovering); err != nil {
		t.Fatal(err)
	}
	fc.faults[1].down.Store(false)
	waitFor(t, 60*time.Second, func() bool {
		return fc.nodeState("n1") == store.NodeActive && fc.nodeState("n2") == store.NodeActive
	})
	for i, addr := range fc.engine {
		if got := nodeDocs(t, addr); len(got) != 100 {
			t.Fatalf("node n%d holds %d documents after repair, want 100", i+1, len(got))
		}
	}
}

func TestNodeThatFailsAWriteStopsServingReadsUntilRepaired(t *testing.T) {
	// The health checker never fails a node here: only the failed write
	// can take n2 out of reads.
	fc := startFaultyCluster(t, []int{2}, 2, 4, func(c *proxy.Config) {
		c.WriteQuorum, c.FailAfter = proxy.QuorumOne, 1000
	})
	fc.write(http.MethodPost, "/indexes/docs/documents", versionedDocs(span(0, 20), 1))
	fc.faults[1].down.Store(true)
	fc.write(http.MethodPost, "/indexes/docs/documents", versionedDocs(span(0, 20), 2))
	// Committed before the write was acknowledged: a read that starts now
	// must not find n2 active (suspicion alone does not keep reads off it).
	if st := fc.nodeState("n2"); st != store.NodeRecovering {
		t.Fatalf("n2 is %s once the write it missed is acknowledged, want recovering", st)
	}
	if got := fc.counter("miroir_proxy_nodes_marked_recovering_total"); got != 1 {
		t.Fatalf("%v marks committed, want 1", got)
	}
	fc.faults[1].down.Store(false)
	waitFor(t, 60*time.Second, func() bool { return fc.nodeState("n2") == store.NodeActive })
	docs := nodeDocs(t, fc.engine[1])
	if len(docs) != 20 {
		t.Fatalf("repaired n2 holds %d documents, want 20", len(docs))
	}
	for id, v := range docs {
		if v != 2 {
			t.Fatalf("repaired n2 holds doc %d at v%d, want v2", id, v)
		}
	}
}

func TestSearchOfAnIndexTheOtherReplicasLackDoesNotWaitForAHungNode(t *testing.T) {
	fc := startFaultyCluster(t, []int{3}, 2, 16, func(c *proxy.Config) {
		c.HedgeDelay, c.NodeTimeout, c.FailAfter = 50*time.Millisecond, time.Minute, 1000
	})
	ctx := context.Background()
	idx := fc.client.Index("films")
	fc.succeed(idx.AddDocuments(ctx, corpus(50), nil))
	for _, i := range []int{0, 2} { // n1 and n3 lose the index (a deletion in flight)
		node := meilisearch.New(fc.engine[i], meilisearch.WithAPIKey(testNodeKey))
		info, err := node.DeleteIndex(ctx, "films")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := node.WaitForTask(ctx, info.TaskUID, 20*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	fc.faults[1].block()
	defer fc.faults[1].unblock()
	quick, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := idx.Search(quick, "film", &meilisearch.SearchRequest{}); apiCode(err) != "index_not_found" {
			t.Fatalf("search %d: %v, want index_not_found from the replicas that answered", i, err)
		}
	}
}
