package fsm

import (
	"time"

	"github.com/miroir-search/miroir/store"
)

// RegisterTasks allocates one task uid per task, in order, strictly
// increasing across the log. Many client writes coalesced into one command
// each get their own uid. All tasks register or none (validation errors).
// Result: RegisterTasksResult.
type RegisterTasks struct {
	Meta
	Tasks []store.NewTask `json:"tasks"`
}

// RegisterTasksResult is the Apply value of RegisterTasks, in input order.
type RegisterTasksResult struct {
	Tasks []store.RegisteredTask `json:"tasks"`
}

func (RegisterTasks) Type() CommandType { return CmdRegisterTasks }
func (c RegisterTasks) apply(s *store.State, at time.Time) (any, error) {
	reg, err := s.RegisterTasks(c.Tasks, at)
	if err != nil {
		return nil, err
	}
	return RegisterTasksResult{Tasks: reg}, nil
}

// RecordNodeTasks records the node task uids behind many client tasks.
// Result: BatchResult (unknown tasks are listed, the rest apply).
type RecordNodeTasks struct {
	Meta
	Entries []store.NodeTasks `json:"entries"`
}

func (RecordNodeTasks) Type() CommandType { return CmdRecordNodeTasks }
func (c RecordNodeTasks) apply(s *store.State, _ time.Time) (any, error) {
	return batchResult(s.RecordNodeTasks(c.Entries)), nil
}

// UpdateTasks commits task status transitions decided by the task watcher.
// Result: BatchResult (refused transitions are listed, the rest apply).
type UpdateTasks struct {
	Meta
	Updates []store.TaskUpdate `json:"updates"`
}

func (UpdateTasks) Type() CommandType { return CmdUpdateTasks }
func (c UpdateTasks) apply(s *store.State, at time.Time) (any, error) {
	return batchResult(s.UpdateTasks(c.Updates, at)), nil
}

// BatchResult is the Apply value of batched task commands: the items that
// did not apply.
type BatchResult struct {
	Failed []ItemFailure `json:"failed,omitempty"`
}

// ItemFailure is one item of a batched command that did not apply.
type ItemFailure struct {
	UID     uint64 `json:"uid"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func batchResult(errs []store.ItemError) BatchResult {
	var r BatchResult
	for _, e := range errs {
		r.Failed = append(r.Failed, ItemFailure{UID: e.UID, Code: CodeOf(e.Err), Message: e.Err.Error()})
	}
	return r
}

// CancelTasks cancels the enqueued and processing tasks matching Filter as
// of this log index, among those registered before CanceledBy (the uid of
// the taskCancelation task, registered first).
// An empty filter matches every task: Meilisearch refuses that request
// (missing_task_filters), so the proposer must. Result: TaskUIDsResult.
type CancelTasks struct {
	Meta
	Filter     store.TaskFilter `json:"filter"`
	CanceledBy uint64           `json:"canceledBy"`
}

// TaskUIDsResult lists the tasks a cancel or delete affected, in uid order.
type TaskUIDsResult struct {
	UIDs []uint64 `json:"uids"`
}

func (CancelTasks) Type() CommandType { return CmdCancelTasks }
func (c CancelTasks) apply(s *store.State, at time.Time) (any, error) {
	return TaskUIDsResult{UIDs: nonNil(s.CancelTasks(c.Filter, c.CanceledBy, at))}, nil
}

// DeleteTasks deletes the finished tasks matching Filter (see CancelTasks
// about empty filters). Set Filter.UIDsBelow to the taskDeletion task's uid
// to match only the tasks that existed when it was enqueued, as
// Meilisearch does. Result: TaskUIDsResult.
type DeleteTasks struct {
	Meta
	Filter store.TaskFilter `json:"filter"`
}

func (DeleteTasks) Type() CommandType { return CmdDeleteTasks }
func (c DeleteTasks) apply(s *store.State, _ time.Time) (any, error) {
	return TaskUIDsResult{UIDs: nonNil(s.DeleteTasks(c.Filter))}, nil
}

// PruneTasks deletes finished tasks that finished before Before; the
// leader issues it with Before = now - retention (default 7 days).
// Result: PruneResult.
type PruneTasks struct {
	Meta
	Before time.Time `json:"before"`
}

// PruneResult is the Apply value of PruneTasks.
type PruneResult struct {
	Pruned int `json:"pruned"`
}

func (PruneTasks) Type() CommandType { return CmdPruneTasks }
func (c PruneTasks) apply(s *store.State, _ time.Time) (any, error) {
	return PruneResult{Pruned: s.PruneTasks(c.Before)}, nil
}

func nonNil(u []uint64) []uint64 {
	if u == nil {
		return []uint64{}
	}
	return u
}
