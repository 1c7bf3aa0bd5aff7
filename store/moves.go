package store

import "time"

// MovePhase is the phase of a shard move (DESIGN §14). Phases advance in
// order; any unfinished move may abort.
type MovePhase string

const (
	MoveDualWrite MovePhase = "dual_write"
	MoveCopying   MovePhase = "copying"
	MoveVerifying MovePhase = "verifying"
	MoveCutover   MovePhase = "cutover"
	MoveCleanup   MovePhase = "cleanup"
	MoveDone      MovePhase = "done"
	MoveAborted   MovePhase = "aborted"
)

var moveOrder = []MovePhase{MoveDualWrite, MoveCopying, MoveVerifying, MoveCutover, MoveCleanup, MoveDone}

// Finished reports whether a move in this phase can no longer change.
func (p MovePhase) Finished() bool { return p == MoveDone || p == MoveAborted }

// Move is one shard of one index in one group moving from a source replica
// to a target node. This table is the placeholder the topology-change
// issue builds on: placement (Owners) does not consult it yet.
type Move struct {
	ID        string    `json:"id"` // chosen by the proposer
	Index     string    `json:"index"`
	Shard     int       `json:"shard"`
	Group     string    `json:"group"`
	Source    string    `json:"source"` // node id; "" when copying from any replica
	Target    string    `json:"target"` // node id
	Phase     MovePhase `json:"phase"`
	CreatedAt time.Time `json:"createdAt"`
	ChangedAt time.Time `json:"changedAt"`
}

// StartMove records a new move in phase dual_write.
func (s *State) StartMove(m Move, at time.Time) (Move, error) {
	if m.ID == "" {
		return Move{}, errorf(ErrInvalid, "a move needs an id")
	}
	if _, ok := s.moves[m.ID]; ok {
		return Move{}, errorf(ErrMoveExists, "Move `%s` already exists.", m.ID)
	}
	idx, ok := s.indexes[m.Index]
	if !ok {
		return Move{}, indexNotFound(m.Index)
	}
	if m.Shard < 0 || m.Shard >= idx.Shards {
		return Move{}, errorf(ErrInvalid, "Index `%s` has no shard %d.", m.Index, m.Shard)
	}
	if n, ok := s.nodes[m.Target]; !ok || n.Group != m.Group || n.State == NodeRemoved {
		return Move{}, errorf(ErrNodeNotFound, "Node `%s` is not a live node of group `%s`.", m.Target, m.Group)
	}
	m.Phase, m.CreatedAt, m.ChangedAt = MoveDualWrite, utc(at), utc(at)
	s.moves[m.ID] = m
	return m, nil
}

// SetMovePhase advances a move to the next phase or aborts it. Repeating
// the current phase is a no-op; skipping or going back fails.
func (s *State) SetMovePhase(id string, to MovePhase, at time.Time) (Move, error) {
	m, ok := s.moves[id]
	if !ok {
		return Move{}, errorf(ErrMoveNotFound, "Move `%s` not found.", id)
	}
	if m.Phase == to {
		return m, nil
	}
	if m.Phase.Finished() || (to != MoveAborted && to != nextPhase(m.Phase)) {
		return Move{}, errorf(ErrInvalidMovePhase, "Move `%s` cannot go from `%s` to `%s`.", id, m.Phase, to)
	}
	m.Phase, m.ChangedAt = to, utc(at)
	s.moves[id] = m
	return m, nil
}

func nextPhase(p MovePhase) MovePhase {
	for i, x := range moveOrder[:len(moveOrder)-1] {
		if x == p {
			return moveOrder[i+1]
		}
	}
	return ""
}

// Move returns one move.
func (s *State) Move(id string) (Move, bool) {
	m, ok := s.moves[id]
	return m, ok
}

// Moves returns every move, sorted by id.
func (s *State) Moves() []Move { return sortedValues(s.moves) }
