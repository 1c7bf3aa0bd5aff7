package clustertest

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// WaitFor polls cond every 10 ms until it returns nil or timeout passes,
// then fails the test with cond's last error. Tests wait with this, never
// with sleeps.
func WaitFor(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %v", timeout, err)
		}
		<-tick.C
	}
}

// WaitForLeader waits until exactly one live node leads and every live
// node knows it, and returns the leader.
func (c *Cluster) WaitForLeader(t testing.TB, timeout time.Duration) *Node {
	t.Helper()
	return c.waitForLeader(t, timeout, c.Live)
}

// WaitForLeaderAmong is WaitForLeader restricted to the given node indexes
// (the majority side of a partition).
func (c *Cluster) WaitForLeaderAmong(t testing.TB, timeout time.Duration, idx ...int) *Node {
	t.Helper()
	return c.waitForLeader(t, timeout, func() []*Node {
		var out []*Node
		for _, i := range idx {
			if n := c.Node(i); n.live {
				out = append(out, n)
			}
		}
		return out
	})
}

func (c *Cluster) waitForLeader(t testing.TB, timeout time.Duration, nodes func() []*Node) *Node {
	t.Helper()
	var leader *Node
	WaitFor(t, timeout, func() error {
		leader = nil
		group := nodes()
		for _, n := range group {
			if n.Peer.IsLeader() {
				if leader != nil {
					return fmt.Errorf("two leaders: %s and %s", leader.Config.PeerID, n.Config.PeerID)
				}
				leader = n
			}
		}
		if leader == nil {
			return fmt.Errorf("no leader among %d peers", len(group))
		}
		for _, n := range group {
			if id, addr := n.Peer.Leader(); id != leader.Config.PeerID || addr == "" {
				return fmt.Errorf("%s sees leader %q at %q, want %s", n.Config.PeerID, id, addr, leader.Config.PeerID)
			}
		}
		return nil
	})
	return leader
}

// Leader returns the live leader or nil.
func (c *Cluster) Leader() *Node {
	for _, n := range c.Live() {
		if n.Peer.IsLeader() {
			return n
		}
	}
	return nil
}

// Followers returns the live nodes that do not lead.
func (c *Cluster) Followers() []*Node {
	var out []*Node
	for _, n := range c.Live() {
		if !n.Peer.IsLeader() {
			out = append(out, n)
		}
	}
	return out
}

// EnsureSame waits until every live node applied the highest applied index
// among them and all FSM digests are equal. End every cluster test with it.
func (c *Cluster) EnsureSame(t testing.TB) {
	t.Helper()
	live := c.Live()
	var top uint64
	for _, n := range live {
		top = max(top, n.Peer.AppliedIndex())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, n := range live {
		if err := n.Peer.WaitApplied(ctx, top); err != nil {
			t.Fatalf("%s did not apply index %d: %v", n.Config.PeerID, top, err)
		}
	}
	WaitFor(t, 10*time.Second, func() error {
		want := live[0].FSM.Digest()
		for _, n := range live[1:] {
			if got := n.FSM.Digest(); got != want {
				return fmt.Errorf("fsm digest of %s is %s, %s has %s", n.Config.PeerID, got, live[0].Config.PeerID, want)
			}
		}
		return nil
	})
}

// WaitForVoters waits until the leader's raft configuration has exactly the
// given voter ids.
func (c *Cluster) WaitForVoters(t testing.TB, timeout time.Duration, ids ...string) {
	t.Helper()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	WaitFor(t, timeout, func() error {
		l := c.Leader()
		if l == nil {
			return fmt.Errorf("no leader")
		}
		servers, err := l.Peer.Servers()
		if err != nil {
			return err
		}
		got := map[string]bool{}
		for _, s := range servers {
			if s.Voter {
				got[s.ID] = true
			}
		}
		if len(got) != len(want) {
			return fmt.Errorf("voters %v, want %v", got, ids)
		}
		for id := range want {
			if !got[id] {
				return fmt.Errorf("voters %v, want %v", got, ids)
			}
		}
		return nil
	})
}
