package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/cluster/clustertest"
	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/store"
)

func fsmCluster(t testing.TB, opts ...clustertest.Option) *clustertest.Cluster {
	return clustertest.MakeCluster(t, 3, append([]clustertest.Option{
		clustertest.WithFSM(func() cluster.FSM { return fsm.New(nil) })}, opts...)...)
}

func registerCmd(t testing.TB, reqID string) []byte {
	t.Helper()
	cmd, err := fsm.Encode(fsm.CmdRegisterTasks, fsm.RegisterTasks{
		Meta:  fsm.Meta{RequestID: reqID, Time: time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)},
		Tasks: []store.NewTask{{Type: "documentAdditionOrUpdate", IndexUID: "movies"}}})
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// registration is one caller's committed RegisterTasks.
type registration struct {
	index, uid uint64
}

func decodeUID(t testing.TB, a cluster.Applied) registration {
	var res fsm.RegisterTasksResult
	if err := fsm.DecodeResult(a.Response, &res); err != nil || len(res.Tasks) != 1 {
		t.Errorf("register result %s: %v", a.Response, err)
		return registration{}
	}
	return registration{index: a.Index, uid: res.Tasks[0].UID}
}

// assertUIDs checks that n registrations got the uids 0..n-1 and, when
// ordered, that a registration in a later entry never got a smaller uid
// (not after retries: a replay reports the retry's index).
func assertUIDs(t *testing.T, regs []registration, ordered bool) {
	t.Helper()
	slices.SortFunc(regs, func(a, b registration) int { return int(a.uid) - int(b.uid) })
	for i, r := range regs {
		if r.uid != uint64(i) {
			t.Fatalf("uids are not 0..%d: position %d has %d", len(regs)-1, i, r.uid)
		}
		if ordered && i > 0 && r.index < regs[i-1].index {
			t.Fatalf("uid %d is at index %d, after uid %d at index %d", r.uid, r.index, regs[i-1].uid, regs[i-1].index)
		}
	}
}

func nextTaskUID(n *clustertest.Node) (next uint64) {
	n.FSM.(*fsm.FSM).Read(func(s *store.State) { next = s.NextTaskUID() })
	return next
}

func TestConcurrentProposersGetTheirOwnResultsFromSharedEntries(t *testing.T) {
	c := fsmCluster(t)
	leader := c.WaitForLeader(t, leaderWait)
	nodes := append([]*clustertest.Node{leader, leader, leader}, c.Followers()...)
	const proposers, each = 40, 5
	regs := make([]registration, proposers*each)
	var wg sync.WaitGroup
	for p := range proposers {
		wg.Go(func() {
			node := nodes[p%len(nodes)]
			for i := range each {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				a, err := node.Peer.Apply(ctx, registerCmd(t, fmt.Sprintf("req-%d-%d", p, i)))
				cancel()
				if err != nil {
					t.Errorf("proposer %d on %s: %v", p, node.Config.PeerID, err)
					return
				}
				regs[p*each+i] = decodeUID(t, a)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	shared := len(regs) - len(slices.CompactFunc(slices.SortedFunc(slices.Values(regs),
		func(a, b registration) int { return int(a.index) - int(b.index) }),
		func(a, b registration) bool { return a.index == b.index }))
	if shared == 0 {
		t.Fatal("no two concurrent commands shared an entry: the leader did not coalesce")
	}
	t.Logf("%d commands rode in another command's entry", shared)
	replayed := regs[7*each+3]
	assertUIDs(t, regs, true)

	// A retry of a committed command (as after ErrLeadershipLost) returns
	// its original uid and registers nothing.
	again, err := c.Followers()[0].Peer.Apply(context.Background(), registerCmd(t, "req-7-3"))
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeUID(t, again); got.uid != replayed.uid {
		t.Fatalf("replay got uid %d, want the original %d", got.uid, replayed.uid)
	}
	c.EnsureSame(t)
	if next := nextTaskUID(c.Leader()); next != proposers*each {
		t.Fatalf("next task uid %d after a replay, want %d", next, proposers*each)
	}
}

// retryable says whether an Apply error leaves the outcome unknown (the
// caller retries the same command, on any peer).
func retryable(err error) bool {
	for _, e := range []error{cluster.ErrLeadershipLost, cluster.ErrNoLeader, cluster.ErrNotLeader, cluster.ErrTimeout, cluster.ErrClosed} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// applyRetrying applies cmd, retrying retryable errors on the next node.
func applyRetrying(t *testing.T, nodes []*clustertest.Node, start int, cmd []byte) (cluster.Applied, int) {
	retries := 0
	for k := start; ; k++ {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		a, err := nodes[k%len(nodes)].Peer.Apply(ctx, cmd)
		cancel()
		if err == nil {
			return a, retries
		}
		if !retryable(err) || retries > 50 {
			t.Errorf("apply: %v (after %d retries)", err, retries)
			return a, retries
		}
		retries++
	}
}

func TestRetriesAfterLeaderLossRegisterEachCommandOnce(t *testing.T) {
	c := fsmCluster(t)
	leader := c.WaitForLeader(t, leaderWait)
	nodes := c.Nodes() // read once: Live races with Kill
	const proposers, each = 24, 8
	regs := make([]registration, proposers*each)
	var done, retries atomic.Int64
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		for done.Load() < proposers*each/4 {
			time.Sleep(time.Millisecond) // polling a counter; the kill needs no settling
		}
		c.Kill(leader.Index) // mid-stream: entries in flight fail or commit later
	}()
	var wg sync.WaitGroup
	for p := range proposers {
		wg.Go(func() {
			for i := range each {
				// Start on the leader so its batcher coalesces.
				a, n := applyRetrying(t, nodes, leader.Index, registerCmd(t, fmt.Sprintf("req-%d-%d", p, i)))
				regs[p*each+i] = decodeUID(t, a)
				retries.Add(int64(n))
				done.Add(1)
			}
		})
	}
	wg.Wait()
	<-killed
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%d retries after the leader was killed", retries.Load())
	assertUIDs(t, regs, false)
	c.WaitForLeader(t, leaderWait)
	c.EnsureSame(t)
	if next := nextTaskUID(c.Leader()); next != proposers*each {
		t.Fatalf("next task uid %d, want %d: a retried command applied twice", next, proposers*each)
	}
}

// forwardConcurrently runs proposers on node, each registering one task,
// and returns how many forwarding round trips node made for them.
func forwardConcurrently(t *testing.T, node *clustertest.Node, proposers int, prefix string) float64 {
	t.Helper()
	before := counter(t, node, "miroir_cluster_forwarded_commands_total")
	var wg sync.WaitGroup
	for p := range proposers {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if _, err := node.Peer.Apply(ctx, registerCmd(t, fmt.Sprintf("%s-%d", prefix, p))); err != nil {
				t.Errorf("proposer %d: %v", p, err)
			}
		})
	}
	wg.Wait()
	return counter(t, node, "miroir_cluster_forwarded_commands_total") - before
}

func TestFollowerForwardsConcurrentCommandsInSharedRoundTrips(t *testing.T) {
	c := fsmCluster(t)
	c.WaitForLeader(t, leaderWait)
	const proposers = 32
	trips := forwardConcurrently(t, c.Followers()[0], proposers, "fwd")
	if trips >= proposers {
		t.Fatalf("%v round trips for %d concurrent commands: the follower did not coalesce", trips, proposers)
	}
	c.EnsureSame(t)
	if next := nextTaskUID(c.Leader()); next != proposers {
		t.Fatalf("next task uid %d, want %d", next, proposers)
	}
}

func TestFollowerFallsBackToOneByOneWhenLeaderLacksApplyMany(t *testing.T) {
	oldBinary := func(n *clustertest.Node) http.Handler {
		h := n.Peer.Handler()
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == cluster.ApplyManyPath {
				http.NotFound(w, r)
				return
			}
			h.ServeHTTP(w, r)
		})
	}
	c := fsmCluster(t, clustertest.WithHandler(oldBinary))
	c.WaitForLeader(t, leaderWait)
	forwardConcurrently(t, c.Followers()[0], 16, "old")
	c.EnsureSame(t)
	if next := nextTaskUID(c.Leader()); next != 16 {
		t.Fatalf("next task uid %d, want 16", next)
	}
}
