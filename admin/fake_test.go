package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"sync"
)

// fakeCluster is a single-process stand-in for cluster+fsm: commands are
// JSON, Apply applies them to an in-memory node table at once.
type fakeCluster struct {
	mu       sync.Mutex
	status   Status
	nodes    map[string]Node
	index    uint64
	applyErr error
	removed  []string
	applied  []string // request ids, in order
}

type fakeCmd struct {
	Op    string    `json:"op"`
	Meta  Meta      `json:"meta"`
	Spec  NodeSpec  `json:"spec"`
	ID    string    `json:"id"`
	State NodeState `json:"state"`
}

func newFakeCluster() *fakeCluster {
	return &fakeCluster{
		nodes: map[string]Node{},
		status: Status{
			ID: "p1", State: "Leader", Leader: PeerRef{ID: "p1", Address: "127.0.0.1:1"}, Term: 2,
			Servers: []RaftServer{{"p1", "127.0.0.1:1", "Voter"}, {"p2", "127.0.0.1:2", "Voter"}, {"p3", "127.0.0.1:3", "Voter"}},
			Members: []Member{{ID: "p1", Status: "alive", HTTPAddr: "127.0.0.1:7700"}, {ID: "p2", Status: "alive"}, {ID: "p3", Status: "failed"}},
		},
	}
}

func (f *fakeCluster) RegisterNode(m Meta, n NodeSpec) ([]byte, error) {
	return json.Marshal(fakeCmd{Op: "register", Meta: m, Spec: n})
}

func (f *fakeCluster) SetNodeState(m Meta, id string, s NodeState) ([]byte, error) {
	return json.Marshal(fakeCmd{Op: "state", Meta: m, ID: id, State: s})
}

func (f *fakeCluster) Apply(ctx context.Context, raw []byte) (Applied, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.applyErr != nil {
		return Applied{}, f.applyErr
	}
	var c fakeCmd
	if err := json.Unmarshal(raw, &c); err != nil {
		panic(err)
	}
	f.index++
	f.applied = append(f.applied, c.Meta.RequestID)
	res := f.apply(c)
	out, _ := json.Marshal(res)
	return Applied{Index: f.index, Response: out}, nil
}

func (f *fakeCluster) apply(c fakeCmd) map[string]any {
	switch c.Op {
	case "register":
		if _, ok := f.nodes[c.Spec.ID]; ok {
			return map[string]any{"error": map[string]string{"Code": "miroir_node_already_exists", "Message": "node exists"}}
		}
		f.nodes[c.Spec.ID] = Node{ID: c.Spec.ID, Address: c.Spec.Address, Group: c.Spec.Group, State: NodeJoining, Since: c.Meta.Time}
	case "state":
		n, ok := f.nodes[c.ID]
		if !ok {
			return map[string]any{"error": map[string]string{"Code": "miroir_node_not_found", "Message": "no node"}}
		}
		n.State, n.Since = c.State, c.Meta.Time
		f.nodes[c.ID] = n
	}
	return map[string]any{"value": true}
}

func (f *fakeCluster) WaitApplied(ctx context.Context, index uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.index >= index {
		return nil
	}
	return fmt.Errorf("fake: index %d not reached: %w", index, ErrTimeout)
}

func (f *fakeCluster) Status() Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

func (f *fakeCluster) RemovePeer(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, id)
	return nil
}

func (f *fakeCluster) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
}

func (f *fakeCluster) Digest() string { return "d1g35t" }

func (f *fakeCluster) AppliedIndex() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.index
}

func (f *fakeCluster) Nodes() []Node {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Node, 0, len(f.nodes))
	for _, n := range f.nodes {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (f *fakeCluster) Node(id string) (Node, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n, ok := f.nodes[id]
	return n, ok
}

func (f *fakeCluster) set(fn func(*fakeCluster)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}
