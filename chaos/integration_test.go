package chaos

import (
	"fmt"
	"io"
	"log"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
)

// countFSM is the smallest deterministic FSM: it counts applied entries.
type countFSM struct {
	mu sync.Mutex
	n  int
}

func (f *countFSM) Apply(*raft.Log) any { f.mu.Lock(); f.n++; f.mu.Unlock(); return nil }
func (f *countFSM) Snapshot() (raft.FSMSnapshot, error) {
	return nil, fmt.Errorf("no snapshots in this test")
}
func (f *countFSM) Restore(io.ReadCloser) error { return nil }
func (f *countFSM) count() int                  { f.mu.Lock(); defer f.mu.Unlock(); return f.n }

type raftPeer struct {
	name  string
	rules *Rules
	raft  *raft.Raft
	fsm   *countFSM
}

// raftCluster runs three raft peers over loopback TCP, each with its own
// rule table behind a faulty stream layer, as three processes would.
func raftCluster(t *testing.T) []*raftPeer {
	t.Helper()
	layers := []*tcpLayer{newTCPLayer(t), newTCPLayer(t), newTCPLayer(t)}
	peers := map[string][]string{}
	var servers []raft.Server
	for i, l := range layers {
		name := fmt.Sprintf("p%d", i)
		peers[name] = []string{l.Addr().String()}
		servers = append(servers, raft.Server{ID: raft.ServerID(name), Address: raft.ServerAddress(l.Addr().String())})
	}
	var out []*raftPeer
	for i, l := range layers {
		p := &raftPeer{name: fmt.Sprintf("p%d", i), rules: NewRules(), fsm: &countFSM{}}
		if err := p.rules.Set(Table{Self: p.name, Peers: peers}); err != nil {
			t.Fatal(err)
		}
		cfg := raft.DefaultConfig()
		cfg.LocalID = raft.ServerID(p.name)
		cfg.HeartbeatTimeout, cfg.ElectionTimeout = 200*time.Millisecond, 200*time.Millisecond
		cfg.LeaderLeaseTimeout, cfg.CommitTimeout = 200*time.Millisecond, 5*time.Millisecond
		cfg.Logger = nil
		cfg.LogOutput = io.Discard
		trans := raft.NewNetworkTransport(NewFaultyStreamLayer(l, p.rules), 3, time.Second, io.Discard)
		store := raft.NewInmemStore()
		r, err := raft.NewRaft(cfg, p.fsm, store, store, raft.NewInmemSnapshotStore(), trans)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = r.Shutdown().Error() })
		p.raft = r
		out = append(out, p)
	}
	// Every peer bootstraps with the same configuration, so each knows its
	// peers even when a partition comes before the first leader replicated it.
	for _, p := range out {
		if err := p.raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error(); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func leaderOf(peers []*raftPeer) *raftPeer {
	for _, p := range peers {
		if p.raft.State() == raft.Leader {
			return p
		}
	}
	return nil
}

func partitionAll(t *testing.T, peers []*raftPeer, links []Link) {
	t.Helper()
	for _, p := range peers {
		setLinks(t, p.rules, links)
	}
}

func TestIsolatedRaftLeaderIsReplacedAndRejoinsAfterHeal(t *testing.T) {
	peers := raftCluster(t)
	waitFor(t, func() bool { return leaderOf(peers) != nil })
	old := leaderOf(peers)
	var rest []*raftPeer
	var restNames []string
	for _, p := range peers {
		if p != old {
			rest, restNames = append(rest, p), append(restNames, p.name)
		}
	}
	partitionAll(t, peers, Partition([]string{old.name}, restNames))
	waitFor(t, func() bool { return leaderOf(rest) != nil && old.raft.State() != raft.Leader })
	if err := leaderOf(rest).raft.Apply([]byte("x"), time.Second).Error(); err != nil {
		t.Fatalf("majority side cannot commit: %v", err)
	}
	partitionAll(t, peers, nil)
	waitFor(t, func() bool {
		l := leaderOf(peers)
		return l != nil && l.raft.Apply([]byte("y"), time.Second).Error() == nil
	})
	waitFor(t, func() bool {
		return peers[0].fsm.count() == peers[1].fsm.count() && peers[1].fsm.count() == peers[2].fsm.count() && peers[0].fsm.count() >= 2
	})
	if old.rules.Stats().DialsRefused+old.rules.Stats().StreamsCut == 0 {
		t.Fatalf("the partition never touched the old leader's streams: %+v", old.rules.Stats())
	}
}

type gossipPeer struct {
	name  string
	rules *Rules
	ml    *memberlist.Memberlist
}

// gossipCluster runs three memberlists with faulty transports.
func gossipCluster(t *testing.T) []*gossipPeer {
	t.Helper()
	var trans []*memberlist.NetTransport
	peers := map[string][]string{}
	for i := range 3 {
		nt, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
			BindAddrs: []string{"127.0.0.1"}, BindPort: 0, Logger: log.New(io.Discard, "", 0)})
		if err != nil {
			t.Fatal(err)
		}
		trans = append(trans, nt)
		peers[fmt.Sprintf("g%d", i)] = []string{fmt.Sprintf("127.0.0.1:%d", nt.GetAutoBindPort())}
	}
	var out []*gossipPeer
	for i, nt := range trans {
		p := &gossipPeer{name: fmt.Sprintf("g%d", i), rules: NewRules()}
		if err := p.rules.Set(Table{Self: p.name, Peers: peers}); err != nil {
			t.Fatal(err)
		}
		cfg := memberlist.DefaultLocalConfig()
		cfg.Name = p.name
		cfg.BindAddr, cfg.BindPort = "127.0.0.1", nt.GetAutoBindPort()
		cfg.AdvertiseAddr, cfg.AdvertisePort = "127.0.0.1", nt.GetAutoBindPort()
		cfg.Transport = NewFaultyTransport(nt, p.rules)
		cfg.ProbeInterval, cfg.ProbeTimeout = 50*time.Millisecond, 25*time.Millisecond
		cfg.GossipInterval, cfg.SuspicionMult = 20*time.Millisecond, 2
		cfg.GossipToTheDeadTime = time.Minute
		cfg.Logger = log.New(io.Discard, "", 0)
		ml, err := memberlist.Create(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ml.Shutdown() })
		p.ml = ml
		out = append(out, p)
	}
	if _, err := out[1].ml.Join([]string{peers["g0"][0]}); err != nil {
		t.Fatal(err)
	}
	if _, err := out[2].ml.Join([]string{peers["g0"][0]}); err != nil {
		t.Fatal(err)
	}
	return out
}

func alive(ml *memberlist.Memberlist, name string) bool {
	for _, m := range ml.Members() {
		if m.Name == name {
			return m.State == memberlist.StateAlive
		}
	}
	return false
}

func TestGossipDeclaresAnIsolatedPeerDeadAndRevivesItAfterHeal(t *testing.T) {
	ps := gossipCluster(t)
	waitFor(t, func() bool { return ps[0].ml.NumMembers() == 3 && ps[2].ml.NumMembers() == 3 })
	links := Partition([]string{"g2"}, []string{"g0", "g1"})
	for _, p := range ps {
		setLinks(t, p.rules, links)
	}
	waitFor(t, func() bool { return !alive(ps[0].ml, "g2") && !alive(ps[1].ml, "g2") })
	if ps[2].rules.Stats().PacketsDropped == 0 {
		t.Fatalf("no packet dropped: %+v", ps[2].rules.Stats())
	}
	for _, p := range ps {
		setLinks(t, p.rules, nil)
	}
	waitFor(t, func() bool { return alive(ps[0].ml, "g2") && alive(ps[1].ml, "g2") })
}
