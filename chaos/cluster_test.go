package chaos_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/miroir-search/miroir/chaos"
	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/cluster/clustertest"
)

// faultyCluster runs the cluster package's in-process peers with the
// decorators behind its Config hooks, one rule table per peer as one per
// process would be in `miroir serve --chaos-control`.
type faultyCluster struct {
	*clustertest.Cluster
	mu    sync.Mutex
	rules map[string]*chaos.Rules
}

func newFaultyCluster(t *testing.T) *faultyCluster {
	fc := &faultyCluster{rules: map[string]*chaos.Rules{}}
	fc.Cluster = clustertest.MakeCluster(t, 3, clustertest.WithConfig(func(cfg *cluster.Config) {
		r := chaos.NewRules()
		fc.mu.Lock()
		fc.rules[cfg.PeerID] = r
		fc.mu.Unlock()
		chaos.Hooks(r)(cfg)
	}))
	return fc
}

// setLinks installs links on every peer's table.
func (fc *faultyCluster) setLinks(t *testing.T, links []chaos.Link) {
	t.Helper()
	peers := map[string][]string{}
	for _, n := range fc.Nodes() {
		peers[n.Peer.ID()] = []string{n.Peer.RaftAddr(), n.Peer.GossipAddr()}
	}
	for _, n := range fc.Nodes() {
		if err := fc.rules[n.Peer.ID()].Set(chaos.Table{Self: n.Peer.ID(), Peers: peers, Links: links}); err != nil {
			t.Fatal(err)
		}
	}
}

func (fc *faultyCluster) others(leader *clustertest.Node) (ids []string, nodes []*clustertest.Node) {
	for _, n := range fc.Nodes() {
		if n != leader {
			ids, nodes = append(ids, n.Peer.ID()), append(nodes, n)
		}
	}
	return ids, nodes
}

func applyKV(ctx context.Context, n *clustertest.Node, k, v string) error {
	_, err := n.Peer.Apply(ctx, clustertest.Set(k, v))
	return err
}

func TestClusterIsolatedLeaderStepsDownAndCatchesUpAfterHeal(t *testing.T) {
	fc := newFaultyCluster(t)
	old := fc.WaitForLeader(t, 20*time.Second)
	ids, rest := fc.others(old)
	fc.setLinks(t, chaos.Partition([]string{old.Peer.ID()}, ids))

	clustertest.WaitFor(t, 20*time.Second, func() error {
		for _, n := range rest {
			if n.Peer.IsLeader() {
				return nil
			}
		}
		return fmt.Errorf("no leader on the majority side yet")
	})
	clustertest.WaitFor(t, 20*time.Second, func() error { return applyKV(context.Background(), rest[0], "during", "partition") })
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	err := applyKV(ctx, old, "minority", "write")
	cancel()
	if err == nil {
		t.Fatal("the isolated old leader committed a write")
	}

	fc.setLinks(t, nil)
	clustertest.WaitFor(t, 20*time.Second, func() error {
		if v, ok := old.KV().Get("during"); !ok || v != "partition" {
			return fmt.Errorf("old leader has not caught up")
		}
		return nil
	})
	fc.EnsureSame(t)
	if st := fc.rules[old.Peer.ID()].Stats(); st.StreamsCut+st.DialsRefused == 0 || st.PacketsDropped == 0 {
		t.Fatalf("faults never bit on the old leader: %+v", st)
	}
}

func TestClusterKeepsCommittingThroughALossyDelayedNetwork(t *testing.T) {
	fc := newFaultyCluster(t)
	fc.WaitForLeader(t, 20*time.Second)
	var all []string
	for _, n := range fc.Nodes() {
		all = append(all, n.Peer.ID())
	}
	fc.setLinks(t, append(chaos.Slow(all, all, 5*time.Millisecond), chaos.Lossy(all, all, 0.02)...))
	for i := range 20 {
		n := fc.Node(i % 3)
		clustertest.WaitFor(t, 20*time.Second, func() error { return applyKV(context.Background(), n, fmt.Sprint(i), "v") })
	}
	fc.setLinks(t, nil)
	fc.EnsureSame(t)
}
