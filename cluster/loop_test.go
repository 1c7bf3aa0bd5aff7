package cluster

import (
	"testing"
)

func peerWithView(t *testing.T, expect int, members ...Member) *Peer {
	t.Helper()
	c := validConfig()
	c.DataDir = t.TempDir()
	c.BootstrapExpect = expect
	p, err := New(c, stubFSM{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range members {
		p.view.members[m.Name] = m
	}
	return p // p.raft is nil: a bootstrap attempt would panic
}

func member(id string, status MemberStatus, hasState bool) Member {
	return Member{Name: id, Status: status, Meta: Meta{PeerID: id, RaftAddr: id + ":1", HTTPAddr: id + ":2", HasState: hasState}}
}

func TestBootstrapWaitsForExpectedAlivePeers(t *testing.T) {
	p := peerWithView(t, 3, member("p1", MemberAlive, false), member("p2", MemberAlive, false), member("p3", MemberDead, false))
	if p.maybeBootstrap() {
		t.Fatal("settled with 2 alive peers of 3 expected")
	}
}

func TestBootstrapIsAbandonedWhenAVisiblePeerHasState(t *testing.T) {
	p := peerWithView(t, 3, member("p1", MemberAlive, false), member("p2", MemberAlive, true), member("p3", MemberAlive, false))
	if !p.maybeBootstrap() {
		t.Fatal("kept waiting to bootstrap next to a peer with raft state")
	}
}
