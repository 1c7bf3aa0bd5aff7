package meili

import (
	"encoding/json"
	"time"
)

// Batch is GET /batches/{uid} (Meilisearch's BatchView). miroir
// synthesises batches, e.g. one per logical task.
type Batch struct {
	UID           uint64         `json:"uid"`
	Progress      *BatchProgress `json:"progress"`
	Details       TaskDetails    `json:"details"`
	Stats         BatchStats     `json:"stats"`
	Duration      *string        `json:"duration"`
	StartedAt     time.Time      `json:"startedAt"`
	FinishedAt    *time.Time     `json:"finishedAt"`
	BatchStrategy string         `json:"batchStrategy"`
}

// BatchProgress is a running batch's progress.
type BatchProgress struct {
	Steps      []BatchProgressStep `json:"steps"`
	Percentage float64             `json:"percentage"`
}

// BatchProgressStep is one step of a batch's progress.
type BatchProgressStep struct {
	CurrentStep string `json:"currentStep"`
	Finished    int    `json:"finished"`
	Total       int    `json:"total"`
}

// BatchStats counts a batch's tasks by status, type and index.
type BatchStats struct {
	TotalNbTasks           uint64                     `json:"totalNbTasks"`
	Status                 map[TaskStatus]uint64      `json:"status"`
	Types                  map[TaskType]uint64        `json:"types"`
	IndexUIDs              map[string]uint64          `json:"indexUids"`
	ProgressTrace          map[string]json.RawMessage `json:"progressTrace,omitempty"`
	WriteChannelCongestion map[string]json.RawMessage `json:"writeChannelCongestion,omitempty"`
	InternalDatabaseSizes  map[string]json.RawMessage `json:"internalDatabaseSizes,omitempty"`
}

// BatchList is the body of GET /batches (cursor paging like TaskList).
type BatchList struct {
	Results []Batch `json:"results"`
	Total   uint64  `json:"total"`
	Limit   int     `json:"limit"`
	From    *uint64 `json:"from"`
	Next    *uint64 `json:"next"`
}

// BatchOf synthesises the batch of a single task, as miroir reports one
// logical task per batch: same uid, timing and details, stats of one task.
func BatchOf(t *Task, strategy string) Batch {
	b := Batch{UID: t.UID, Duration: t.Duration, FinishedAt: t.FinishedAt, BatchStrategy: strategy,
		Stats: BatchStats{TotalNbTasks: 1, Status: map[TaskStatus]uint64{t.Status: 1},
			Types: map[TaskType]uint64{t.Type: 1}, IndexUIDs: map[string]uint64{}}}
	if t.BatchUID != nil {
		b.UID = *t.BatchUID
	}
	if t.Details != nil {
		b.Details = *t.Details
	}
	if t.StartedAt != nil {
		b.StartedAt = *t.StartedAt
	}
	if t.IndexUID != nil {
		b.Stats.IndexUIDs[*t.IndexUID] = 1
	}
	return b
}
