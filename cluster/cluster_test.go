package cluster_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"

	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/cluster/clustertest"
)

const leaderWait = 10 * time.Second

func apply(t *testing.T, n *clustertest.Node, key, value string) cluster.Applied {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, err := n.Peer.Apply(ctx, clustertest.Set(key, value))
	if err != nil {
		t.Fatalf("apply %s=%s on %s: %v", key, value, n.Config.PeerID, err)
	}
	return a
}

func waitApplied(t *testing.T, n *clustertest.Node, index uint64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.Peer.WaitApplied(ctx, index); err != nil {
		t.Fatalf("%s: %v", n.Config.PeerID, err)
	}
}

func TestCommandProposedOnFollowerCommitsEverywhere(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	follower := c.Followers()[0]
	a := apply(t, follower, "color", "blue")
	var res clustertest.KVResult
	if err := json.Unmarshal(a.Response, &res); err != nil || res.Value != "blue" || a.Index == 0 {
		t.Fatalf("applied %+v (%s), %v", a, a.Response, err)
	}
	for _, n := range c.Live() {
		waitApplied(t, n, a.Index)
		if v, _ := n.KV().Get("color"); v != "blue" {
			t.Fatalf("%s reads color=%q after WaitApplied", n.Config.PeerID, v)
		}
	}
	again := apply(t, c.Followers()[1], "color", "blue")
	if err := json.Unmarshal(again.Response, &res); err != nil || !res.Duplicate {
		t.Fatalf("a retried command was applied twice: %s", again.Response)
	}
	c.EnsureSame(t)
}

func TestWritesFlowAfterLeaderIsKilled(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	old := c.WaitForLeader(t, leaderWait)
	apply(t, c.Followers()[0], "a", "1")
	c.Kill(old.Index)
	leader := c.WaitForLeader(t, leaderWait)
	if leader.Config.PeerID == old.Config.PeerID {
		t.Fatal("killed leader still leads")
	}
	for i, n := range c.Live() {
		apply(t, n, fmt.Sprintf("after-%d", i), "x")
	}
	c.Restart(old.Index)
	c.WaitForLeader(t, leaderWait)
	apply(t, c.Node(old.Index), "b", "2")
	c.EnsureSame(t)
}

func TestRestartedPeerCatchesUpFromSnapshot(t *testing.T) {
	c := clustertest.MakeCluster(t, 3, clustertest.WithConfig(func(cfg *cluster.Config) {
		cfg.SnapshotThreshold = 16
		cfg.TrailingLogs = 4
		cfg.SnapshotInterval = 20 * time.Millisecond
	}))
	c.WaitForLeader(t, leaderWait)
	lagger := c.Followers()[0]
	apply(t, c.Leader(), "first", "1")
	c.EnsureSame(t)
	behind := lagger.Peer.Stats().LastLogIndex
	c.Stop(lagger.Index)
	leader := c.WaitForLeader(t, leaderWait)
	for i := range 60 {
		apply(t, leader, fmt.Sprintf("k%d", i), "v")
	}
	clustertest.WaitFor(t, 10*time.Second, func() error {
		// The leader's log now starts after what the lagger has: it can only
		// catch up by installing a snapshot.
		if s := leader.Peer.Stats(); s.LastSnapshotIndex <= behind+4+1 {
			return fmt.Errorf("leader snapshot at %d, lagger has %d", s.LastSnapshotIndex, behind)
		}
		return nil
	})
	last := apply(t, leader, "last", "1")
	back := c.Restart(lagger.Index)
	waitApplied(t, back, last.Index)
	if n := back.KV().Len(); n != 62 {
		t.Fatalf("restarted peer has %d keys, want 62", n)
	}
	c.EnsureSame(t)
}

func TestPeerJoinsThroughGossipAndLeavesGracefully(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	fourth := c.AddPeer()
	c.WaitForVoters(t, leaderWait, "peer0", "peer1", "peer2", "peer3")
	a := apply(t, fourth, "via", "fourth")
	waitApplied(t, fourth, a.Index)
	c.EnsureSame(t)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := fourth.Peer.Leave(ctx); err != nil {
		t.Fatalf("leave: %v", err)
	}
	c.Stop(fourth.Index)
	c.WaitForVoters(t, leaderWait, "peer0", "peer1", "peer2")
	apply(t, c.Live()[0], "after", "leave")
	c.EnsureSame(t)
}

func TestLeaderLeavesGracefully(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	leader := c.WaitForLeader(t, leaderWait)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := leader.Peer.Leave(ctx); err != nil {
		t.Fatalf("leave: %v", err)
	}
	c.Stop(leader.Index)
	next := c.WaitForLeader(t, leaderWait)
	var ids []string
	for _, n := range c.Live() {
		ids = append(ids, n.Config.PeerID)
	}
	c.WaitForVoters(t, leaderWait, ids...)
	apply(t, next, "after", "leave")
	c.EnsureSame(t)
}

func TestOperatorRemovesDeadPeerFromFollower(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	dead := c.Followers()[0]
	c.Kill(dead.Index)
	var asker *clustertest.Node
	for _, n := range c.Followers() {
		asker = n
	}
	if asker == nil {
		t.Fatal("no live follower")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := asker.Peer.RemovePeer(ctx, dead.Config.PeerID); err != nil {
		t.Fatalf("remove: %v", err)
	}
	var ids []string
	for _, n := range c.Live() {
		ids = append(ids, n.Config.PeerID)
	}
	c.WaitForVoters(t, leaderWait, ids...)
	if err := asker.Peer.RemovePeer(ctx, "nobody"); !errors.Is(err, cluster.ErrUnknownPeer) {
		t.Fatalf("removing an unknown peer = %v, want ErrUnknownPeer", err)
	}
	apply(t, asker, "k", "v")
	c.EnsureSame(t)
}

func TestApplyFailsWithNoLeaderAfterHoldWhenQuorumIsLost(t *testing.T) {
	c := clustertest.MakeCluster(t, 3, clustertest.WithConfig(func(cfg *cluster.Config) {
		cfg.HoldTimeout = time.Second
	}))
	apply(t, c.WaitForLeader(t, leaderWait), "before", "1")
	survivor := c.Live()[2]
	c.Kill(0)
	c.Kill(1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := survivor.Peer.Apply(ctx, clustertest.Set("lost", "1"))
	if !errors.Is(err, cluster.ErrNoLeader) {
		t.Fatalf("apply without quorum = %v, want ErrNoLeader", err)
	}
	c.Restart(0)
	c.Restart(1)
	c.WaitForLeader(t, leaderWait)
	apply(t, survivor, "after", "1")
	c.EnsureSame(t)
}

func TestInternalRouteRequiresClusterKeyAndNeverForwards(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	follower := c.Followers()[0]
	post := func(key string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, "http://"+follower.Config.HTTPAddr+cluster.ApplyPath,
			strings.NewReader(string(clustertest.Set("x", "y"))))
		if key != "" {
			req.Header.Set(cluster.ClusterKeyHeader, key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct{ Code string }
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.Code
	}
	if status, code := post(""); status != http.StatusUnauthorized || code != "unauthorized" {
		t.Fatalf("no key: %d %s", status, code)
	}
	if status, code := post("wrong"); status != http.StatusUnauthorized {
		t.Fatalf("wrong key: %d %s", status, code)
	}
	if status, code := post(follower.Config.ClusterKey); status != http.StatusServiceUnavailable || code != "not_leader" {
		t.Fatalf("follower with key: %d %s, want 503 not_leader", status, code)
	}
	if _, ok := follower.KV().Get("x"); ok {
		t.Fatal("the follower forwarded a forwarded command")
	}
	c.EnsureSame(t)
}

func TestMetricsExposeRaftStateAndForwards(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	follower := c.Followers()[0]
	apply(t, follower, "m", "1")
	families, err := follower.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			v := m.GetGauge().GetValue() + m.GetCounter().GetValue()
			seen[f.GetName()] += v
		}
	}
	for _, name := range []string{"miroir_raft_state", "miroir_raft_term", "miroir_raft_commit_index",
		"miroir_raft_applied_index", "miroir_raft_last_contact_seconds", "miroir_raft_leader",
		"miroir_cluster_forwarded_commands_total", "miroir_cluster_apply_duration_seconds"} {
		if _, ok := seen[name]; !ok {
			t.Errorf("metric %s missing", name)
		}
	}
	if seen["miroir_cluster_forwarded_commands_total"] < 1 {
		t.Errorf("forwarded commands not counted")
	}
	c.EnsureSame(t)
}

func TestWholeClusterRestartKeepsStateWithoutBootstrappingAgain(t *testing.T) {
	c := clustertest.MakeCluster(t, 3, clustertest.WithConfig(func(cfg *cluster.Config) {
		cfg.GossipEncrypt = true // and gossip works encrypted with the cluster key
	}))
	leader := c.WaitForLeader(t, leaderWait)
	a := apply(t, leader, "kept", "yes")
	c.EnsureSame(t)
	term := leader.Peer.Stats().Term
	for i := range 3 {
		c.Stop(i)
	}
	for i := range 3 {
		c.Restart(i)
	}
	leader = c.WaitForLeader(t, leaderWait)
	s := leader.Peer.Stats()
	if s.Term <= term || len(s.Servers) != 3 {
		t.Fatalf("after restart: term %d (was %d), servers %+v", s.Term, term, s.Servers)
	}
	for _, n := range c.Live() {
		waitApplied(t, n, a.Index)
		if v, _ := n.KV().Get("kept"); v != "yes" {
			t.Fatalf("%s lost kept=yes", n.Config.PeerID)
		}
	}
	members := leader.Peer.Members()
	alive := 0
	for _, m := range members {
		if m.Status == cluster.MemberAlive && m.Meta.HTTPAddr != "" && m.Meta.RaftAddr != "" {
			alive++
		}
	}
	if alive != 3 {
		t.Fatalf("members %+v, want 3 alive with addresses", members)
	}
	c.EnsureSame(t)
}

func TestApplyHonoursCallerDeadlineWhileHolding(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	survivor := c.Live()[0]
	c.Kill(1)
	c.Kill(2)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := survivor.Peer.Apply(ctx, clustertest.Set("k", "v"))
	if !errors.Is(err, cluster.ErrTimeout) {
		t.Fatalf("apply past the caller's deadline = %v, want ErrTimeout", err)
	}
	c.Restart(1)
	c.Restart(2)
	c.WaitForLeader(t, leaderWait)
	c.EnsureSame(t)
}

func TestOperatorJoinContactsGossipAddresses(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	n := c.Node(2)
	got, err := n.Peer.Join(context.Background(), []string{c.Node(0).Peer.GossipAddr(), c.Node(1).Peer.GossipAddr()})
	if err != nil || got != 2 {
		t.Fatalf("join = %d, %v; want 2 contacted", got, err)
	}
	if _, err := n.Peer.Join(context.Background(), nil); err == nil {
		t.Fatal("joining no address succeeded")
	}
	c.EnsureSame(t)
}

func TestTransportHooksWrapRaftAndGossip(t *testing.T) {
	var streams, transports atomic.Int32
	c := clustertest.MakeCluster(t, 3, clustertest.WithConfig(func(cfg *cluster.Config) {
		cfg.WrapStreamLayer = func(s raft.StreamLayer) raft.StreamLayer {
			streams.Add(1)
			return s
		}
		cfg.WrapTransport = func(tr memberlist.NodeAwareTransport) memberlist.NodeAwareTransport {
			transports.Add(1)
			return tr
		}
	}))
	apply(t, c.WaitForLeader(t, leaderWait), "wrapped", "1")
	if streams.Load() != 3 || transports.Load() != 3 {
		t.Fatalf("wrapped %d stream layers and %d gossip transports, want 3 each", streams.Load(), transports.Load())
	}
	c.EnsureSame(t)
}

func counter(t *testing.T, n *clustertest.Node, name string) float64 {
	t.Helper()
	families, err := n.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == name {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return 0
}

func TestFailedPeerStaysVoter(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	dead := c.Followers()[0]
	c.Kill(dead.Index)
	clustertest.WaitFor(t, leaderWait, func() error {
		for _, n := range c.Live() {
			if !slices.ContainsFunc(n.Peer.Members(), func(m cluster.Member) bool {
				return m.Name == dead.Config.PeerID && m.Status == cluster.MemberDead
			}) {
				return fmt.Errorf("%s does not see %s dead yet", n.Config.PeerID, dead.Config.PeerID)
			}
		}
		return nil
	})
	// Two full reconcile passes (by whichever peer leads) after every live
	// peer saw the failure.
	passes := func() float64 {
		sum := 0.0
		for _, n := range c.Live() {
			sum += counter(t, n, "miroir_cluster_reconciles_total")
		}
		return sum
	}
	seen := passes()
	clustertest.WaitFor(t, leaderWait, func() error {
		if got := passes(); got < seen+2 {
			return fmt.Errorf("%v reconcile passes since the failure", got-seen)
		}
		return nil
	})
	c.WaitForVoters(t, leaderWait, "peer0", "peer1", "peer2")
	back := c.Restart(dead.Index)
	apply(t, back, "back", "1")
	c.EnsureSame(t)
}

func TestIsolatedLeaderIsReplacedAndCatchesUpAfterHeal(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	old := c.WaitForLeader(t, leaderWait)
	apply(t, old, "before", "1")
	var rest []int
	for _, n := range c.Live() {
		if n != old {
			rest = append(rest, n.Index)
		}
	}
	c.Disconnect(old.Index)
	c.WaitForLeaderAmong(t, leaderWait, rest...)
	a := apply(t, c.Node(rest[0]), "during", "1")
	clustertest.WaitFor(t, leaderWait, func() error {
		if old.Peer.IsLeader() {
			return fmt.Errorf("isolated %s still believes it leads", old.Config.PeerID)
		}
		return nil
	})
	if v, ok := old.KV().Get("during"); ok {
		t.Fatalf("the isolated peer applied a write of the majority: %q", v)
	}
	c.Heal()
	waitApplied(t, old, a.Index)
	apply(t, old, "after", "1") // forwarded to the new leader
	c.WaitForVoters(t, leaderWait, "peer0", "peer1", "peer2")
	c.EnsureSame(t)
}

func TestLatePeerWithBootstrapExpectJoinsInsteadOfBootstrapping(t *testing.T) {
	c := clustertest.MakeCluster(t, 3)
	c.WaitForLeader(t, leaderWait)
	late := c.AddPeer(func(cfg *cluster.Config) { cfg.BootstrapExpect = 3 })
	c.WaitForVoters(t, leaderWait, "peer0", "peer1", "peer2", "peer3")
	a := apply(t, late, "late", "1")
	for _, n := range c.Live() {
		waitApplied(t, n, a.Index)
	}
	c.EnsureSame(t)
}
