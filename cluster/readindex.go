package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hashicorp/raft"
)

// ReadIndexPath is the internal route a follower asks the leader for a
// read index on (see ReadIndex).
const ReadIndexPath = "/_miroir/internal/read-index"

// wireReadIndex is the answer of ReadIndexPath.
type wireReadIndex struct {
	Index uint64 `json:"index"`
}

// ReadIndex returns a linearizable read point: once the local FSM applied
// it (WaitApplied), the local state reflects every command committed
// before ReadIndex was called, so a read served from it is never older
// than a write another client already saw acknowledged. The leader
// confirms with a quorum that it still leads (raft's VerifyLeader, one
// heartbeat round) and that an entry of its own term has committed, then
// answers its commit index; a follower asks the leader for it over
// ReadIndexPath (one round trip; the call is abandoned as soon as another
// leader is seen). While no leader is reachable it holds like Apply, then
// fails with ErrNoLeader. The index never points at an entry the FSM does
// not apply (raft no-op and configuration entries), so WaitApplied
// always reaches it.
//
// Concurrent calls share rounds: a call joins the next round to start, and
// a round starts only once the previous one ended, so the round a call
// waits for always began after the call did (which keeps it
// linearizable) while a burst of reads costs one leader round trip per
// round instead of one per read.
func (p *Peer) ReadIndex(ctx context.Context) (uint64, error) {
	if !p.isStarted() {
		return 0, ErrClosed
	}
	select {
	case <-p.closed:
		return 0, ErrClosed
	default:
	}
	r := p.reads.join(p.runReadRound)
	select {
	case <-r.done:
		return r.idx, r.err
	case <-ctx.Done():
		return 0, ctxErr(ctx, errors.New("read index round still running"))
	}
}

// runReadRound obtains one read index for every caller of round r. It is
// bounded by the hold (then ErrNoLeader) and ends with the peer.
func (p *Peer) runReadRound(r *readRound) {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.HoldTimeout+p.cfg.ApplyTimeout)
	defer cancel()
	r.err = p.hold(ctx, func() error {
		var err error
		r.idx, err = p.readIndexOnce(ctx)
		return err
	})
}

// ReadBarrier is ReadIndex followed by WaitApplied: when it returns nil,
// reads of the local FSM are linearizable.
func (p *Peer) ReadBarrier(ctx context.Context) error {
	idx, err := p.ReadIndex(ctx)
	if err != nil {
		return err
	}
	return p.WaitApplied(ctx, idx)
}

// CommitIndex is raft's commit index as this peer knows it, lowered to the
// last entry the FSM applies, so WaitApplied reaches it. It is local (no
// round trip): on a follower it lags the leader's by up to a heartbeat, so
// it is a catch-up target, not a linearizable read point (ReadIndex is).
func (p *Peer) CommitIndex() uint64 {
	if !p.isStarted() {
		return p.tracker.get()
	}
	return p.commandIndexAtOrBelow(p.raft.CommitIndex())
}

func (p *Peer) readIndexOnce(ctx context.Context) (uint64, error) {
	if p.raft.State() == raft.Leader {
		idx, err := p.readIndexLocal(ctx)
		if errors.Is(err, ErrNotLeader) || errors.Is(err, ErrLeadershipLost) {
			err = errors.Join(errRetry, err)
		}
		return idx, err
	}
	to, err := p.leaderTarget()
	if err != nil {
		return 0, err
	}
	var w wireReadIndex
	err = p.callInternal(ctx, to, ReadIndexPath, nil, &w)
	if errors.Is(err, errNoRoute) {
		// An older leader without the route: the best this peer can do is
		// catch up with the commit index it knows.
		return p.CommitIndex(), nil
	}
	return w.Index, err
}

// readIndexLocal runs on the leader. A leader whose commit index is still
// an entry of an older term has not yet committed its first entry (raft's
// no-op): until then its commit index may be behind what the previous
// leader acknowledged, so it answers not-leader and the caller retries.
func (p *Peer) readIndexLocal(ctx context.Context) (uint64, error) {
	if p.raft.State() != raft.Leader {
		return 0, ErrNotLeader
	}
	if err := p.VerifyLeader(ctx); err != nil {
		return 0, err
	}
	term, commit := p.raft.CurrentTerm(), p.raft.CommitIndex()
	var l raft.Log
	if err := p.bolt.GetLog(commit, &l); err == nil && l.Term != term {
		return 0, fmt.Errorf("%w: the new leader has not committed an entry of term %d yet", ErrNotLeader, term)
	}
	return p.commandIndexAtOrBelow(commit), nil
}

// commandIndexAtOrBelow is the highest index <= i that the FSM will have
// applied once it applied every command up to i: the last command entry
// at or below i, scanning back over the no-op and configuration entries
// the FSM never sees (a new leader's first entry is a no-op, so its commit
// index often is one). A compacted entry is covered by the snapshot the
// FSM already holds, and an index the FSM already passed needs no scan;
// both answer what the FSM has applied.
func (p *Peer) commandIndexAtOrBelow(i uint64) uint64 {
	floor := p.fsmApplied()
	for j := i; j > floor; j-- {
		var l raft.Log
		if err := p.bolt.GetLog(j, &l); err != nil {
			return floor
		}
		if l.Type == raft.LogCommand {
			return j
		}
	}
	return min(i, floor)
}

// fsmApplied is the FSM's own applied index when it reports one (it counts
// commands only), else the tracker's.
func (p *Peer) fsmApplied() uint64 {
	if ai, ok := p.fsm.(appliedIndexer); ok {
		return ai.AppliedIndex()
	}
	return p.tracker.get()
}

func (p *Peer) serveReadIndex(w http.ResponseWriter, r *http.Request) {
	if !p.isStarted() {
		writeWireError(w, http.StatusServiceUnavailable, codeClosed, "peer is not running")
		return
	}
	idx, err := p.readIndexLocal(r.Context())
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, wireReadIndex{Index: idx})
}
