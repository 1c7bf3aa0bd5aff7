package store

import (
	"errors"
	"testing"
)

func TestMovePhasesAdvanceInOrderOrAbort(t *testing.T) {
	s := newTestState(t)
	if err := s.AddNode(Node{ID: "n1", Addr: "x", Group: "g1"}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateIndex(NewIndex{UID: "a", Shards: 4}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartMove(Move{ID: "m", Index: "a", Shard: 4, Group: "g1", Target: "n1"}, t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("shard out of range: err = %v", err)
	}
	if _, err := s.StartMove(Move{ID: "m", Index: "a", Shard: 1, Group: "g2", Target: "n1"}, t0); !errors.Is(err, ErrNodeNotFound) {
		t.Fatalf("target outside the group: err = %v", err)
	}
	m, err := s.StartMove(Move{ID: "m", Index: "a", Shard: 1, Group: "g1", Target: "n1"}, t0)
	if err != nil || m.Phase != MoveDualWrite {
		t.Fatalf("move %+v err %v", m, err)
	}
	if _, err := s.SetMovePhase("m", MoveCutover, t0); !errors.Is(err, ErrInvalidMovePhase) {
		t.Fatalf("skipping phases: err = %v", err)
	}
	for _, p := range []MovePhase{MoveCopying, MoveCopying, MoveVerifying, MoveCutover, MoveCleanup, MoveDone} {
		if _, err := s.SetMovePhase("m", p, t0); err != nil {
			t.Fatalf("to %s: %v", p, err)
		}
	}
	if _, err := s.SetMovePhase("m", MoveAborted, t0); !errors.Is(err, ErrInvalidMovePhase) {
		t.Fatalf("aborting a finished move: err = %v", err)
	}
	if _, err := s.StartMove(Move{ID: "m2", Index: "a", Shard: 0, Group: "g1", Target: "n1"}, t0); err != nil {
		t.Fatal(err)
	}
	if m, err := s.SetMovePhase("m2", MoveAborted, t0); err != nil || m.Phase != MoveAborted {
		t.Fatalf("abort: %+v %v", m, err)
	}
}
