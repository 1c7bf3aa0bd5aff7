package cluster_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/cluster/clustertest"
)

// stallSwitch makes a peer's internal routes accept requests and never
// answer them, as a SIGSTOPped leader does (its kernel still accepts TCP
// connections): a request waits until its caller gives up or release.
type stallSwitch struct {
	mu       sync.Mutex
	stalled  map[string]bool
	arrived  chan string
	released chan struct{}
}

func newStallSwitch() *stallSwitch {
	return &stallSwitch{stalled: map[string]bool{}, arrived: make(chan string, 64), released: make(chan struct{})}
}

func (s *stallSwitch) stall(id string) {
	s.mu.Lock()
	s.stalled[id] = true
	s.mu.Unlock()
}

func (s *stallSwitch) handler(n *clustertest.Node) http.Handler {
	inner, id := n.Peer.Handler(), n.Config.PeerID
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		stalled := s.stalled[id]
		s.mu.Unlock()
		if stalled && strings.HasPrefix(r.URL.Path, "/_miroir/internal/") {
			s.arrived <- id
			select {
			case <-r.Context().Done():
			case <-s.released:
			}
			http.Error(w, "stalled", http.StatusServiceUnavailable)
			return
		}
		inner.ServeHTTP(w, r)
	})
}

// TestForwardedApplyMovesToTheNewLeaderWhenTheOldOneHangs: a command
// forwarded to a leader that stops answering (paused: connections open,
// no reply) is retried at the new leader as soon as this peer sees it,
// instead of waiting for the forward's timeout and failing.
func TestForwardedApplyMovesToTheNewLeaderWhenTheOldOneHangs(t *testing.T) {
	sw := newStallSwitch()
	c := clustertest.MakeCluster(t, 3, clustertest.WithHandler(sw.handler),
		// One forward attempt would outlast the test: only a retry at the
		// new leader can make Apply succeed.
		clustertest.WithConfig(func(c *cluster.Config) { c.ApplyTimeout = time.Minute; c.HoldTimeout = time.Minute }))
	defer close(sw.released)
	old := c.WaitForLeader(t, leaderWait)
	follower := c.Followers()[0]
	apply(t, follower, "before", "1")

	sw.stall(old.Config.PeerID)
	type result struct {
		a   cluster.Applied
		err error
	}
	done := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		a, err := follower.Peer.Apply(ctx, clustertest.Set("during", "2"))
		done <- result{a, err}
	}()
	select {
	case <-sw.arrived:
	case r := <-done:
		t.Fatalf("apply ended before reaching the stalled leader: %+v %v", r.a, r.err)
	}
	c.Disconnect(old.Index)
	leader := c.WaitForLeaderAmong(t, leaderWait, others(c, old.Index)...)
	r := <-done
	if r.err != nil {
		t.Fatalf("apply forwarded to a hung leader failed after %s took over: %v", leader.Config.PeerID, r.err)
	}
	waitApplied(t, leader, r.a.Index)
	if v, _ := leader.KV().Get("during"); v != "2" {
		t.Fatalf("new leader reads during=%q", v)
	}
	c.Heal()
	c.WaitForLeader(t, leaderWait)
	c.EnsureSame(t)
}

func others(c *clustertest.Cluster, skip int) []int {
	var out []int
	for _, n := range c.Nodes() {
		if n.Index != skip {
			out = append(out, n.Index)
		}
	}
	return out
}
