// Package admintest provides a single-process stand-in for the consensus
// layer and the FSM, so that admin and its clients (miroirctl) can be tested
// without raft.
package admintest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"

	"github.com/miroir-search/miroir/admin"
)

// Fake implements admin.Consensus, admin.State and admin.Commands. Commands
// are JSON; Apply applies them at once to an in-memory node table and
// answers with the fsm.Result shape. Safe for concurrent use.
type Fake struct {
	mu       sync.Mutex
	status   admin.Status
	nodes    map[string]admin.Node
	groups   map[string]int
	index    uint64
	applyErr error
	removed  []string
	applied  []string
	left     bool
}

type command struct {
	Op    string          `json:"op"`
	RF    int             `json:"rf"`
	Meta  admin.Meta      `json:"meta"`
	Spec  admin.NodeSpec  `json:"spec"`
	ID    string          `json:"id"`
	State admin.NodeState `json:"state"`
}

// New returns a fake three-voter cluster seen from leader p1.
func New() *Fake {
	return &Fake{nodes: map[string]admin.Node{}, groups: map[string]int{}, status: DefaultStatus()}
}

// DefaultStatus is the status New starts with: p1 leads p1..p3, and gossip
// sees p3 failed.
func DefaultStatus() admin.Status {
	return admin.Status{
		ID: "p1", State: "Leader", Leader: admin.PeerRef{ID: "p1", Address: "127.0.0.1:1"}, Term: 2,
		Servers: []admin.RaftServer{
			{ID: "p1", Address: "127.0.0.1:1", Suffrage: "Voter"},
			{ID: "p2", Address: "127.0.0.1:2", Suffrage: "Voter"},
			{ID: "p3", Address: "127.0.0.1:3", Suffrage: "Voter"},
		},
		Members: []admin.Member{
			{ID: "p1", Status: "alive", HTTPAddr: "127.0.0.1:7700"},
			{ID: "p2", Status: "alive"},
			{ID: "p3", Status: "failed"},
		},
	}
}

// Deps returns admin.Deps backed by f.
func (f *Fake) Deps() admin.Deps {
	return admin.Deps{Consensus: f, State: f, Commands: f}
}

// SetApplyError makes every later Apply fail with err (nil restores).
func (f *Fake) SetApplyError(err error) { f.with(func() { f.applyErr = err }) }

// SetStatus replaces the status Status returns.
func (f *Fake) SetStatus(s admin.Status) { f.with(func() { f.status = s }) }

// Removed lists the peer ids RemovePeer was called with.
func (f *Fake) Removed() []string {
	var out []string
	f.with(func() { out = slices.Clone(f.removed) })
	return out
}

// AppliedRequestIDs lists the request ids of applied commands, in order.
func (f *Fake) AppliedRequestIDs() []string {
	var out []string
	f.with(func() { out = slices.Clone(f.applied) })
	return out
}

func (f *Fake) with(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

// AddGroup implements admin.Commands.
func (f *Fake) AddGroup(m admin.Meta, id string, rf int) ([]byte, error) {
	return json.Marshal(command{Op: "group", Meta: m, ID: id, RF: rf})
}

// Barrier implements admin.Commands.
func (f *Fake) Barrier(m admin.Meta) ([]byte, error) {
	return json.Marshal(command{Op: "noop", Meta: m})
}

// RegisterNode implements admin.Commands.
func (f *Fake) RegisterNode(m admin.Meta, n admin.NodeSpec) ([]byte, error) {
	return json.Marshal(command{Op: "register", Meta: m, Spec: n})
}

// SetNodeState implements admin.Commands.
func (f *Fake) SetNodeState(m admin.Meta, id string, s admin.NodeState) ([]byte, error) {
	return json.Marshal(command{Op: "state", Meta: m, ID: id, State: s})
}

// Apply implements admin.Consensus.
func (f *Fake) Apply(ctx context.Context, raw []byte) (admin.Applied, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.applyErr != nil {
		return admin.Applied{}, f.applyErr
	}
	var c command
	if err := json.Unmarshal(raw, &c); err != nil {
		return admin.Applied{}, fmt.Errorf("admintest: undecodable command: %w", err)
	}
	f.index++
	f.applied = append(f.applied, c.Meta.RequestID)
	out, err := json.Marshal(f.apply(c))
	return admin.Applied{Index: f.index, Response: out}, err
}

func (f *Fake) apply(c command) map[string]any {
	fail := func(code, msg string) map[string]any {
		return map[string]any{"error": map[string]string{"Code": code, "Message": msg}}
	}
	switch c.Op {
	case "group":
		if _, ok := f.groups[c.ID]; ok {
			return fail("miroir_group_already_exists", "group "+c.ID+" exists")
		}
		f.groups[c.ID] = c.RF
	case "register":
		if _, ok := f.groups[c.Spec.Group]; !ok {
			return fail("miroir_group_not_found", "group "+c.Spec.Group+" not found")
		}
		if _, ok := f.nodes[c.Spec.ID]; ok {
			return fail("miroir_node_already_exists", "node "+c.Spec.ID+" exists")
		}
		f.nodes[c.Spec.ID] = admin.Node{ID: c.Spec.ID, Address: c.Spec.Address, Group: c.Spec.Group,
			State: admin.NodeJoining, Since: c.Meta.Time}
	case "state":
		n, ok := f.nodes[c.ID]
		if !ok {
			return fail("miroir_node_not_found", "node "+c.ID+" not found")
		}
		n.State, n.Since = c.State, c.Meta.Time
		f.nodes[c.ID] = n
	}
	return map[string]any{"value": true}
}

// WaitApplied implements admin.Consensus; the fake never lags, so an index
// beyond the last one fails at once with admin.ErrTimeout.
func (f *Fake) WaitApplied(ctx context.Context, index uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.index >= index {
		return nil
	}
	return fmt.Errorf("admintest: index %d not reached: %w", index, admin.ErrTimeout)
}

// Status implements admin.Consensus.
func (f *Fake) Status() admin.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

// RemovePeer implements admin.Consensus.
func (f *Fake) RemovePeer(ctx context.Context, id string) error {
	f.with(func() { f.removed = append(f.removed, id) })
	return nil
}

// Handler implements admin.Consensus: it answers 418 so tests can see the
// internal route reached it.
func (f *Fake) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
}

// Digest implements admin.State.
func (f *Fake) Digest() string { return "d1g35t" }

// AppliedIndex implements admin.State.
func (f *Fake) AppliedIndex() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.index
}

// Nodes implements admin.State.
func (f *Fake) Nodes() []admin.Node {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]admin.Node, 0, len(f.nodes))
	for _, n := range f.nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Node implements admin.State.
func (f *Fake) Node(id string) (admin.Node, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.nodes[id]
	return n, ok
}

// HasGroup implements admin.State.
func (f *Fake) HasGroup(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.groups[id]
	return ok
}

// Leave implements admin.Leaver: it records the leave.
func (f *Fake) Leave(ctx context.Context) error {
	f.with(func() { f.left = true })
	return nil
}

// Left reports whether Leave was called.
func (f *Fake) Left() bool {
	var left bool
	f.with(func() { left = f.left })
	return left
}
