package admin_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/admin/admintest"
	"github.com/prometheus/client_golang/prometheus"
)

// barrierConsensus is the fake consensus with a read barrier.
type barrierConsensus struct {
	*admintest.Fake
	calls atomic.Int32
	err   error
}

func (b *barrierConsensus) ReadBarrier(ctx context.Context) error {
	b.calls.Add(1)
	return b.err
}

func newBarrierServer(t *testing.T, err error) (*admin.Server, *barrierConsensus) {
	t.Helper()
	b := &barrierConsensus{Fake: admintest.New(), err: err}
	deps := b.Deps()
	deps.Consensus = b
	cfg := admin.DefaultConfig()
	cfg.AdminKey = testKey
	s, e := admin.New(cfg, deps, nil, prometheus.NewRegistry())
	if e != nil {
		t.Fatal(e)
	}
	return s, b
}

func TestNodeReadsPassTheReadBarrierByDefault(t *testing.T) {
	s, b := newBarrierServer(t, nil)
	if r := asAdmin(t, s, "POST", "/_miroir/nodes", `{"id":"n1","address":"http://127.0.0.1:7710"}`); r.status != 201 {
		t.Fatalf("register: %d %s", r.status, r.raw)
	}
	for _, path := range []string{"/_miroir/nodes/n1", "/_miroir/nodes", "/_miroir/nodes/n1?consistent=true"} {
		before := b.calls.Load()
		if r := asAdmin(t, s, "GET", path, ""); r.status != 200 {
			t.Fatalf("GET %s: %d %s", path, r.status, r.raw)
		}
		if b.calls.Load() != before+1 {
			t.Fatalf("GET %s did not pass the read barrier", path)
		}
	}
	before := b.calls.Load()
	if r := asAdmin(t, s, "GET", "/_miroir/nodes/n1?consistent=false", ""); r.status != 200 || b.calls.Load() != before {
		t.Fatalf("?consistent=false must answer locally without the barrier: %d %s", r.status, r.raw)
	}
}

func TestNodeReadWithoutALeaderIsUnavailable(t *testing.T) {
	s, _ := newBarrierServer(t, fmt.Errorf("read index: %w", admin.ErrNoLeader))
	wantError(t, asAdmin(t, s, "GET", "/_miroir/nodes/n1", ""), 503, "miroir_no_leader")
}

func TestClusterViewAnswersWithoutTheReadBarrierUnlessAsked(t *testing.T) {
	s, b := newBarrierServer(t, fmt.Errorf("read index: %w", admin.ErrNoLeader))
	if r := asAdmin(t, s, "GET", "/_miroir/cluster", ""); r.status != 200 || b.calls.Load() != 0 {
		t.Fatalf("GET /_miroir/cluster must show this peer's view even without a leader: %d %s (%d barrier calls)", r.status, r.raw, b.calls.Load())
	}
	wantError(t, asAdmin(t, s, "GET", "/_miroir/cluster?consistent=true", ""), 503, "miroir_no_leader")
}
