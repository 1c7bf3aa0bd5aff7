package proxy

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/miroir-search/miroir/store"
)

// recorder coalesces the node task uids of many client writes into one
// Catalog.RecordNodeTasks call (one raft entry) per flush.
type recorder struct {
	cat      Catalog
	interval time.Duration
	log      *slog.Logger
	kick     chan struct{}

	mu      sync.Mutex
	pending []store.NodeTasks
	waiters []chan error
}

func newRecorder(cat Catalog, interval time.Duration, log *slog.Logger) *recorder {
	return &recorder{cat: cat, interval: interval, log: log, kick: make(chan struct{}, 1)}
}

// record queues entries and waits until they are committed, so a task's
// node tasks are known to every peer before its 202 is sent. Without a
// running loop (Start not called) it commits directly.
func (r *recorder) record(ctx context.Context, entry store.NodeTasks, running bool) error {
	if !running {
		return r.cat.RecordNodeTasks(ctx, []store.NodeTasks{entry})
	}
	done := make(chan error, 1)
	r.mu.Lock()
	r.pending = append(r.pending, entry)
	r.waiters = append(r.waiters, done)
	r.mu.Unlock()
	select {
	case r.kick <- struct{}{}:
	default:
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r *recorder) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			r.flush(context.Background())
			return
		case <-r.kick:
		}
		// Let concurrent writers join this batch.
		t := time.NewTimer(r.interval)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		r.flush(ctx)
	}
}

func (r *recorder) flush(ctx context.Context) {
	r.mu.Lock()
	entries, waiters := r.pending, r.waiters
	r.pending, r.waiters = nil, nil
	r.mu.Unlock()
	if len(entries) == 0 {
		return
	}
	err := r.cat.RecordNodeTasks(ctx, entries)
	if err != nil {
		r.log.Warn("recording node tasks failed", "entries", len(entries), "err", err)
	}
	for _, w := range waiters {
		w <- err
	}
}
