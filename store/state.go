package store

import (
	"encoding/json"
	"time"
)

// Bounds of the request-id memory. They are part of the replicated state's
// definition: every peer must use the same values, so they are constants and
// not configuration. A request id is remembered for RequestMemoryAge of
// proposer time unless RequestMemoryMax newer ids, or RequestMemoryBytes of
// newer results, push it out first.
const (
	RequestMemoryMax   = 20000
	RequestMemoryBytes = 16 << 20
	RequestMemoryAge   = 10 * time.Minute
)

// State is the replicated state. The zero value is not usable; call New.
//
// Invariant that makes Clone cheap: values stored in the tables are never
// mutated in place. Mutators build a new value (new maps, new slices) and
// store it, so a copy of a table shares only immutable data. Readers that get
// values from accessors must treat their maps and slices as read-only.
type State struct {
	peers   map[string]Peer
	groups  map[string]Group
	nodes   map[string]Node
	indexes map[string]Index
	aliases map[string]Alias
	keys    map[string]Key
	moves   map[string]Move
	// webhooks are keyed by uuid.
	webhooks map[string]Webhook

	tasks       []*Task // sorted by UID, ascending; a Task is never modified once stored
	nextTaskUID uint64

	requests []RequestRecord // in application order, oldest first
	byReq    map[string]int  // request id -> position in requests, offset by reqBase
	reqBase  int             // number of records evicted since byReq was built
	reqBytes int             // total size of the remembered results
}

// RequestRecord is one remembered command outcome, kept so a replayed
// command (same request id) returns its original result.
type RequestRecord struct {
	ID     string          `json:"id"`
	At     time.Time       `json:"at"`
	Result json.RawMessage `json:"result"`
}

// New returns an empty state.
func New() *State {
	return &State{
		peers:   map[string]Peer{},
		groups:  map[string]Group{},
		nodes:   map[string]Node{},
		indexes: map[string]Index{},
		aliases: map[string]Alias{},
		keys:    map[string]Key{},
		moves:   map[string]Move{},
		byReq:   map[string]int{},

		webhooks: map[string]Webhook{},
	}
}

// Clone returns an independent copy. It copies the tables, not the values in
// them (see the invariant on State), so it is fast enough to run under the
// FSM lock before a snapshot is encoded outside it.
func (s *State) Clone() *State {
	c := &State{
		peers:       cloneMap(s.peers),
		groups:      cloneMap(s.groups),
		nodes:       cloneMap(s.nodes),
		indexes:     cloneMap(s.indexes),
		aliases:     cloneMap(s.aliases),
		keys:        cloneMap(s.keys),
		moves:       cloneMap(s.moves),
		webhooks:    cloneMap(s.webhooks),
		tasks:       append([]*Task(nil), s.tasks...),
		nextTaskUID: s.nextTaskUID,
		requests:    append([]RequestRecord(nil), s.requests...),
	}
	c.reindexRequests()
	return c
}

func cloneMap[V any](m map[string]V) map[string]V {
	c := make(map[string]V, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// RecallRequest returns the result remembered for a request id.
func (s *State) RecallRequest(id string) (json.RawMessage, bool) {
	if id == "" {
		return nil, false
	}
	i, ok := s.byReq[id]
	if !ok {
		return nil, false
	}
	return s.requests[i-s.reqBase].Result, true
}

// RememberRequest records the result of the command with this request id
// (ignored when id is empty) and forgets the oldest records while they are
// older than RequestMemoryAge before at, or the memory exceeds
// RequestMemoryMax records or RequestMemoryBytes. Deterministic: it depends
// only on the sequence of calls.
func (s *State) RememberRequest(id string, at time.Time, result json.RawMessage) {
	if id == "" {
		return
	}
	if _, dup := s.byReq[id]; dup {
		return
	}
	s.byReq[id] = s.reqBase + len(s.requests)
	s.requests = append(s.requests, RequestRecord{ID: id, At: at.UTC(), Result: result})
	s.reqBytes += len(result)
	s.evictRequests(at.UTC())
}

func (s *State) evictRequests(now time.Time) {
	cutoff := now.Add(-RequestMemoryAge)
	n := 0
	for n < len(s.requests) {
		r := s.requests[n]
		if len(s.requests)-n <= RequestMemoryMax && s.reqBytes <= RequestMemoryBytes && !r.At.Before(cutoff) {
			break
		}
		delete(s.byReq, r.ID)
		s.reqBytes -= len(r.Result)
		n++
	}
	if n == 0 {
		return
	}
	s.reqBase += n
	// Copy out when the dead prefix dominates, so the backing array is
	// reclaimed and does not grow without bound.
	if n > len(s.requests)/2 {
		s.requests = append([]RequestRecord(nil), s.requests[n:]...)
		s.reindexRequests()
		return
	}
	s.requests = s.requests[n:]
}

func (s *State) reindexRequests() {
	s.reqBase, s.reqBytes = 0, 0
	s.byReq = make(map[string]int, len(s.requests))
	for i, r := range s.requests {
		s.byReq[r.ID] = i
		s.reqBytes += len(r.Result)
	}
}

// RequestCount reports how many request ids are remembered.
func (s *State) RequestCount() int { return len(s.requests) }

func utc(t time.Time) time.Time { return t.UTC() }

// ValidTime reports whether t, once converted to UTC, can be encoded in
// RFC 3339 (years 0 to 9999). A stored time that cannot be would make every
// later snapshot fail, so mutators refuse such times and the fsm refuses
// commands stamped with one.
func ValidTime(t time.Time) bool {
	y := t.UTC().Year()
	return y >= 0 && y <= 9999
}

func checkTime(what string, t time.Time) error {
	if !ValidTime(t) {
		return errorf(ErrInvalid, "%s is out of range: %s", what, t.Format(time.RFC3339))
	}
	return nil
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
