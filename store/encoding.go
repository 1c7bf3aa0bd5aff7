package store

import (
	"encoding/json"
	"fmt"
)

// stateJSON is the encoded form of State. Every table is a slice sorted by
// its key, so the encoding is a pure function of the state; empty tables
// are omitted, so an empty table and a missing one encode alike.
type stateJSON struct {
	NextTaskUID uint64          `json:"nextTaskUid"`
	Peers       []Peer          `json:"peers,omitempty"`
	Groups      []Group         `json:"groups,omitempty"`
	Nodes       []Node          `json:"nodes,omitempty"`
	Indexes     []Index         `json:"indexes,omitempty"`
	Aliases     []Alias         `json:"aliases,omitempty"`
	Keys        []Key           `json:"keys,omitempty"`
	Moves       []Move          `json:"moves,omitempty"`
	Webhooks    []Webhook       `json:"webhooks,omitempty"`
	Tasks       []*Task         `json:"tasks,omitempty"`
	Requests    []RequestRecord `json:"requests,omitempty"` // application order
}

// MarshalJSON encodes the state deterministically: equal states give equal
// bytes. Snapshots and digests rely on it.
func (s *State) MarshalJSON() ([]byte, error) {
	return json.Marshal(stateJSON{
		NextTaskUID: s.nextTaskUID,
		Peers:       s.Peers(),
		Groups:      s.Groups(),
		Nodes:       s.Nodes(),
		Indexes:     s.Indexes(),
		Aliases:     s.Aliases(),
		Keys:        s.Keys(),
		Moves:       s.Moves(),
		Webhooks:    s.Webhooks(),
		Tasks:       s.tasks,
		Requests:    s.requests,
	})
}

// UnmarshalJSON replaces s with the decoded state, after checking the
// invariants a corrupt or hand-edited snapshot could break.
func (s *State) UnmarshalJSON(b []byte) error {
	var j stateJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	n := New()
	n.nextTaskUID = j.NextTaskUID
	fill(n.peers, j.Peers, func(p Peer) string { return p.ID })
	fill(n.groups, j.Groups, func(g Group) string { return g.ID })
	fill(n.nodes, j.Nodes, func(x Node) string { return x.ID })
	fill(n.indexes, j.Indexes, func(x Index) string { return x.UID })
	fill(n.aliases, j.Aliases, func(a Alias) string { return a.Name })
	fill(n.keys, j.Keys, func(k Key) string { return k.UID })
	fill(n.moves, j.Moves, func(m Move) string { return m.ID })
	fill(n.webhooks, j.Webhooks, func(w Webhook) string { return w.UUID })
	n.tasks = j.Tasks
	n.requests = j.Requests
	n.reindexRequests()
	if err := n.checkTasks(); err != nil {
		return err
	}
	*s = *n
	return nil
}

func fill[V any](m map[string]V, vs []V, key func(V) string) {
	for _, v := range vs {
		m[key(v)] = v
	}
}

func (s *State) checkTasks() error {
	for i, t := range s.tasks {
		if t == nil {
			return fmt.Errorf("store: snapshot has a null task")
		}
		if i > 0 && s.tasks[i-1].UID >= t.UID {
			return fmt.Errorf("store: snapshot tasks are not strictly sorted by uid")
		}
	}
	if k := len(s.tasks); k > 0 && s.tasks[k-1].UID >= s.nextTaskUID {
		return fmt.Errorf("store: snapshot task uid %d is not below nextTaskUid %d", s.tasks[k-1].UID, s.nextTaskUID)
	}
	if len(s.byReq) != len(s.requests) {
		return fmt.Errorf("store: snapshot repeats a request id")
	}
	return nil
}
