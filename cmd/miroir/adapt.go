package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/proxy"
	"github.com/miroir-search/miroir/store"
)

// consensus adapts *cluster.Peer to admin.Consensus, translating the
// cluster's sentinels to admin's so admin's error handler maps them.
type consensus struct{ p *cluster.Peer }

var _ admin.Consensus = consensus{}

func (c consensus) Apply(ctx context.Context, cmd []byte) (admin.Applied, error) {
	a, err := c.p.Apply(ctx, cmd)
	if err != nil {
		return admin.Applied{}, clusterErr(err)
	}
	return admin.Applied{Index: a.Index, Response: a.Response}, nil
}

func (c consensus) WaitApplied(ctx context.Context, index uint64) error {
	return clusterErr(c.p.WaitApplied(ctx, index))
}

func (c consensus) RemovePeer(ctx context.Context, id string) error {
	return clusterErr(c.p.RemovePeer(ctx, id))
}

func (c consensus) Handler() http.Handler { return c.p.Handler() }

func (c consensus) Status() admin.Status {
	st := c.p.Stats()
	out := admin.Status{
		ID: st.PeerID, State: st.State, Term: st.Term,
		CommitIndex: st.CommitIndex, AppliedIndex: st.AppliedIndex, LastLogIndex: st.LastLogIndex,
		Leader:  admin.PeerRef{ID: st.LeaderID},
		Servers: []admin.RaftServer{}, Members: []admin.Member{},
	}
	if st.LastContact > 0 {
		out.LastContact = st.LastContact.String()
	}
	for _, s := range st.Servers {
		out.Servers = append(out.Servers, admin.RaftServer{ID: s.ID, Address: s.RaftAddr, Suffrage: s.Suffrage})
		if s.ID == st.LeaderID {
			out.Leader.Address = s.RaftAddr
		}
	}
	for _, m := range c.p.Members() {
		out.Members = append(out.Members, admin.Member{ID: m.Meta.PeerID, Address: m.GossipAddr,
			RaftAddr: m.Meta.RaftAddr, HTTPAddr: m.Meta.HTTPAddr, Status: string(m.Status)})
	}
	return out
}

// ReadBarrier implements admin.ReadBarrierer with the cluster's ReadIndex.
func (c consensus) ReadBarrier(ctx context.Context) error {
	return clusterErr(c.p.ReadBarrier(ctx))
}

var _ admin.ReadBarrierer = consensus{}

// proxyState is the proxy's view of the local state: the FSM, plus the
// cluster's read barrier (proxy.ReadBarrier, for metadata reads) and read
// index (proxy.CommitIndexer, which task reads catch up with), so a peer
// that lags the leader or just restarted answers current metadata.
type proxyState struct {
	*fsm.FSM
	cl *cluster.Peer
}

var (
	_ proxy.ReadBarrier   = proxyState{}
	_ proxy.CommitIndexer = proxyState{}
)

// commitIndexWait bounds the leader round trip of CommitIndex; past it
// task reads catch up with the commit index this peer knows.
const commitIndexWait = time.Second

// CommitIndex is the leader's read index (so a task read on a follower is
// never behind what the leader already answered), or this peer's own
// commit index when no leader answers within commitIndexWait. Neither
// counts raft entries the FSM never applies.
func (s proxyState) CommitIndex() uint64 {
	ctx, cancel := context.WithTimeout(context.Background(), commitIndexWait)
	defer cancel()
	if idx, err := s.cl.ReadIndex(ctx); err == nil {
		return idx
	}
	return s.cl.CommitIndex()
}

// ReadBarrier implements proxy.ReadBarrier; errors are *meili.Error.
func (s proxyState) ReadBarrier(ctx context.Context) error {
	if err := s.cl.ReadBarrier(ctx); err != nil {
		return admin.ErrorToMeili(clusterErr(err))
	}
	return nil
}

// clusterErr wraps cluster errors with admin's sentinels (keeping both in
// the chain for logs and errors.Is).
func clusterErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, cluster.ErrNoLeader), errors.Is(err, cluster.ErrClosed):
		return fmt.Errorf("%w: %w", admin.ErrNoLeader, err)
	case errors.Is(err, cluster.ErrTimeout), errors.Is(err, cluster.ErrLeadershipLost):
		return fmt.Errorf("%w: %w", admin.ErrTimeout, err)
	case errors.Is(err, cluster.ErrUnknownPeer):
		return fmt.Errorf("%w: %w", admin.ErrPeerNotFound, err)
	}
	return err
}

// fsmState adapts *fsm.FSM to admin.State.
type fsmState struct{ f *fsm.FSM }

var _ admin.State = fsmState{}

func (s fsmState) Digest() string       { return s.f.Digest() }
func (s fsmState) AppliedIndex() uint64 { return s.f.AppliedIndex() }

func (s fsmState) Nodes() []admin.Node {
	var out []admin.Node
	s.f.Read(func(st *store.State) {
		for _, n := range st.Nodes() {
			out = append(out, nodeView(n))
		}
	})
	return out
}

func (s fsmState) Node(id string) (admin.Node, bool) {
	var n store.Node
	var ok bool
	s.f.Read(func(st *store.State) { n, ok = st.Node(id) })
	return nodeView(n), ok
}

func (s fsmState) HasGroup(id string) bool {
	var ok bool
	s.f.Read(func(st *store.State) { _, ok = st.Group(id) })
	return ok
}

func nodeView(n store.Node) admin.Node {
	return admin.Node{ID: n.ID, Address: n.Addr, Group: n.Group, State: admin.NodeState(n.State), Since: n.ChangedAt}
}

// commands implements admin.Commands with the fsm encoding.
type commands struct{}

var _ admin.Commands = commands{}

func fsmMeta(m admin.Meta) fsm.Meta { return fsm.Meta{RequestID: m.RequestID, Time: m.Time} }

func (commands) AddGroup(m admin.Meta, id string, rf int) ([]byte, error) {
	return fsm.Encode(fsm.CmdAddGroup, fsm.AddGroup{Meta: fsmMeta(m),
		Group: store.Group{ID: id, RF: rf, State: store.GroupActive}})
}

func (commands) Barrier(m admin.Meta) ([]byte, error) {
	return fsm.Encode(fsm.CmdNoop, fsm.Noop{Meta: fsmMeta(m)})
}

func (commands) RegisterNode(m admin.Meta, n admin.NodeSpec) ([]byte, error) {
	return fsm.Encode(fsm.CmdAddNode, fsm.AddNode{Meta: fsmMeta(m),
		Node: store.Node{ID: n.ID, Addr: strings.TrimRight(n.Address, "/"), Group: n.Group, State: store.NodeJoining}})
}

func (commands) SetNodeState(m admin.Meta, id string, to admin.NodeState) ([]byte, error) {
	return fsm.Encode(fsm.CmdSetNodeState, fsm.SetNodeState{Meta: fsmMeta(m), ID: id, State: store.NodeState(to)})
}

// Leave implements admin.Leaver.
func (c consensus) Leave(ctx context.Context) error { return clusterErr(c.p.Leave(ctx)) }

var _ admin.Leaver = consensus{}

// Join implements admin.Joiner.
func (c consensus) Join(ctx context.Context, addrs []string) (int, error) {
	n, err := c.p.Join(ctx, addrs)
	return n, clusterErr(err)
}

var _ admin.Joiner = consensus{}
