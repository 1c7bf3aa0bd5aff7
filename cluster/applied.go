package cluster

import (
	"context"
	"io"
	"sync"

	"github.com/hashicorp/raft"
)

// FSM is what the cluster replicates: a raft.FSM (it may also implement
// raft.BatchingFSM) with a Digest that is equal on every peer that applied
// the same log (tests compare it). If it also implements
// AppliedIndex() uint64 (fsm.FSM does), WaitApplied is exact right after a
// snapshot restore; otherwise a waiter released by a restore waits for the
// next applied entry.
type FSM interface {
	raft.FSM
	Digest() string
}

type appliedIndexer interface{ AppliedIndex() uint64 }

// appliedTracker is the index the local FSM has applied, with a broadcast
// for waiters. raft.AppliedIndex is not used: raft advances it when it hands
// entries to the FSM goroutine, before the FSM has applied them.
type appliedTracker struct {
	mu     sync.Mutex
	index  uint64
	ch     chan struct{} // closed and replaced on every advance
	closed bool
}

func newAppliedTracker() *appliedTracker {
	return &appliedTracker{ch: make(chan struct{})}
}

func (t *appliedTracker) advance(i uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if i <= t.index {
		return
	}
	t.index = i
	close(t.ch)
	t.ch = make(chan struct{})
}

func (t *appliedTracker) get() uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.index
}

// close releases every waiter with ErrClosed.
func (t *appliedTracker) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.closed {
		t.closed = true
		close(t.ch)
	}
}

func (t *appliedTracker) wait(ctx context.Context, index uint64) error {
	for {
		t.mu.Lock()
		cur, ch, closed := t.index, t.ch, t.closed
		t.mu.Unlock()
		if cur >= index {
			return nil
		}
		if closed {
			return ErrClosed
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// trackedFSM wraps the user's FSM to advance the tracker after each apply.
type trackedFSM struct {
	inner   FSM
	tracker *appliedTracker
}

func (f *trackedFSM) Apply(l *raft.Log) any {
	v := f.inner.Apply(l)
	f.tracker.advance(l.Index)
	return v
}

func (f *trackedFSM) Snapshot() (raft.FSMSnapshot, error) { return f.inner.Snapshot() }

func (f *trackedFSM) Restore(rc io.ReadCloser) error {
	if err := f.inner.Restore(rc); err != nil {
		return err
	}
	if ai, ok := f.inner.(appliedIndexer); ok {
		f.tracker.advance(ai.AppliedIndex())
	}
	return nil
}

// trackedBatchFSM keeps raft's batching path when the user's FSM has one.
type trackedBatchFSM struct {
	*trackedFSM
	batch raft.BatchingFSM
}

func (f *trackedBatchFSM) ApplyBatch(logs []*raft.Log) []any {
	vs := f.batch.ApplyBatch(logs)
	if n := len(logs); n > 0 {
		f.tracker.advance(logs[n-1].Index)
	}
	return vs
}

func wrapFSM(f FSM, t *appliedTracker) raft.FSM {
	tf := &trackedFSM{inner: f, tracker: t}
	if b, ok := f.(raft.BatchingFSM); ok {
		return &trackedBatchFSM{trackedFSM: tf, batch: b}
	}
	return tf
}
