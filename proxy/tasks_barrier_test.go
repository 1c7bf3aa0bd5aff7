package proxy_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/miroir-search/miroir/proxy"
	"github.com/miroir-search/miroir/proxy/proxytest"
	"github.com/miroir-search/miroir/store"
)

// laggingState is a follower that knows a commit index it has not applied
// yet: WaitApplied blocks until the test applies the entry.
type laggingState struct {
	*proxytest.Catalog
	commit  uint64
	mu      sync.Mutex
	waited  uint64
	calls   int
	applied chan struct{}
}

func (l *laggingState) CommitIndex() uint64 { return l.commit }

func (l *laggingState) AppliedIndex() uint64 {
	select {
	case <-l.applied:
		return l.commit
	default:
		return l.commit - 1
	}
}

func (l *laggingState) WaitApplied(ctx context.Context, index uint64) error {
	l.mu.Lock()
	l.waited = index
	l.calls++
	l.mu.Unlock()
	select {
	case <-l.applied:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *laggingState) waitedFor() uint64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waited
}

func TestTaskReadWaitsForTheKnownCommitIndex(t *testing.T) {
	cat := proxytest.New()
	ctx := context.Background()
	reg, _, err := cat.RegisterTasks(ctx, []store.NewTask{{Type: "dumpCreation"}})
	if err != nil {
		t.Fatal(err)
	}
	lag := &laggingState{Catalog: cat, commit: cat.AppliedIndex() + 1, applied: make(chan struct{})}
	cfg := proxy.DefaultConfig()
	cfg.MasterKey, cfg.NodeKey = "", testNodeKey
	p, err := proxy.New(cfg, proxy.Deps{State: lag, Catalog: cat}, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.HTTPErrorHandler = proxytest.ErrorHandler
	p.Register(e.Group(""))
	hs := httptest.NewServer(e)
	defer hs.Close()

	got := make(chan string, 1)
	go func() {
		resp, err := http.Get(hs.URL + "/tasks/" + jsonNumber(reg[0].UID))
		if err != nil {
			got <- err.Error()
			return
		}
		defer resp.Body.Close()
		var task struct {
			Status string `json:"status"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&task)
		got <- task.Status
	}()
	waitFor(t, 5*time.Second, func() bool { return lag.waitedFor() == lag.commit })
	// The entry the follower lagged on: the task started.
	if err := cat.UpdateTasks(ctx, []store.TaskUpdate{{UID: reg[0].UID, Status: store.TaskProcessing}}); err != nil {
		t.Fatal(err)
	}
	close(lag.applied)
	if s := <-got; s != "processing" {
		t.Fatalf("task read answered %q, want processing (the state as of the known commit index)", s)
	}
}

func jsonNumber(u uint64) string { b, _ := json.Marshal(u); return string(b) }

func TestTaskReadsStopWaitingForACommitIndexNeverApplied(t *testing.T) {
	cat := proxytest.New()
	ctx := context.Background()
	if _, _, err := cat.RegisterTasks(ctx, []store.NewTask{{Type: "dumpCreation"}}); err != nil {
		t.Fatal(err)
	}
	// A raft no-op after an election: committed, never applied to the FSM.
	lag := &laggingState{Catalog: cat, commit: cat.AppliedIndex() + 1, applied: make(chan struct{})}
	cfg := proxy.DefaultConfig()
	cfg.MasterKey, cfg.NodeKey = "", testNodeKey
	p, err := proxy.New(cfg, proxy.Deps{State: lag, Catalog: cat}, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	e.HTTPErrorHandler = proxytest.ErrorHandler
	p.Register(e.Group(""))
	hs := httptest.NewServer(e)
	defer hs.Close()
	for range 3 {
		resp, err := http.Get(hs.URL + "/tasks/0")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
	}
	lag.mu.Lock()
	defer lag.mu.Unlock()
	if lag.calls != 1 {
		t.Fatalf("%d waits for the same unreachable commit index, want 1", lag.calls)
	}
}
