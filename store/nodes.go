package store

import "time"

// NodeState is the lifecycle state of a node, decided by the leader.
type NodeState string

const (
	NodeJoining  NodeState = "joining"  // admitted, receives no reads; a migration target
	NodeActive   NodeState = "active"   // owns shards by placement
	NodeDraining NodeState = "draining" // still owns its shards until moves cut over
	NodeFailed   NodeState = "failed"   // declared failed by the leader; keeps ownership
	// NodeRecovering: the node may have missed acknowledged writes (it was
	// failed, or a write to it failed while the write succeeded elsewhere).
	// It keeps ownership and receives writes but serves no reads until the
	// leader's repair has made it equal to a healthy replica.
	NodeRecovering NodeState = "recovering"
	NodeRemoved    NodeState = "removed" // gone for good; the id is never reused
)

// nodeTransitions lists the allowed state changes (read-only). Beyond the main line
// joining -> active -> draining -> removed and active <-> failed, it allows
// aborting a join (joining -> removed), cancelling a drain (draining ->
// active) and draining a failed node (failed -> draining). Repair adds
// failed -> recovering (the node answers again), active -> recovering (a
// write to it failed), recovering -> active (repaired), recovering ->
// failed (it stopped answering during repair) and recovering -> draining.
var nodeTransitions = map[NodeState][]NodeState{
	NodeJoining:    {NodeActive, NodeRemoved},
	NodeActive:     {NodeDraining, NodeFailed, NodeRecovering},
	NodeFailed:     {NodeActive, NodeDraining, NodeRecovering},
	NodeRecovering: {NodeActive, NodeFailed, NodeDraining},
	NodeDraining:   {NodeRemoved, NodeActive},
	NodeRemoved:    nil,
}

// CanTransition reports whether a node may go from one state to another.
// Staying in the same state is not a transition (the mutator accepts it as
// a no-op), so it reports false.
func CanTransition(from, to NodeState) bool {
	for _, s := range nodeTransitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Node is one search node (Meilisearch or engine).
type Node struct {
	ID        string    `json:"id"`
	Addr      string    `json:"addr"` // base URL of its HTTP API
	Group     string    `json:"group"`
	State     NodeState `json:"state"`
	CreatedAt time.Time `json:"createdAt"`
	ChangedAt time.Time `json:"changedAt"` // last state change
}

// AddNode admits a node in state joining (or active, for nodes present at
// bootstrap). Ids are never reused: a removed node keeps its id.
func (s *State) AddNode(n Node, at time.Time) error {
	if n.ID == "" || n.Addr == "" {
		return errorf(ErrInvalid, "a node needs an id and an address")
	}
	if _, ok := s.nodes[n.ID]; ok {
		return errorf(ErrNodeExists, "Node `%s` already exists; node ids are never reused.", n.ID)
	}
	if _, ok := s.groups[n.Group]; !ok {
		return errorf(ErrGroupNotFound, "Replica group `%s` not found.", n.Group)
	}
	if n.State == "" {
		n.State = NodeJoining
	}
	if n.State != NodeJoining && n.State != NodeActive {
		return errorf(ErrInvalidNodeState, "A node starts `joining` or `active`, not `%s`.", n.State)
	}
	n.CreatedAt, n.ChangedAt = utc(at), utc(at)
	s.nodes[n.ID] = n
	return nil
}

// SetNodeState moves a node to a new state. Setting the current state is
// a no-op, so a repeated leader decision is harmless.
func (s *State) SetNodeState(id string, to NodeState, at time.Time) error {
	n, ok := s.nodes[id]
	if !ok {
		return errorf(ErrNodeNotFound, "Node `%s` not found.", id)
	}
	if n.State == to {
		return nil
	}
	if !CanTransition(n.State, to) {
		return errorf(ErrInvalidNodeState, "Node `%s` cannot go from `%s` to `%s`.", id, n.State, to)
	}
	n.State, n.ChangedAt = to, utc(at)
	s.nodes[id] = n
	return nil
}

// SetNodeAddr changes the address of a node (a node restarted elsewhere).
func (s *State) SetNodeAddr(id, addr string) error {
	n, ok := s.nodes[id]
	if !ok {
		return errorf(ErrNodeNotFound, "Node `%s` not found.", id)
	}
	if addr == "" {
		return errorf(ErrInvalid, "a node needs an address")
	}
	n.Addr = addr
	s.nodes[id] = n
	return nil
}

// Node returns one node, including removed ones.
func (s *State) Node(id string) (Node, bool) {
	n, ok := s.nodes[id]
	return n, ok
}

// Nodes returns every node (removed ones too), sorted by id.
func (s *State) Nodes() []Node { return sortedValues(s.nodes) }

// GroupNodes returns the nodes of a group in the given states (all states
// when none are given), sorted by id. A filter that admits NodeFailed also
// admits NodeRecovering: a recovering node holds its data like a failed
// one (so Owners keeps it) and, like a failed one, is no placement target
// (TargetOwners leaves it out), so a repair never moves a shard.
func (s *State) GroupNodes(group string, states ...NodeState) []Node {
	var out []Node
	for _, n := range s.Nodes() {
		if n.Group == group && (len(states) == 0 || hasState(states, n.State)) {
			out = append(out, n)
		}
	}
	return out
}

func hasState(states []NodeState, s NodeState) bool {
	for _, x := range states {
		if x == s {
			return true
		}
	}
	return false
}
