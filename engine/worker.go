package engine

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/miroir-search/miroir/meili"
	bolt "go.etcd.io/bbolt"
)

// outcome is what processing one task produced: its details (nil keeps the
// enqueued ones), an error that fails the task, and catalog writes that must
// commit in the same transaction as the task's final status.
type outcome struct {
	details json.RawMessage
	err     error
	commit  func(tx *bolt.Tx) error
	publish func() // in-memory catalog changes, run after commit succeeds
}

// runWorker processes tasks one at a time until ctx ends. A task that was
// interrupted by Shutdown stays "processing" on disk and is re-run by the
// next start.
func (s *Server) runWorker(ctx context.Context) {
	for {
		t, ok := s.q.next()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-s.q.wake:
			}
			continue
		}
		if ctx.Err() != nil {
			return
		}
		if err := s.processTask(ctx, t); err != nil {
			if ctx.Err() != nil {
				return
			}
			// Only the store failing lands here; retrying would spin.
			s.log.Error("task queue stopped: cannot record task status", "task", t.UID, "err", err)
			<-ctx.Done()
			return
		}
	}
}

func (s *Server) processTask(ctx context.Context, t task) error {
	now := time.Now().UTC()
	batch := s.nextBatchUID()
	t.Status, t.StartedAt, t.BatchUID = statusProcessing, &now, &batch
	if err := s.q.update([]task{t}, func(tx *bolt.Tx) error { return setCounter(tx, metaNextBatch, batch+1) }); err != nil {
		return err
	}
	var p payload
	var out outcome
	if err := s.st.payload(t.UID, &p); err != nil {
		out.err = internalErr(err)
	} else {
		out = s.execute(ctx, &t, &p)
	}
	if ctx.Err() != nil && errors.Is(out.err, context.Canceled) {
		return ctx.Err()
	}
	if out.details != nil {
		t.Details = out.details
	}
	status := statusSucceeded
	if out.err != nil {
		status = statusFailed
		t.Error = s.toMeili(out.err)
		if t.Error.Code == meili.CodeInternal {
			s.log.Error("task failed", "task", t.UID, "type", t.Type, "err", out.err)
		}
	}
	t.finish(status, time.Now().UTC())
	if err := s.q.update([]task{t}, out.commit); err != nil {
		return err
	}
	if out.publish != nil {
		out.publish()
	}
	s.hooks.finished(t)
	s.log.Debug("task finished", "task", t.UID, "type", t.Type, "index", t.index(), "status", t.Status, "duration", t.FinishedAt.Sub(*t.StartedAt))
	return nil
}

func (s *Server) nextBatchUID() uint64 {
	var n uint64
	_ = s.st.db.View(func(tx *bolt.Tx) error { n = counter(tx, metaNextBatch); return nil })
	return n
}

// execute runs one task and reports its outcome; it never touches the task
// record itself.
func (s *Server) execute(ctx context.Context, t *task, p *payload) outcome {
	switch t.Type {
	case kindIndexCreation:
		return s.execCreateIndex(t, p)
	case kindIndexUpdate:
		return s.execUpdateIndex(t, p)
	case kindIndexDeletion:
		return s.execDeleteIndex(t)
	case kindIndexSwap:
		return s.execSwap(t, p)
	case kindDocumentAdditionOrUpdate:
		return s.execAddDocuments(ctx, t, p)
	case kindDocumentDeletion:
		return s.execDeleteDocuments(ctx, t, p)
	case kindSettingsUpdate:
		return s.execSettings(t, p)
	case kindTaskCancelation:
		return s.execCancel(t, p)
	case kindTaskDeletion:
		return s.execDeleteTasks(t, p)
	case kindExport:
		return s.execExportRemote(ctx, p)
	case kindDumpCreation, kindSnapshotCreation:
		return s.execExport(t)
	case kindIndexCompaction:
		_, _, err := s.idx.mustGet(t.index())
		return outcome{err: err}
	}
	return outcome{err: notImplemented("Task type " + t.Type)}
}
