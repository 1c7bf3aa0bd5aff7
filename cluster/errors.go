package cluster

import "errors"

// Sentinel errors of the cluster package. Callers branch with errors.Is;
// the errors returned wrap these with detail.
var (
	// ErrNoLeader: no leader was reachable within the hold timeout (an
	// election is running or quorum is lost). Admin answers 503 with
	// Retry-After. The command was not committed by this call, but see
	// ErrLeadershipLost: a retry is always safe.
	ErrNoLeader = errors.New("no cluster leader")
	// ErrNotLeader: an operation that only the leader may run reached a
	// follower (the internal routes answer it; Apply retries on it).
	ErrNotLeader = errors.New("not the cluster leader")
	// ErrLeadershipLost: the leader lost leadership while the command was
	// in flight. The entry may still commit under the next leader. Commands
	// are idempotent by request id (the fsm guarantees it), so callers retry
	// with the same command; Apply does so itself within the hold timeout.
	ErrLeadershipLost = errors.New("leadership lost while committing")
	// ErrTimeout: the command was not committed within the apply timeout
	// or the caller's deadline. It may still commit; retry is safe.
	ErrTimeout = errors.New("cluster operation timed out")
	// ErrClosed: the peer is shut down (or was never started).
	ErrClosed = errors.New("cluster peer is closed")
	// ErrUnauthorized: an internal route was called without the cluster key.
	ErrUnauthorized = errors.New("missing or wrong cluster key")
	// ErrUnknownPeer: RemovePeer named a peer that is not in the raft
	// configuration.
	ErrUnknownPeer = errors.New("unknown peer")
)

// FSMError carries an FSM Apply value that was a Go error. The fsm package
// reports domain errors inside its Result instead; this exists so a plain
// raft.FSM that returns errors behaves the same locally and forwarded.
type FSMError struct{ Message string }

func (e *FSMError) Error() string { return "fsm: " + e.Message }
