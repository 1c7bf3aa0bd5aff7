package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/cluster/clustertest"
)

func readBarrier(t *testing.T, n *clustertest.Node) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Peer.ReadBarrier(ctx); err != nil {
		t.Fatalf("read barrier on %s: %v", n.Config.PeerID, err)
	}
}

func TestReadBarrierOnEveryPeerSeesAnAcknowledgedWrite(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	leader := c.WaitForLeader(t, leaderWait)
	for i := range 20 {
		apply(t, leader, "k", fmt.Sprint(i))
		for _, n := range c.Live() {
			readBarrier(t, n)
			if v, _ := n.KV().Get("k"); v != fmt.Sprint(i) {
				t.Fatalf("%s reads k=%q after a read barrier; the write of %d was acknowledged before it", n.Config.PeerID, v, i)
			}
		}
	}
	c.EnsureSame(t)
}

// TestConcurrentReadBarriersEachSeeTheWritesAcknowledgedBeforeThem: calls
// share leader round trips, and none of them may reuse a round that began
// before it was called.
func TestConcurrentReadBarriersEachSeeTheWritesAcknowledgedBeforeThem(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	leader := c.WaitForLeader(t, leaderWait)
	follower := c.Followers()[0]
	for i := range 5 {
		apply(t, leader, "k", fmt.Sprint(i))
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := follower.Peer.ReadBarrier(ctx); err != nil {
					t.Errorf("read barrier: %v", err)
					return
				}
				if v, _ := follower.KV().Get("k"); v != fmt.Sprint(i) {
					t.Errorf("after a read barrier the follower reads k=%q, want %d", v, i)
				}
			})
		}
		wg.Wait()
	}
}

// TestReadBarrierAfterAnElectionDoesNotWaitForTheNoop: a new leader's
// commit index is its no-op entry, which the FSM never applies; the read
// index (and CommitIndex) must name the last command instead, or every
// read would wait until the next write.
func TestReadBarrierAfterAnElectionDoesNotWaitForTheNoop(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	old := c.WaitForLeader(t, leaderWait)
	a := apply(t, old, "k", "v")
	c.Kill(old.Index)
	leader := c.WaitForLeader(t, leaderWait)
	clustertest.WaitFor(t, leaderWait, func() error {
		if st := leader.Peer.Stats(); st.CommitIndex <= a.Index {
			return fmt.Errorf("new leader's commit index %d is not past the write at %d yet", st.CommitIndex, a.Index)
		}
		return nil
	})
	for _, n := range c.Live() {
		readBarrier(t, n)
		if v, _ := n.KV().Get("k"); v != "v" {
			t.Fatalf("%s reads k=%q", n.Config.PeerID, v)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := n.Peer.WaitApplied(ctx, n.Peer.CommitIndex())
		cancel()
		if err != nil {
			t.Fatalf("%s: WaitApplied(CommitIndex()) after an election: %v", n.Config.PeerID, err)
		}
	}
}

func TestReadIndexWithoutQuorumFailsWithNoLeader(t *testing.T) {
	c := clustertest.MakeCluster(t, 3, clustertest.WithConfig(func(c *cluster.Config) { c.HoldTimeout = 500 * time.Millisecond }))
	c.WaitForLeader(t, leaderWait)
	c.Partition([]int{0}, []int{1}, []int{2})
	for _, n := range c.Live() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := n.Peer.ReadIndex(ctx)
		cancel()
		if !errors.Is(err, cluster.ErrNoLeader) {
			t.Fatalf("%s: read index without a quorum answered %v, want ErrNoLeader", n.Config.PeerID, err)
		}
	}
	c.Heal()
}
