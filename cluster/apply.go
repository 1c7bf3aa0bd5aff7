package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
)

// Applied is the outcome of a committed command: its raft index (pass it to
// WaitApplied on another peer for read-after-write) and the FSM's Apply
// value, JSON-encoded; identical whether applied here or forwarded.
type Applied struct {
	Index    uint64          `json:"index"`
	Response json.RawMessage `json:"response,omitempty"`
}

// errRetry marks conditions Apply holds on: no leader known, the leader
// unreachable or not (yet) leader.
var errRetry = errors.New("retry")

// Apply commits cmd through raft from any peer and returns once the local
// FSM (leader) or the leader's FSM (forwarded) applied it. On a follower the
// command is forwarded once to the leader's internal route; the leader never
// forwards again. While there is no reachable leader Apply retries for up to
// HoldTimeout, then fails with ErrNoLeader. ErrLeadershipLost and
// ErrTimeout mean the entry may still commit: commands are idempotent by
// request id (the fsm guarantees it), so the caller may retry the same cmd.
// A Go error returned by the FSM's Apply comes back as *FSMError with the
// entry's index. ctx bounds the hold, the enqueue on the leader and the
// forwarding round trip; once raft accepted the entry on this leader, Apply
// waits for raft to resolve it (commit, or leadership loss within
// LeaderLeaseTimeout), so it never reports failure for an entry that is
// still on its way to commit without saying ErrLeadershipLost.
func (p *Peer) Apply(ctx context.Context, cmd []byte) (Applied, error) {
	if !p.isStarted() {
		return Applied{}, ErrClosed
	}
	start := time.Now()
	var a Applied
	path := "local"
	err := p.hold(ctx, func() error {
		var err error
		a, path, err = p.applyOnce(ctx, cmd)
		return err
	})
	p.metrics.observeApply(path, time.Since(start))
	return a, err
}

func (p *Peer) applyOnce(ctx context.Context, cmd []byte) (Applied, string, error) {
	if p.raft.State() == raft.Leader {
		a, err := p.applyLocal(ctx, cmd)
		if errors.Is(err, ErrNotLeader) || errors.Is(err, ErrLeadershipLost) {
			err = errors.Join(errRetry, err)
		}
		return a, "local", err
	}
	to, err := p.leaderTarget()
	if err != nil {
		return Applied{}, "forwarded", err
	}
	if p.fwd != nil {
		a, err := p.fwd.submit(ctx, to, cmd)
		return a, "forwarded", err
	}
	a, err := p.forwardApply(ctx, to, cmd)
	return a, "forwarded", err
}

// target is the leader an internal call goes to: its peer id (the call
// ends when another leader is seen) and HTTP address.
type target struct{ id, addr string }

// leaderTarget finds the leader and its HTTP address in gossip meta.
func (p *Peer) leaderTarget() (target, error) {
	_, id := p.raft.LeaderWithID()
	if id == "" {
		return target{}, fmt.Errorf("%w: %w: no leader known", errRetry, ErrNoLeader)
	}
	if string(id) == p.cfg.PeerID {
		return target{}, fmt.Errorf("%w: %w: leadership is changing", errRetry, ErrNoLeader)
	}
	m, ok := p.view.get(string(id))
	if !ok || m.Meta.HTTPAddr == "" {
		return target{}, fmt.Errorf("%w: %w: leader %s has no http address in gossip yet", errRetry, ErrNoLeader, id)
	}
	return target{id: string(id), addr: m.Meta.HTTPAddr}, nil
}

// hold runs attempt until it succeeds or fails with an error that is not
// errRetry. Retries back off from 5 ms to 100 ms; the hold timeout starts at
// the first retryable failure.
func (p *Peer) hold(ctx context.Context, attempt func() error) error {
	var deadline *time.Timer
	backoff := 5 * time.Millisecond
	for {
		err := attempt()
		if err == nil || !errors.Is(err, errRetry) {
			return err
		}
		if deadline == nil {
			deadline = time.NewTimer(p.cfg.HoldTimeout)
			defer deadline.Stop()
		}
		wait := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			wait.Stop()
			return ctxErr(ctx, err)
		case <-p.closed:
			wait.Stop()
			return ErrClosed
		case <-deadline.C:
			wait.Stop()
			return fmt.Errorf("%w after %v (last: %s)", ErrNoLeader, p.cfg.HoldTimeout, unwrapRetry(err))
		case <-wait.C:
		}
		backoff = min(2*backoff, 100*time.Millisecond)
	}
}

func ctxErr(ctx context.Context, last error) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w: %w (last: %s)", ErrTimeout, ctx.Err(), unwrapRetry(last))
	}
	return ctx.Err()
}

func unwrapRetry(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}

// applyLocal applies on this peer, which must be the leader. It never
// forwards. With a batcher, concurrent calls (local and forwarded) share
// one raft entry; each still gets its own Apply value. The wait for commit is bounded by raft: a leader that loses its
// quorum steps down after LeaderLeaseTimeout and fails the future.
func (p *Peer) applyLocal(ctx context.Context, cmd []byte) (Applied, error) {
	if p.batch != nil {
		return p.batch.submit(ctx, cmd)
	}
	timeout := p.cfg.ApplyTimeout
	if dl, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(dl))
	}
	if timeout <= 0 {
		return Applied{}, ErrTimeout
	}
	f := p.raftApply(cmd, timeout)
	if err := f.Error(); err != nil {
		return Applied{}, raftErr(err)
	}
	return encodeResponse(f.Index(), f.Response())
}

func encodeResponse(index uint64, v any) (Applied, error) {
	a := Applied{Index: index}
	if v == nil {
		return a, nil
	}
	if err, ok := v.(error); ok {
		return a, &FSMError{Message: err.Error()}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return a, fmt.Errorf("encode fsm apply value at index %d: %w", index, err)
	}
	a.Response = b
	return a, nil
}

// raftErr maps raft's errors onto the package's sentinels.
func raftErr(err error) error {
	switch {
	case errors.Is(err, raft.ErrNotLeader), errors.Is(err, raft.ErrLeadershipTransferInProgress):
		return fmt.Errorf("%w: %w", ErrNotLeader, err)
	case errors.Is(err, raft.ErrLeadershipLost):
		return fmt.Errorf("%w: %w", ErrLeadershipLost, err)
	case errors.Is(err, raft.ErrEnqueueTimeout):
		return fmt.Errorf("%w: %w", ErrTimeout, err)
	case errors.Is(err, raft.ErrRaftShutdown):
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return err
}

// raftApply is raft.Apply that refuses commands once raft has shut down.
// With a buffered apply channel (raft's BatchApplyCh, which raftConfig
// leaves off for this reason) raft.Apply may accept a command after
// Shutdown that no loop will ever answer; a command forwarded to a peer that
// just left would then hang its caller. The check keeps that answer prompt
// and explicit whatever the channel.
func (p *Peer) raftApply(cmd []byte, timeout time.Duration) raft.ApplyFuture {
	if p.raft.State() == raft.Shutdown {
		return failedFuture{raft.ErrRaftShutdown}
	}
	return p.raft.Apply(cmd, timeout)
}

// failedFuture is an ApplyFuture that has already failed.
type failedFuture struct{ err error }

func (f failedFuture) Error() error  { return f.err }
func (f failedFuture) Index() uint64 { return 0 }
func (f failedFuture) Response() any { return nil }
