package store

import (
	"errors"
	"slices"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newTestState(t *testing.T) *State {
	t.Helper()
	s := New()
	if err := s.AddGroup(Group{ID: "g1", RF: 2, State: GroupActive}, t0); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNodeStateTransitionsFollowTheLifecycle(t *testing.T) {
	all := []NodeState{NodeJoining, NodeActive, NodeDraining, NodeFailed, NodeRecovering, NodeRemoved}
	allowed := map[[2]NodeState]bool{
		{NodeJoining, NodeActive}: true, {NodeJoining, NodeRemoved}: true,
		{NodeActive, NodeDraining}: true, {NodeActive, NodeFailed}: true,
		{NodeFailed, NodeActive}: true, {NodeFailed, NodeDraining}: true,
		{NodeDraining, NodeRemoved}: true, {NodeDraining, NodeActive}: true,
		{NodeActive, NodeRecovering}: true, {NodeFailed, NodeRecovering}: true,
		{NodeRecovering, NodeActive}: true, {NodeRecovering, NodeFailed}: true,
		{NodeRecovering, NodeDraining}: true,
	}
	for _, from := range all {
		for _, to := range all {
			want := allowed[[2]NodeState{from, to}]
			if got := CanTransition(from, to); got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
	}
}

func TestSetNodeStateRejectsInvalidTransitionsAndKeepsState(t *testing.T) {
	tests := []struct {
		name  string
		path  []NodeState // transitions applied in order before the last
		to    NodeState
		err   error
		final NodeState
	}{
		{"join then activate", nil, NodeActive, nil, NodeActive},
		{"joining cannot fail", nil, NodeFailed, ErrInvalidNodeState, NodeJoining},
		{"joining cannot drain", nil, NodeDraining, ErrInvalidNodeState, NodeJoining},
		{"active fails", []NodeState{NodeActive}, NodeFailed, nil, NodeFailed},
		{"failed recovers", []NodeState{NodeActive, NodeFailed}, NodeActive, nil, NodeActive},
		{"active cannot be removed directly", []NodeState{NodeActive}, NodeRemoved, ErrInvalidNodeState, NodeActive},
		{"drained node is removed", []NodeState{NodeActive, NodeDraining}, NodeRemoved, nil, NodeRemoved},
		{"removed is final", []NodeState{NodeActive, NodeDraining, NodeRemoved}, NodeActive, ErrInvalidNodeState, NodeRemoved},
		{"same state is a no-op", []NodeState{NodeActive}, NodeActive, nil, NodeActive},
		{"unknown state", nil, NodeState("zombie"), ErrInvalidNodeState, NodeJoining},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestState(t)
			if err := s.AddNode(Node{ID: "n1", Addr: "http://a", Group: "g1"}, t0); err != nil {
				t.Fatal(err)
			}
			for _, st := range tc.path {
				if err := s.SetNodeState("n1", st, t0); err != nil {
					t.Fatal(err)
				}
			}
			err := s.SetNodeState("n1", tc.to, t0.Add(time.Hour))
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if n, _ := s.Node("n1"); n.State != tc.final {
				t.Fatalf("state = %s, want %s", n.State, tc.final)
			}
		})
	}
}

func TestNodeIDsAreNeverReused(t *testing.T) {
	s := newTestState(t)
	n := Node{ID: "n1", Addr: "http://a", Group: "g1", State: NodeActive}
	if err := s.AddNode(n, t0); err != nil {
		t.Fatal(err)
	}
	for _, st := range []NodeState{NodeDraining, NodeRemoved} {
		if err := s.SetNodeState("n1", st, t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddNode(n, t0); !errors.Is(err, ErrNodeExists) {
		t.Fatalf("re-adding a removed node: err = %v, want ErrNodeExists", err)
	}
}

func TestAddNodeNeedsAnExistingGroupAndAStartState(t *testing.T) {
	s := newTestState(t)
	if err := s.AddNode(Node{ID: "n1", Addr: "x", Group: "nope"}, t0); !errors.Is(err, ErrGroupNotFound) {
		t.Fatalf("err = %v, want ErrGroupNotFound", err)
	}
	if err := s.AddNode(Node{ID: "n1", Addr: "x", Group: "g1", State: NodeDraining}, t0); !errors.Is(err, ErrInvalidNodeState) {
		t.Fatalf("err = %v, want ErrInvalidNodeState", err)
	}
	if err := s.SetNodeState("ghost", NodeActive, t0); !errors.Is(err, ErrNodeNotFound) {
		t.Fatalf("err = %v, want ErrNodeNotFound", err)
	}
}

func TestGroupStateTransitions(t *testing.T) {
	s := New()
	if err := s.AddGroup(Group{ID: "g", RF: 4}, t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("RF 4: err = %v", err)
	}
	if err := s.AddGroup(Group{ID: "g", RF: 1}, t0); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.Group("g"); g.State != GroupInitializing {
		t.Fatalf("new group state = %s", g.State)
	}
	if err := s.AddGroup(Group{ID: "g", RF: 1}, t0); !errors.Is(err, ErrGroupExists) {
		t.Fatalf("err = %v", err)
	}
	if err := s.SetGroupState("g", GroupActive, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetGroupState("g", GroupInitializing, t0); !errors.Is(err, ErrInvalidGroupState) {
		t.Fatalf("err = %v", err)
	}
}

func TestRecoveringNodeKeepsItsShardsButIsNoPlacementTarget(t *testing.T) {
	s := New()
	if err := s.AddGroup(Group{ID: "g1", RF: 2, State: GroupActive}, t0); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"n1", "n2", "n3"} {
		if err := s.AddNode(Node{ID: id, Addr: "http://" + id, Group: "g1", State: NodeActive}, t0); err != nil {
			t.Fatal(err)
		}
	}
	before := map[int][]string{}
	for shard := range 16 {
		before[shard] = s.Owners("i", shard, "g1")
	}
	if err := s.SetNodeState("n2", NodeRecovering, t0); err != nil {
		t.Fatal(err)
	}
	moved := false
	for shard := range 16 {
		if got := s.Owners("i", shard, "g1"); !slices.Equal(got, before[shard]) {
			t.Fatalf("shard %d: owners %v while n2 recovers, want %v", shard, got, before[shard])
		}
		if slices.Contains(s.TargetOwners("i", shard, "g1"), "n2") {
			t.Fatalf("shard %d: recovering n2 is a placement target", shard)
		}
		moved = moved || slices.Contains(before[shard], "n2")
	}
	if !moved {
		t.Fatal("n2 owns no shard; the test proves nothing")
	}
	if err := s.SetNodeState("n2", NodeActive, t0); err != nil {
		t.Fatalf("recovering -> active: %v", err)
	}
}
