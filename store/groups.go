package store

import "time"

// GroupState is the lifecycle state of a replica group.
type GroupState string

const (
	GroupInitializing GroupState = "initializing" // takes writes, copies shards, serves no reads
	GroupActive       GroupState = "active"       // takes writes and serves reads
	GroupDraining     GroupState = "draining"     // being retired
)

var groupTransitions = map[GroupState][]GroupState{
	GroupInitializing: {GroupActive, GroupDraining},
	GroupActive:       {GroupDraining},
	GroupDraining:     {GroupActive},
}

// MaxRF bounds the replication factor inside one group.
const MaxRF = 3

// Group is a replica group: a set of nodes holding every shard RF times.
type Group struct {
	ID        string     `json:"id"`
	RF        int        `json:"rf"` // copies of each shard inside this group, 1..MaxRF
	State     GroupState `json:"state"`
	CreatedAt time.Time  `json:"createdAt"`
	ChangedAt time.Time  `json:"changedAt"`
}

// AddGroup creates a replica group in state initializing (or active, for
// groups present at bootstrap).
func (s *State) AddGroup(g Group, at time.Time) error {
	if g.ID == "" {
		return errorf(ErrInvalid, "a replica group needs an id")
	}
	if g.RF < 1 || g.RF > MaxRF {
		return errorf(ErrInvalid, "The replication factor must be between 1 and %d, got %d.", MaxRF, g.RF)
	}
	if _, ok := s.groups[g.ID]; ok {
		return errorf(ErrGroupExists, "Replica group `%s` already exists.", g.ID)
	}
	if g.State == "" {
		g.State = GroupInitializing
	}
	if g.State != GroupInitializing && g.State != GroupActive {
		return errorf(ErrInvalidGroupState, "A replica group starts `initializing` or `active`, not `%s`.", g.State)
	}
	g.CreatedAt, g.ChangedAt = utc(at), utc(at)
	s.groups[g.ID] = g
	return nil
}

// SetGroupState moves a group to a new state; the current state is a no-op.
func (s *State) SetGroupState(id string, to GroupState, at time.Time) error {
	g, ok := s.groups[id]
	if !ok {
		return errorf(ErrGroupNotFound, "Replica group `%s` not found.", id)
	}
	if g.State == to {
		return nil
	}
	allowed := false
	for _, st := range groupTransitions[g.State] {
		allowed = allowed || st == to
	}
	if !allowed {
		return errorf(ErrInvalidGroupState, "Replica group `%s` cannot go from `%s` to `%s`.", id, g.State, to)
	}
	g.State, g.ChangedAt = to, utc(at)
	s.groups[id] = g
	return nil
}

// Group returns one replica group.
func (s *State) Group(id string) (Group, bool) {
	g, ok := s.groups[id]
	return g, ok
}

// Groups returns every replica group, sorted by id.
func (s *State) Groups() []Group { return sortedValues(s.groups) }
