package engine

import (
	"encoding/json"
	"slices"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// payload is what a task needs at processing time, stored next to the task
// in the same transaction that enqueues it and dropped when it finishes.
type payload struct {
	Documents    []json.RawMessage `json:"-"`                      // JSON objects, in payload order
	Replace      bool              `json:"replace,omitempty"`      // POST: replace whole documents; PUT: merge
	SkipCreation bool              `json:"skipCreation,omitempty"` // do not auto-create a missing index
	PrimaryKey   string            `json:"primaryKey,omitempty"`   // ?primaryKey= or index creation/update
	IDs          []string          `json:"ids,omitempty"`          // canonical ids to delete
	Filter       json.RawMessage   `json:"filter,omitempty"`       // delete by filter
	Clear        bool              `json:"clear,omitempty"`        // delete every document
	Settings     json.RawMessage   `json:"settings,omitempty"`     // settings patch (meili.Settings JSON)
	Swaps        []swapPair        `json:"swaps,omitempty"`
	NewUID       string            `json:"newUid,omitempty"`  // index rename
	Export       json.RawMessage   `json:"export,omitempty"`  // export request
	Query        string            `json:"query,omitempty"`   // task cancel/delete filter, canonical query string
	Matched      []uint64          `json:"matched,omitempty"` // task uids matched at enqueue time
}

type swapPair struct {
	Indexes [2]string `json:"indexes"`
	Rename  bool      `json:"rename"`
}

// queue is the in-memory mirror of the tasks bucket. Writers persist first
// and then publish in memory, so no reader ever sees a state that is not on
// disk. Readers get copies.
type queue struct {
	st    *store
	enqMu sync.Mutex // serialises uid allocation with the in-memory append

	mu      sync.RWMutex
	tasks   []*task // uid order
	byUID   map[uint64]*task
	pending []uint64 // enqueued uids, ascending
	running string   // index uid of the task being processed ("" when idle or global)
	wake    chan struct{}
}

func newQueue(st *store) (*queue, error) {
	q := &queue{st: st, byUID: map[uint64]*task{}, wake: make(chan struct{}, 1)}
	ts, err := st.loadTasks()
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if t.Status == statusProcessing {
			// Interrupted by a crash: run it again. Work that already
			// reached an index is recognised by its AppliedTaskUID.
			t.Status, t.StartedAt, t.BatchUID = statusEnqueued, nil, nil
		}
		if t.Status == statusEnqueued {
			q.pending = append(q.pending, t.UID)
		}
		q.tasks = append(q.tasks, t)
		q.byUID[t.UID] = t
	}
	return q, nil
}

// enqueue persists a new task with its payload and returns a copy.
func (q *queue) enqueue(t *task, p *payload) (task, error) {
	q.enqMu.Lock()
	defer q.enqMu.Unlock()
	t.Status = statusEnqueued
	t.EnqueuedAt = time.Now().UTC()
	err := q.st.db.Update(func(tx *bolt.Tx) error {
		t.UID = counter(tx, metaNextTask)
		if err := setCounter(tx, metaNextTask, t.UID+1); err != nil {
			return err
		}
		if err := putTask(tx, t); err != nil {
			return err
		}
		if p == nil {
			p = &payload{}
		}
		return putPayload(tx, t.UID, p)
	})
	if err != nil {
		return task{}, err
	}
	saved := *t // the worker owns *t once it is published
	q.mu.Lock()
	q.tasks = append(q.tasks, t)
	q.byUID[t.UID] = t
	q.pending = append(q.pending, t.UID)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return saved, nil
}

// get returns a copy of task uid.
func (q *queue) get(uid uint64) (task, bool) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	t, ok := q.byUID[uid]
	if !ok {
		return task{}, false
	}
	return *t, true
}

// snapshot returns copies of every task matching keep, in uid order.
func (q *queue) snapshot(keep func(*task) bool) []task {
	q.mu.RLock()
	defer q.mu.RUnlock()
	var out []task
	for _, t := range q.tasks {
		if keep(t) {
			out = append(out, *t)
		}
	}
	return out
}

// next picks the task to process: cancelation and deletion tasks first (as
// Meilisearch gives them priority), then the lowest enqueued uid.
func (q *queue) next() (task, bool) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if len(q.pending) == 0 {
		return task{}, false
	}
	for _, uid := range q.pending {
		if k := q.byUID[uid].Type; k == kindTaskCancelation || k == kindTaskDeletion {
			return *q.byUID[uid], true
		}
	}
	return *q.byUID[q.pending[0]], true
}

// following returns up to max enqueued tasks right after uid, in queue
// order, while keep accepts them.
func (q *queue) following(uid uint64, max int, keep func(*task) bool) []task {
	q.mu.RLock()
	defer q.mu.RUnlock()
	i, _ := slices.BinarySearch(q.pending, uid)
	var out []task
	for _, u := range q.pending[min(i+1, len(q.pending)):] {
		if len(out) == max || !keep(q.byUID[u]) {
			break
		}
		out = append(out, *q.byUID[u])
	}
	return out
}

// update persists new versions of tasks (dropping payloads of finished ones)
// plus any extra writes in the same transaction, then runs effects (the
// in-memory catalog changes of those writes, may be nil) and only then
// publishes the tasks: a reader that sees a task finished sees its effects.
func (q *queue) update(ts []task, extra func(tx *bolt.Tx) error, effects func()) error {
	err := q.st.db.Update(func(tx *bolt.Tx) error {
		for i := range ts {
			if err := putTask(tx, &ts[i]); err != nil {
				return err
			}
			if ts[i].finished() {
				if err := deletePayload(tx, ts[i].UID); err != nil {
					return err
				}
			}
		}
		if extra != nil {
			return extra(tx)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if effects != nil {
		effects()
	}
	q.publish(ts)
	return nil
}

// publish replaces the in-memory versions of ts (already persisted).
func (q *queue) publish(ts []task) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := range ts {
		t := ts[i]
		if cur, ok := q.byUID[t.UID]; ok {
			*cur = t
		}
		if t.Status != statusEnqueued {
			q.dropPending(t.UID)
		}
		if t.Status == statusProcessing {
			q.running = t.index()
		} else if t.finished() && q.running == t.index() {
			q.running = ""
		}
	}
}

// indexing reports whether a task of index uid is being processed.
func (q *queue) indexing(uid string) bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return uid != "" && q.running == uid
}

func (q *queue) dropPending(uid uint64) {
	if i, ok := slices.BinarySearch(q.pending, uid); ok {
		q.pending = slices.Delete(q.pending, i, i+1)
	}
}

// forget drops deleted tasks (already removed from disk) from memory.
func (q *queue) forget(uids []uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	drop := map[uint64]bool{}
	for _, u := range uids {
		drop[u] = true
		delete(q.byUID, u)
	}
	q.tasks = slices.DeleteFunc(q.tasks, func(t *task) bool { return drop[t.UID] })
}

// page returns one page of the tasks keep accepts, newest first (oldest
// first when f.reverse), starting at f.from, with the total count; only
// the page is copied.
func (q *queue) page(keep func(*task) bool, f *taskFilter) cursorPage[task] {
	q.mu.RLock()
	defer q.mu.RUnlock()
	p := cursorPage[task]{Results: []task{}, Limit: f.limit}
	n := len(q.tasks)
	for i := range n {
		t := q.tasks[n-1-i]
		if f.reverse {
			t = q.tasks[i]
		}
		if !keep(t) {
			continue
		}
		p.Total++
		if f.from != nil && ((!f.reverse && t.UID > *f.from) || (f.reverse && t.UID < *f.from)) {
			continue
		}
		switch {
		case len(p.Results) < f.limit:
			if len(p.Results) == 0 {
				first := t.UID
				p.From = &first
			}
			p.Results = append(p.Results, *t)
		case p.Next == nil:
			next := t.UID
			p.Next = &next
		}
	}
	return p
}
