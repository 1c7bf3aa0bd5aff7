package cluster

import (
	"context"
	"errors"
	"sync"

	"github.com/hashicorp/raft"
)

// errLeaderChanged is the cancellation cause of an internal call whose
// target stopped being the leader this peer knows.
var errLeaderChanged = errors.New("the leader changed while the call was in flight")

// inflightCalls tracks the internal calls (forwarded applies, read-index
// requests) waiting on the leader, so that the moment this peer sees
// another leader, or none, the calls still waiting on the old one end at
// once and their callers retry the same bytes against the new leader
// (commands are idempotent by request id). Without it a call to a leader
// that was SIGSTOPped (its TCP connections stay open) waited for
// ApplyTimeout, and the forwarder's two slots stayed taken by such calls:
// writes stopped for seconds after the election had already ended.
type inflightCalls struct {
	mu    sync.Mutex
	next  uint64
	calls map[uint64]inflightCall
}

type inflightCall struct {
	leader string
	cancel context.CancelCauseFunc
}

func newInflightCalls() *inflightCalls {
	return &inflightCalls{calls: map[uint64]inflightCall{}}
}

// track derives a context for a call to leader; the context is cancelled
// with errLeaderChanged when leaderChanged names another leader. current
// is the leader known right now: a call registered after the change was
// observed is cancelled at once. done must be called when the call ends.
func (c *inflightCalls) track(ctx context.Context, leader, current string) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	c.mu.Lock()
	id := c.next
	c.next++
	c.calls[id] = inflightCall{leader: leader, cancel: cancel}
	c.mu.Unlock()
	if current != leader {
		cancel(errLeaderChanged)
	}
	return ctx, func() {
		c.mu.Lock()
		delete(c.calls, id)
		c.mu.Unlock()
		cancel(nil)
	}
}

// leaderChanged cancels every call to a leader other than leader ("" when
// none is known).
func (c *inflightCalls) leaderChanged(leader string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, call := range c.calls {
		if call.leader != leader {
			call.cancel(errLeaderChanged)
			n++
		}
	}
	return n
}

// leaderChangedErr says whether ctx ended because the leader changed.
func leaderChangedErr(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errLeaderChanged)
}

// currentLeaderID is the leader this peer knows now ("" when none).
func (p *Peer) currentLeaderID() string {
	_, id := p.raft.LeaderWithID()
	return string(id)
}

// watchLeader ends in-flight calls to a leader as soon as raft reports
// another leader (or none). It runs until ctx ends; raft's observer is
// non-blocking, so a dropped observation is made up for by reading the
// leader afresh on every one that arrives, and by track's check.
func (p *Peer) watchLeader(ctx context.Context) {
	defer p.wg.Done()
	ch := make(chan raft.Observation, 16)
	obs := raft.NewObserver(ch, false, func(o *raft.Observation) bool {
		_, ok := o.Data.(raft.LeaderObservation)
		return ok
	})
	p.raft.RegisterObserver(obs)
	defer p.raft.DeregisterObserver(obs)
	for {
		select {
		case <-ctx.Done():
			return
		case <-ch:
			leader := p.currentLeaderID()
			if n := p.inflight.leaderChanged(leader); n > 0 {
				p.logger.Info("leader changed: retrying in-flight calls to the old leader", "leader", leader, "calls", n)
			}
		}
	}
}
