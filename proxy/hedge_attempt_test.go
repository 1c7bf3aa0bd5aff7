package proxy

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// hedgeFixture is a proxy over an index of one shard (so a read is one
// part: the primary) whose node calls are scripted: each call answers the
// number of shards it covered, so the answers of a read sum to the
// index's shards when each was counted exactly once.
type hedgeFixture struct {
	p     *Proxy
	t     *topology
	calls atomic.Int64
	mu    sync.Mutex
	nodes []string // node of each call, in call order
}

func newHedgeFixture(t *testing.T, rf int, delay time.Duration) *hedgeFixture {
	t.Helper()
	cfg := DefaultConfig()
	cfg.HedgeDelay = delay
	res, err := newResilience(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{cfg: cfg, nodes: newNodeClient(cfg), res: res, log: slog.New(slog.DiscardHandler)}
	return &hedgeFixture{p: p, t: testTopology(t, 1, map[string]int{"g1": rf}, rf)}
}

// call lets script decide each call's outcome: n is 0 for the first
// read's primary (the node its plan picks first) and numbers the other
// calls from 1 (the timer of a hedge may fire before the primary starts).
func (f *hedgeFixture) call(script func(ctx context.Context, n int64) error) func(context.Context, readPart) (int, error) {
	primary := planCovering(f.p, f.t, allShards(f.t.index.Shards), f.p.rr.Load()+1, map[string]bool{}).parts[0].node.ID
	var others atomic.Int64
	return func(ctx context.Context, part readPart) (int, error) {
		f.calls.Add(1)
		var n int64
		f.mu.Lock()
		if part.node.ID != primary || len(f.nodes) > 0 && f.nodes[0] == primary {
			n = others.Add(1)
		}
		if n == 0 {
			f.nodes = append([]string{part.node.ID}, f.nodes...)
		} else {
			f.nodes = append(f.nodes, part.node.ID)
		}
		f.mu.Unlock()
		if err := script(ctx, n); err != nil {
			return 0, err
		}
		return len(part.shards), nil
	}
}

func (f *hedgeFixture) hedges(outcome string) float64 {
	var m dto.Metric
	if err := f.p.res.hedges.WithLabelValues(outcome).Write(&m); err != nil {
		panic(err)
	}
	return m.GetCounter().GetValue()
}

func sum(vs []int) int {
	s := 0
	for _, v := range vs {
		s += v
	}
	return s
}

// hang blocks until the read gives up on the call, and records that it did.
func hang(ctx context.Context, cancelled *atomic.Bool) error {
	<-ctx.Done()
	cancelled.Store(true)
	return ctx.Err()
}

func TestReadAnsweredBeforeHedgeDelayCallsEachNodeOnce(t *testing.T) {
	f := newHedgeFixture(t, 1, time.Hour)
	f.t = testTopology(t, 4, map[string]int{"g1": 1}, 3)
	out, missing, err := scatter(context.Background(), f.p, f.t, allShards(4), f.call(func(context.Context, int64) error { return nil }))
	if err != nil || len(missing) > 0 {
		t.Fatalf("err %v, missing %v", err, missing)
	}
	if sum(out) != 4 || int(f.calls.Load()) != len(out) {
		t.Fatalf("answers %v from %d calls, want 4 shards once each", out, f.calls.Load())
	}
	if f.hedges("won")+f.hedges("lost") != 0 || f.p.res.hedging.Load() != 0 {
		t.Fatal("a read that answered in time was hedged")
	}
}

func TestSlowPrimaryLosesToItsHedgeAndIsCancelledAndSuspect(t *testing.T) {
	f := newHedgeFixture(t, 2, time.Millisecond)
	var cancelled atomic.Bool
	out, _, err := scatter(context.Background(), f.p, f.t, allShards(1), f.call(func(ctx context.Context, n int64) error {
		if n == 0 {
			return hang(ctx, &cancelled)
		}
		return nil
	}))
	if err != nil || sum(out) != 1 {
		t.Fatalf("answers %v, err %v; want the shard once", out, err)
	}
	if !cancelled.Load() {
		t.Fatal("the read returned before its losing call did")
	}
	if f.hedges("won") != 1 || !f.p.nodes.isSuspect(f.t.nodes[f.nodes[0]].Addr) {
		t.Fatalf("won %v, primary %s suspect %v", f.hedges("won"), f.nodes[0], f.p.nodes.isSuspect(f.t.nodes[f.nodes[0]].Addr))
	}
	if f.p.res.hedging.Load() != 0 {
		t.Fatal("a hedge in flight was not released")
	}
}

func TestHedgeErrorOfItsOwnIsTheAnswerAndStopsThePrimary(t *testing.T) {
	f := newHedgeFixture(t, 2, time.Millisecond)
	var cancelled atomic.Bool
	bad := meili.Errorf(meili.CodeInvalidSearchFilter, "bad filter")
	_, _, err := scatter(context.Background(), f.p, f.t, allShards(1), f.call(func(ctx context.Context, n int64) error {
		if n == 0 {
			return hang(ctx, &cancelled)
		}
		return bad
	}))
	if !errors.Is(err, bad) || !cancelled.Load() {
		t.Fatalf("err %v, primary cancelled %v; want the hedge's error and the primary stopped", err, cancelled.Load())
	}
}

func TestPrimaryFailingWhileHedgeRunsWaitsForTheHedge(t *testing.T) {
	f := newHedgeFixture(t, 2, time.Millisecond)
	hedgeStarted, primaryFailed := make(chan struct{}), make(chan struct{})
	out, _, err := scatter(context.Background(), f.p, f.t, allShards(1), f.call(func(ctx context.Context, n int64) error {
		if n == 0 {
			<-hedgeStarted
			defer close(primaryFailed)
			return &meili.Error{Status: http.StatusServiceUnavailable, Code: meili.CodeInternal, Message: "overloaded"}
		}
		close(hedgeStarted)
		<-primaryFailed
		return nil
	}))
	if err != nil || sum(out) != 1 || f.calls.Load() != 2 {
		t.Fatalf("answers %v from %d calls, err %v; want the hedge's answer and no retry", out, f.calls.Load(), err)
	}
	if f.hedges("won") != 1 {
		t.Fatalf("hedges won %v, want 1", f.hedges("won"))
	}
}

func TestFailedHedgeIsRetriedOnAnotherReplica(t *testing.T) {
	f := newHedgeFixture(t, 3, time.Millisecond)
	var cancelled atomic.Bool
	out, _, err := scatter(context.Background(), f.p, f.t, allShards(1), f.call(func(ctx context.Context, n int64) error {
		switch n {
		case 0:
			return hang(ctx, &cancelled)
		case 1:
			return ErrNodeUnavailable
		}
		return nil
	}))
	if err != nil || sum(out) != 1 {
		t.Fatalf("answers %v, err %v; want the shard once", out, err)
	}
	if len(f.nodes) != 3 || f.nodes[0] == f.nodes[1] || f.nodes[1] == f.nodes[2] || f.nodes[0] == f.nodes[2] {
		t.Fatalf("calls went to %v, want three different replicas", f.nodes)
	}
}

func TestNoHedgeWhilePeerHasMaxHedgesInFlight(t *testing.T) {
	f := newHedgeFixture(t, 2, time.Millisecond)
	f.p.res.hedging.Store(maxHedgesInFlight)
	out, _, err := scatter(context.Background(), f.p, f.t, allShards(1), f.call(func(ctx context.Context, n int64) error {
		time.Sleep(20 * time.Millisecond) // many hedge delays
		return nil
	}))
	if err != nil || sum(out) != 1 || f.calls.Load() != 1 {
		t.Fatalf("answers %v from %d calls, err %v; want the primary's alone", out, f.calls.Load(), err)
	}
	if f.p.res.hedging.Load() != maxHedgesInFlight {
		t.Fatalf("hedges in flight %d", f.p.res.hedging.Load())
	}
}

func TestSilentPartWithNoReplicaLeftIsGivenUpWhenTheIndexIsLacking(t *testing.T) {
	f := newHedgeFixture(t, 1, time.Millisecond)
	r := &reader[int]{p: f.p, t: f.t, avoid: map[string]bool{}, lacking: true}
	var cancelled atomic.Bool
	r.call = f.call(func(ctx context.Context, _ int64) error { return hang(ctx, &cancelled) })
	part := planCovering(f.p, f.t, allShards(1), 0, nil).parts[0]
	_, err := r.attempt(context.Background(), part)
	if !errors.Is(err, ErrNodeUnavailable) || !cancelled.Load() {
		t.Fatalf("err %v, cancelled %v; want ErrNodeUnavailable and the call stopped", err, cancelled.Load())
	}
}

func TestHedgeOfAnActiveNodeNeverGoesToARecoveringReplica(t *testing.T) {
	f := newHedgeFixture(t, 2, time.Millisecond)
	r := &reader[int]{p: f.p, t: f.t, avoid: map[string]bool{}}
	part := planCovering(f.p, f.t, allShards(1), 0, nil).parts[0]
	for id, n := range f.t.nodes {
		if id != part.node.ID {
			n.State = store.NodeRecovering
			f.t.nodes[id] = n
		}
	}
	if alt, ok := r.alternative(part, map[string]bool{part.node.ID: true}); ok {
		t.Fatalf("an active node's hedge went to recovering %s (it may lack acknowledged writes)", alt[0].node.ID)
	}
}
