package fsm

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hashicorp/raft"

	"github.com/miroir-search/miroir/store"
)

// FSM applies miroir's raft log to a store.State. It implements
// raft.FSM and raft.BatchingFSM. See the package comment for the contracts.
type FSM struct {
	logger *slog.Logger

	mu      sync.RWMutex // guards state; Apply and Restore write, Read reads
	state   *store.State
	applied uint64 // index of the last command applied; guarded by mu and nmu

	nmu    sync.Mutex    // guards notify and the waiters' view of applied
	notify chan struct{} // closed when applied advances; nil when nobody waits

	restores uint64 // number of Restore calls; guarded by mu

	dmu    sync.Mutex // guards digest
	digest cachedDigest

	metrics *Metrics // nil without WithMetrics
}

var (
	_ raft.FSM         = (*FSM)(nil)
	_ raft.BatchingFSM = (*FSM)(nil)
)

// New returns an FSM over an empty state. It starts nothing.
func New(logger *slog.Logger, opts ...Option) *FSM {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	f := &FSM{logger: logger, state: store.New()}
	for _, o := range opts {
		o(f)
	}
	return f
}

// Apply applies one committed entry and returns its Result (a value, never
// a pointer), or BatchResults for a CmdBatch entry. Entries other than
// commands return nil. A corrupt entry
// (unknown non-ignorable type, undecodable payload) panics: continuing
// would let this peer's state diverge from the others'.
func (f *FSM) Apply(l *raft.Log) interface{} {
	if l.Type != raft.LogCommand {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.applyLocked(l.Index, l.Data)
	f.advanceLocked(l.Index)
	return r
}

// ApplyBatch applies entries in order under one lock acquisition; raft uses
// it instead of Apply. Configuration entries get a nil response.
func (f *FSM) ApplyBatch(logs []*raft.Log) []interface{} {
	out := make([]interface{}, len(logs))
	f.mu.Lock()
	defer f.mu.Unlock()
	last := uint64(0)
	for i, l := range logs {
		if l.Type != raft.LogCommand {
			continue
		}
		out[i] = f.applyLocked(l.Index, l.Data)
		last = l.Index
	}
	if last != 0 {
		f.advanceLocked(last)
	}
	return out
}

func (f *FSM) applyLocked(index uint64, data []byte) any {
	cmd, err := DecodeCommand(data)
	if err != nil {
		panic(fmt.Sprintf("fsm: corrupt raft log entry at index %d: %v", index, err))
	}
	if b, ok := cmd.Payload.(*Batch); ok {
		return f.applyBatchLocked(index, b)
	}
	return f.applyCommandLocked(index, cmd)
}

// applyCommandLocked applies one decoded command that is not a batch.
func (f *FSM) applyCommandLocked(index uint64, cmd Command) Result {
	if f.metrics != nil {
		defer f.metrics.observeApply(cmd.Type, time.Now())
	}
	if cmd.Payload == nil {
		f.logger.Warn("skipping unknown ignorable command", "type", int(cmd.Type), "index", index)
		return Result{}
	}
	m := cmd.Payload.meta()
	if raw, ok := f.state.RecallRequest(m.RequestID); ok {
		var r Result
		if err := json.Unmarshal(raw, &r); err != nil {
			panic(fmt.Sprintf("fsm: remembered result of request %q is corrupt: %v", m.RequestID, err))
		}
		return r
	}
	if m.Time.IsZero() || !store.ValidTime(m.Time) {
		// Not remembered: the record's own time would be invalid.
		return newResult(nil, &store.Error{Kind: store.ErrInvalid,
			Message: "the command carries no valid time; the proposer must stamp it"})
	}
	res := newResult(cmd.Payload.apply(f.state, m.Time))
	raw, err := json.Marshal(res)
	if err != nil {
		panic(fmt.Sprintf("fsm: encode result at index %d: %v", index, err))
	}
	f.state.RememberRequest(m.RequestID, m.Time, raw)
	return res
}

// advanceLocked publishes a new applied index and wakes the waiters.
// Callers hold mu, so a woken waiter that then calls Read sees the state
// at least as of index.
func (f *FSM) advanceLocked(index uint64) {
	f.nmu.Lock()
	f.applied = index
	if f.notify != nil {
		close(f.notify)
		f.notify = nil
	}
	f.nmu.Unlock()
}

// AppliedIndex is the raft index of the last command entry applied (or of
// the snapshot restored). Entries that are not commands do not move it.
func (f *FSM) AppliedIndex() uint64 {
	f.nmu.Lock()
	defer f.nmu.Unlock()
	return f.applied
}

// WaitApplied blocks until the FSM has applied the command at index (or a
// later one), or ctx ends. It is cheap: waiters share one channel that
// Apply closes. Use it with indexes of command entries (the index
// cluster's Apply returns); raft.Barrier already implies the FSM caught up.
func (f *FSM) WaitApplied(ctx context.Context, index uint64) error {
	for {
		f.nmu.Lock()
		if f.applied >= index {
			f.nmu.Unlock()
			return nil
		}
		if f.notify == nil {
			f.notify = make(chan struct{})
		}
		ch := f.notify
		f.nmu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Read runs fn with the current state under a read lock: fn sees one
// consistent state, and Apply waits until fn returns, so fn must be quick
// and must not call back into the FSM. fn must not modify the state nor
// keep s, or any map or slice reached from it, after it returns: copy what
// it needs (values returned by State accessors are copies whose maps and
// slices are shared and read-only).
func (f *FSM) Read(fn func(s *store.State)) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	fn(f.state)
}
