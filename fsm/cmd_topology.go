package fsm

import (
	"time"

	"github.com/miroir-search/miroir/store"
)

// Noop changes nothing (but its request id is remembered).
type Noop struct {
	Meta
}

func (Noop) Type() CommandType                          { return CmdNoop }
func (Noop) apply(*store.State, time.Time) (any, error) { return nil, nil }

// PutPeer adds a peer or updates its addresses. Result: store.Peer.
type PutPeer struct {
	Meta
	Peer store.Peer `json:"peer"`
}

func (PutPeer) Type() CommandType { return CmdPutPeer }
func (c PutPeer) apply(s *store.State, _ time.Time) (any, error) {
	return c.Peer, s.PutPeer(c.Peer)
}

// RemovePeer deletes a peer. Result: none.
type RemovePeer struct {
	Meta
	ID string `json:"id"`
}

func (RemovePeer) Type() CommandType { return CmdRemovePeer }
func (c RemovePeer) apply(s *store.State, _ time.Time) (any, error) {
	return nil, s.RemovePeer(c.ID)
}

// AddGroup creates a replica group. Result: store.Group.
type AddGroup struct {
	Meta
	Group store.Group `json:"group"` // ID, RF, and State (initializing or active)
}

func (AddGroup) Type() CommandType { return CmdAddGroup }
func (c AddGroup) apply(s *store.State, at time.Time) (any, error) {
	if err := s.AddGroup(c.Group, at); err != nil {
		return nil, err
	}
	g, _ := s.Group(c.Group.ID)
	return g, nil
}

// SetGroupState moves a replica group to a new state. Result: store.Group.
type SetGroupState struct {
	Meta
	ID    string           `json:"id"`
	State store.GroupState `json:"state"`
}

func (SetGroupState) Type() CommandType { return CmdSetGroupState }
func (c SetGroupState) apply(s *store.State, at time.Time) (any, error) {
	if err := s.SetGroupState(c.ID, c.State, at); err != nil {
		return nil, err
	}
	g, _ := s.Group(c.ID)
	return g, nil
}

// AddNode admits a node. Result: store.Node.
type AddNode struct {
	Meta
	Node store.Node `json:"node"` // ID, Addr, Group, and State (joining or active)
}

func (AddNode) Type() CommandType { return CmdAddNode }
func (c AddNode) apply(s *store.State, at time.Time) (any, error) {
	if err := s.AddNode(c.Node, at); err != nil {
		return nil, err
	}
	n, _ := s.Node(c.Node.ID)
	return n, nil
}

// SetNodeState moves a node along its lifecycle. Result: store.Node.
type SetNodeState struct {
	Meta
	ID    string          `json:"id"`
	State store.NodeState `json:"state"`
}

func (SetNodeState) Type() CommandType { return CmdSetNodeState }
func (c SetNodeState) apply(s *store.State, at time.Time) (any, error) {
	if err := s.SetNodeState(c.ID, c.State, at); err != nil {
		return nil, err
	}
	n, _ := s.Node(c.ID)
	return n, nil
}

// SetNodeAddr changes a node's address. Result: store.Node.
type SetNodeAddr struct {
	Meta
	ID   string `json:"id"`
	Addr string `json:"addr"`
}

func (SetNodeAddr) Type() CommandType { return CmdSetNodeAddr }
func (c SetNodeAddr) apply(s *store.State, _ time.Time) (any, error) {
	if err := s.SetNodeAddr(c.ID, c.Addr); err != nil {
		return nil, err
	}
	n, _ := s.Node(c.ID)
	return n, nil
}
