package store

import (
	"encoding/json"
	"maps"
	"time"
)

// TaskUpdate is one status transition reported by the task watcher.
type TaskUpdate struct {
	UID     uint64          `json:"uid"`
	Status  TaskStatus      `json:"status"`
	At      time.Time       `json:"at,omitzero"`       // when it happened; zero = the command time
	Details json.RawMessage `json:"details,omitempty"` // replaces the details when set
	Error   *TaskError      `json:"error,omitempty"`   // set with status failed

	// DeletesIndex makes a transition to succeeded also remove the task's
	// index from the catalog, in the same command, so the deletion and the
	// task's success are one atomic change (no retry can tell them apart).
	// When the index is already gone, the task fails with IndexGone
	// instead: an earlier deletion removed it, and Meilisearch, which runs
	// an index's tasks in uid order, fails the later of two deletions.
	DeletesIndex bool       `json:"deletesIndex,omitempty"`
	IndexGone    *TaskError `json:"indexGone,omitempty"`
}

// ItemError is the failure of one item of a batched command; the other
// items of the command still apply.
type ItemError struct {
	UID uint64
	Err error
}

// UpdateTasks applies status transitions. Allowed: enqueued -> processing or
// any terminal status; processing -> terminal; a non-terminal status to
// itself (to update details). Repeating a terminal status is a no-op, so
// the watcher may resend; any other change of a terminal task fails.
func (s *State) UpdateTasks(us []TaskUpdate, at time.Time) []ItemError {
	var errs []ItemError
	for _, u := range us {
		if err := s.updateTask(u, utc(at)); err != nil {
			errs = append(errs, ItemError{UID: u.UID, Err: err})
		}
	}
	return errs
}

func (s *State) updateTask(u TaskUpdate, at time.Time) error {
	i, ok := s.taskPos(u.UID)
	if !ok {
		return taskNotFound(u.UID)
	}
	t := *s.tasks[i]
	if !u.Status.valid() {
		return errorf(ErrInvalid, "unknown task status `%s`", u.Status)
	}
	if err := checkTime("the update time", u.At); err != nil {
		return err
	}
	if t.Status.Terminal() {
		if t.Status == u.Status {
			return nil
		}
		return errorf(ErrInvalidTaskState, "Task `%d` is already %s.", t.UID, t.Status)
	}
	if u.Status == TaskEnqueued && t.Status == TaskProcessing {
		return errorf(ErrInvalidTaskState, "Task `%d` is processing; it cannot be enqueued again.", t.UID)
	}
	details, err := compactJSON(u.Details)
	if err != nil {
		return err
	}
	when := at
	if !u.At.IsZero() {
		when = utc(u.At)
	}
	if u.DeletesIndex && u.Status == TaskSucceeded {
		if err := s.DeleteIndex(t.IndexUID); err != nil {
			if u.IndexGone == nil {
				return err
			}
			u.Status, u.Error = TaskFailed, u.IndexGone
		}
	}
	next := transition(t, u, details, when)
	s.tasks[i] = &next
	return nil
}

// transition returns t moved to u.Status at when.
func transition(t Task, u TaskUpdate, details json.RawMessage, when time.Time) Task {
	t.Status = u.Status
	if details != nil {
		t.Details = details
	}
	if u.Error != nil {
		e := *u.Error
		t.Error = &e
	}
	if u.Status != TaskEnqueued && t.StartedAt.IsZero() {
		t.StartedAt = when
	}
	if u.Status.Terminal() {
		t.FinishedAt = when
	}
	return t
}

// NodeTasks names the node tasks behind one client task.
type NodeTasks struct {
	TaskUID   uint64            `json:"taskUid"`
	NodeTasks map[string]uint64 `json:"nodeTasks"` // node id -> node task uid
}

// RecordNodeTasks merges node task uids into their tasks (a later entry for
// the same node replaces the earlier one). Unknown tasks are reported.
func (s *State) RecordNodeTasks(entries []NodeTasks) []ItemError {
	var errs []ItemError
	for _, e := range entries {
		i, ok := s.taskPos(e.TaskUID)
		if !ok {
			errs = append(errs, ItemError{UID: e.TaskUID, Err: taskNotFound(e.TaskUID)})
			continue
		}
		t := *s.tasks[i]
		merged := make(map[string]uint64, len(t.NodeTasks)+len(e.NodeTasks))
		maps.Copy(merged, t.NodeTasks)
		maps.Copy(merged, e.NodeTasks)
		t.NodeTasks = merged
		s.tasks[i] = &t
	}
	return errs
}

// CancelTasks cancels every enqueued or processing task that matches f and
// was registered before the canceling task by (Meilisearch matches a
// cancelation against the tasks that existed when it was enqueued), and
// returns their uids in order.
func (s *State) CancelTasks(f TaskFilter, by uint64, at time.Time) []uint64 {
	var uids []uint64
	m := f.matcher()
	for i, p := range s.tasks {
		if p.UID >= by {
			break
		}
		if p.Status.Terminal() || !m.match(p) {
			continue
		}
		t := transition(*p, TaskUpdate{Status: TaskCanceled}, nil, utc(at))
		canceler := by
		t.CanceledBy = &canceler
		s.tasks[i] = &t
		uids = append(uids, t.UID)
	}
	return uids
}

// DeleteTasks deletes every finished task that matches f and returns their
// uids in order. Enqueued and processing tasks are never deleted.
func (s *State) DeleteTasks(f TaskFilter) []uint64 {
	var uids []uint64
	m := f.matcher()
	s.removeTasks(func(t *Task) bool {
		del := t.Status.Terminal() && m.match(t)
		if del {
			uids = append(uids, t.UID)
		}
		return del
	})
	return uids
}

// PruneTasks deletes finished tasks that finished before cutoff and returns
// how many it deleted.
func (s *State) PruneTasks(cutoff time.Time) int {
	cutoff = utc(cutoff)
	n := 0
	s.removeTasks(func(t *Task) bool {
		del := t.Status.Terminal() && t.FinishedAt.Before(cutoff)
		if del {
			n++
		}
		return del
	})
	return n
}

// Task queue bounds, as in Meilisearch: when the queue holds TaskQueueMax
// tasks, the oldest TaskQueueTrim finished ones are deleted. Part of the
// state's definition, like RequestMemoryMax.
const (
	TaskQueueMax  = 1_000_000
	TaskQueueTrim = 100_000
)

// trimTasks deletes up to trim of the oldest finished tasks once the queue
// holds max tasks or more.
func (s *State) trimTasks(max, trim int) {
	if len(s.tasks) < max {
		return
	}
	n := 0
	s.removeTasks(func(t *Task) bool {
		del := n < trim && t.Status.Terminal()
		if del {
			n++
		}
		return del
	})
}

// removeTasks rebuilds the task slice without the tasks del selects, so
// the memory of deleted tasks is released.
func (s *State) removeTasks(del func(*Task) bool) {
	kept := make([]*Task, 0, len(s.tasks))
	for _, t := range s.tasks {
		if !del(t) {
			kept = append(kept, t)
		}
	}
	s.tasks = kept
}

func taskNotFound(uid uint64) error {
	return errorf(ErrTaskNotFound, "Task `%d` not found.", uid)
}
