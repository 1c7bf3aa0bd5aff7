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
	perTask []json.RawMessage // details of each task of a batch, when they differ
	err     error
	commit  func(tx *bolt.Tx) error
	publish func() // in-memory catalog changes, run after commit succeeds and before the tasks show finished
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

func (s *Server) processTask(ctx context.Context, first task) error {
	var p0 payload
	loadErr := s.st.payload(first.UID, &p0)
	group, ps := s.gather(first, &p0, loadErr)
	now := time.Now().UTC()
	batch := s.nextBatchUID()
	for i := range group {
		group[i].Status, group[i].StartedAt, group[i].BatchUID = statusProcessing, &now, &batch
	}
	if err := s.q.update(group, func(tx *bolt.Tx) error { return setCounter(tx, metaNextBatch, batch+1) }, nil); err != nil {
		return err
	}
	var out outcome
	switch {
	case loadErr != nil:
		out.err = internalErr(loadErr)
	case first.Type == kindDocumentAdditionOrUpdate:
		out = s.execAddDocuments(ctx, group, ps)
	default:
		out = s.execute(ctx, &group[0], ps[0])
	}
	if ctx.Err() != nil && errors.Is(out.err, context.Canceled) {
		return ctx.Err()
	}
	s.settle(group, out)
	if err := s.q.update(group, out.commit, out.publish); err != nil {
		return err
	}
	for _, t := range group {
		s.hooks.finished(t)
		s.log.Debug("task finished", "task", t.UID, "type", t.Type, "index", t.index(), "status", t.Status, "duration", t.FinishedAt.Sub(*t.StartedAt))
	}
	return nil
}

// settle gives every task of a batch its details and final status; an
// error fails the whole batch, as in Meilisearch.
func (s *Server) settle(group []task, out outcome) {
	var me *meili.Error
	if out.err != nil {
		me = s.toMeili(out.err)
		if me.Code == meili.CodeInternal {
			s.log.Error("task failed", "task", group[0].UID, "type", group[0].Type, "err", out.err)
		}
	}
	now := time.Now().UTC()
	for i := range group {
		switch {
		case i < len(out.perTask):
			group[i].Details = out.perTask[i]
		case out.details != nil:
			group[i].Details = out.details
		}
		status := statusSucceeded
		if me != nil {
			status, group[i].Error = statusFailed, me
		}
		group[i].finish(status, now)
	}
}

// maxBatchDocuments bounds how many documents one autobatch applies.
const maxBatchDocuments = 200_000

// gather returns the tasks to process with first: first alone, or, for a
// document addition, the run of enqueued additions to the same index with
// the same options right after it (Meilisearch's autobatching).
func (s *Server) gather(first task, p0 *payload, loadErr error) ([]task, []*payload) {
	group, ps := []task{first}, []*payload{p0}
	if loadErr != nil || first.Type != kindDocumentAdditionOrUpdate || p0.SkipCreation || s.cfg.MaxBatchTasks < 2 {
		return group, ps
	}
	docs := len(p0.Documents)
	same := func(t *task) bool { return t.Type == kindDocumentAdditionOrUpdate && t.index() == first.index() }
	for _, next := range s.q.following(first.UID, s.cfg.MaxBatchTasks-1, same) {
		p := new(payload)
		if s.st.payload(next.UID, p) != nil || p.Replace != p0.Replace || p.PrimaryKey != p0.PrimaryKey ||
			p.SkipCreation || docs+len(p.Documents) > maxBatchDocuments {
			break
		}
		docs += len(p.Documents)
		group, ps = append(group, next), append(ps, p)
	}
	return group, ps
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
