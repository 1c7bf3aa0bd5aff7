package fsm

import (
	"time"

	"github.com/miroir-search/miroir/store"
)

// StartMove records a shard move in phase dual_write (DESIGN §14; the
// topology-change issue drives it). Result: store.Move.
type StartMove struct {
	Meta
	Move store.Move `json:"move"` // ID, Index, Shard, Group, Source, Target
}

func (StartMove) Type() CommandType { return CmdStartMove }
func (c StartMove) apply(s *store.State, at time.Time) (any, error) {
	return orNil(s.StartMove(c.Move, at))
}

// SetMovePhase advances a move one phase, or aborts it. Result: store.Move.
type SetMovePhase struct {
	Meta
	ID    string          `json:"id"`
	Phase store.MovePhase `json:"phase"`
}

func (SetMovePhase) Type() CommandType { return CmdSetMovePhase }
func (c SetMovePhase) apply(s *store.State, at time.Time) (any, error) {
	return orNil(s.SetMovePhase(c.ID, c.Phase, at))
}
