package cluster_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/cluster/clustertest"
)

// TestSeedPeerRestartedWithoutJoinRejoinsGossip: peer0 is started without
// a join address (the seed). Killed and restarted after the others stopped
// gossiping to it (memberlist neither probes nor gossips to the dead), it
// must still find them again, through the addresses it remembered, and
// forward writes to the leader.
func TestSeedPeerRestartedWithoutJoinRejoinsGossip(t *testing.T) {
	c := clustertest.MakeCluster(t, 3, clustertest.WithConfig(func(c *cluster.Config) {
		c.GossipToTheDeadTime = time.Millisecond // the others forget the dead at once
	}))
	c.WaitForLeader(t, leaderWait)
	if len(c.Node(0).Config.Join) != 0 {
		t.Fatal("peer0 should be the seed, started without join addresses")
	}
	clustertest.WaitFor(t, leaderWait, func() error { return alive(c.Node(0), 3) })
	c.Kill(0)
	leader := c.WaitForLeaderAmong(t, leaderWait, 1, 2)
	clustertest.WaitFor(t, leaderWait, func() error {
		for _, m := range leader.Peer.Members() {
			if m.Meta.PeerID == "peer0" && m.Status == cluster.MemberAlive {
				return fmt.Errorf("%s still sees peer0 alive", leader.Config.PeerID)
			}
		}
		return nil
	})
	seed := c.RestartAsConfigured(0)
	clustertest.WaitFor(t, 3*leaderWait, func() error { return alive(seed, 3) })
	apply(t, seed, "after-restart", "1")
	c.EnsureSame(t)
}

// alive checks that n's gossip sees want peers alive, itself included.
func alive(n *clustertest.Node, want int) error {
	got := 0
	for _, m := range n.Peer.Members() {
		if m.Status == cluster.MemberAlive {
			got++
		}
	}
	if got != want {
		return fmt.Errorf("%s sees %d peers alive in gossip, want %d", n.Config.PeerID, got, want)
	}
	return nil
}
