package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Errors a Consensus implementation returns (wrapped with %w is fine) so
// that the error handler can answer with the right status. cmd adapts the
// cluster package's sentinels to these.
var (
	// ErrNoLeader: no leader was known within the hold timeout -> 503
	// miroir_no_leader with Retry-After.
	ErrNoLeader = errors.New("admin: no raft leader")
	// ErrTimeout: the command or the wait did not finish in time -> 504.
	ErrTimeout = errors.New("admin: consensus timeout")
	// ErrPeerNotFound: the peer id is not in the raft configuration -> 404.
	ErrPeerNotFound = errors.New("admin: peer not found")
)

// Consensus is what admin needs from the local peer's consensus layer.
type Consensus interface {
	// Apply commits cmd (an fsm-encoded command) through the leader and
	// returns the log index and the FSM's JSON-encoded Apply value.
	Apply(ctx context.Context, cmd []byte) (Applied, error)
	// WaitApplied returns once the local FSM applied index reaches index.
	WaitApplied(ctx context.Context, index uint64) error
	// Status is a point-in-time view of this peer's raft and membership.
	Status() Status
	// RemovePeer removes a peer from the raft configuration (operator
	// request); it is forwarded to the leader when needed.
	RemovePeer(ctx context.Context, id string) error
	// Handler serves the internal routes under /_miroir/internal/ and
	// authenticates them itself (cluster key).
	Handler() http.Handler
}

// Joiner is implemented by a Consensus that can join gossip at given
// addresses on an operator's request (POST /_miroir/peers).
type Joiner interface {
	Join(ctx context.Context, addrs []string) (int, error)
}

// Leaver is implemented by a Consensus whose peer can leave the cluster
// for good (POST /_miroir/leave): it is removed from the raft
// configuration and announces its leave in gossip.
type Leaver interface {
	Leave(ctx context.Context) error
}

// ReadBarrierer is implemented by a Consensus that offers a linearizable
// read point without a log entry (cmd wires cluster's ReadIndex followed by
// WaitApplied): once ReadBarrier returns nil, the local State reflects every
// write committed before the call. Errors wrap ErrNoLeader or ErrTimeout
// like Apply's. Node reads use it by default.
type ReadBarrierer interface {
	ReadBarrier(ctx context.Context) error
}

// Applied is the outcome of Consensus.Apply.
type Applied struct {
	Index    uint64
	Response json.RawMessage
}

// Status is one peer's view of the cluster, served by GET /_miroir/cluster.
type Status struct {
	ID           string       `json:"id"`
	State        string       `json:"state"`
	Leader       PeerRef      `json:"leader"`
	Term         uint64       `json:"term"`
	CommitIndex  uint64       `json:"commitIndex"`
	AppliedIndex uint64       `json:"appliedIndex"`
	LastLogIndex uint64       `json:"lastLogIndex"`
	LastContact  string       `json:"lastContact,omitempty"`
	Servers      []RaftServer `json:"servers"`
	Members      []Member     `json:"members"`
}

// PeerRef names a peer by raft id and raft address; empty when unknown.
type PeerRef struct {
	ID      string `json:"id"`
	Address string `json:"address"`
}

// RaftServer is one entry of the raft configuration.
type RaftServer struct {
	ID       string `json:"id"`
	Address  string `json:"address"`
	Suffrage string `json:"suffrage"`
}

// Member is one peer as gossip sees it.
type Member struct {
	ID       string `json:"id"`
	Address  string `json:"address"`
	RaftAddr string `json:"raftAddr,omitempty"`
	HTTPAddr string `json:"httpAddr,omitempty"`
	Status   string `json:"status"`
}

// State is the local, read-only view of the replicated state.
type State interface {
	// Digest is the FSM digest (equal on peers that applied the same log).
	Digest() string
	// AppliedIndex is the last raft index the local FSM applied.
	AppliedIndex() uint64
	// Nodes lists every registered node, sorted by id.
	Nodes() []Node
	// Node looks one node up by id.
	Node(id string) (Node, bool)
	// HasGroup reports whether the replica group exists.
	HasGroup(id string) bool
}

// Commands encodes the FSM commands admin proposes (cmd implements it with
// the fsm package). Meta is stamped by the proposer, never by Apply.
type Commands interface {
	// AddGroup creates an active replica group with replication factor rf.
	AddGroup(m Meta, id string, rf int) ([]byte, error)
	// RegisterNode admits a node in state joining.
	RegisterNode(m Meta, n NodeSpec) ([]byte, error)
	// Barrier is a command that changes nothing: once the local FSM has
	// applied it, it has applied every write committed before it.
	Barrier(m Meta) ([]byte, error)
	// SetNodeState moves a node to a new state.
	SetNodeState(m Meta, id string, state NodeState) ([]byte, error)
}

// Meta is what the proposer stamps on every command: the FSM must not read
// clocks, and commands are idempotent by request id.
type Meta struct {
	RequestID string
	Time      time.Time
}

// Deps are the collaborators of a Server. Consensus, State and Commands are
// required.
type Deps struct {
	Consensus Consensus
	State     State
	Commands  Commands
	// Gatherer serves /metrics; nil means the Registerer passed to New if
	// it is also a Gatherer, else metrics are not served.
	Gatherer prometheus.Gatherer
	// Now stamps commands; nil means time.Now.
	Now func() time.Time
	// Data mounts the Meilisearch API (the proxy) at the root of the
	// router; nil serves only /health and the admin routes.
	Data Routes
}

// Routes is a set of routes mounted on the router (proxy.Proxy is one).
type Routes interface {
	Register(g *echo.Group)
}
