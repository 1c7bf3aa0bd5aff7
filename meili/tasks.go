package meili

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// TaskStatus is a task's status.
type TaskStatus string

// The task statuses, in Meilisearch's order.
const (
	TaskEnqueued   TaskStatus = "enqueued"
	TaskProcessing TaskStatus = "processing"
	TaskSucceeded  TaskStatus = "succeeded"
	TaskFailed     TaskStatus = "failed"
	TaskCanceled   TaskStatus = "canceled"
)

// TaskStatuses lists every status in Meilisearch's order.
func TaskStatuses() []TaskStatus {
	return []TaskStatus{TaskEnqueued, TaskProcessing, TaskSucceeded, TaskFailed, TaskCanceled}
}

// Finished reports whether s is final.
func (s TaskStatus) Finished() bool {
	return s == TaskSucceeded || s == TaskFailed || s == TaskCanceled
}

// TaskType is a task's kind ("type" in JSON).
type TaskType string

// The task kinds, in Meilisearch's order.
const (
	TaskDocumentAdditionOrUpdate TaskType = "documentAdditionOrUpdate"
	TaskDocumentEdition          TaskType = "documentEdition"
	TaskDocumentDeletion         TaskType = "documentDeletion"
	TaskSettingsUpdate           TaskType = "settingsUpdate"
	TaskIndexCreation            TaskType = "indexCreation"
	TaskIndexDeletion            TaskType = "indexDeletion"
	TaskIndexUpdate              TaskType = "indexUpdate"
	TaskIndexSwap                TaskType = "indexSwap"
	TaskTaskCancelation          TaskType = "taskCancelation"
	TaskTaskDeletion             TaskType = "taskDeletion"
	TaskDumpCreation             TaskType = "dumpCreation"
	TaskSnapshotCreation         TaskType = "snapshotCreation"
	TaskExport                   TaskType = "export"
	TaskUpgradeDatabase          TaskType = "upgradeDatabase"
	TaskIndexCompaction          TaskType = "indexCompaction"
	TaskNetworkTopologyChange    TaskType = "networkTopologyChange"
	TaskDsrUpdate                TaskType = "dsrUpdate"
	TaskDsrClear                 TaskType = "dsrClear"
)

// TaskTypes lists every kind in Meilisearch's order.
func TaskTypes() []TaskType {
	return []TaskType{TaskDocumentAdditionOrUpdate, TaskDocumentEdition, TaskDocumentDeletion,
		TaskSettingsUpdate, TaskIndexCreation, TaskIndexDeletion, TaskIndexUpdate, TaskIndexSwap,
		TaskTaskCancelation, TaskTaskDeletion, TaskDumpCreation, TaskSnapshotCreation, TaskExport,
		TaskUpgradeDatabase, TaskIndexCompaction, TaskNetworkTopologyChange, TaskDsrUpdate, TaskDsrClear}
}

// Task is the full task object of GET /tasks/{uid} (Meilisearch's
// TaskView). Times must be UTC. Duration is ISO-8601 (FormatDuration), nil
// until the task finished.
type Task struct {
	UID            uint64          `json:"uid"`
	BatchUID       *uint64         `json:"batchUid"`
	IndexUID       *string         `json:"indexUid"`
	Status         TaskStatus      `json:"status"`
	Type           TaskType        `json:"type"`
	CanceledBy     *uint64         `json:"canceledBy"`
	Details        *TaskDetails    `json:"details,omitempty"`
	Error          *Error          `json:"error"`
	Duration       *string         `json:"duration"`
	EnqueuedAt     time.Time       `json:"enqueuedAt"`
	StartedAt      *time.Time      `json:"startedAt"`
	FinishedAt     *time.Time      `json:"finishedAt"`
	Network        json.RawMessage `json:"network,omitempty"`
	CustomMetadata *string         `json:"customMetadata,omitempty"`
}

// Summary is the task as a write's 202 answer shows it.
func (t *Task) Summary() SummarizedTask {
	return SummarizedTask{TaskUID: t.UID, IndexUID: t.IndexUID, Status: t.Status, Type: t.Type,
		EnqueuedAt: t.EnqueuedAt, CustomMetadata: t.CustomMetadata}
}

// SummarizedTask is the body of a 202 answer to an asynchronous write.
type SummarizedTask struct {
	TaskUID        uint64     `json:"taskUid"`
	IndexUID       *string    `json:"indexUid"`
	Status         TaskStatus `json:"status"`
	Type           TaskType   `json:"type"`
	EnqueuedAt     time.Time  `json:"enqueuedAt"`
	CustomMetadata *string    `json:"customMetadata,omitempty"`
}

// TaskList is the body of GET /tasks: cursor paging with from/next.
type TaskList struct {
	Results []Task  `json:"results"`
	Total   uint64  `json:"total"`
	Limit   int     `json:"limit"`
	From    *uint64 `json:"from"`
	Next    *uint64 `json:"next"`
}

// TaskDetails is a task's per-kind details. Opt fields distinguish absent
// (omitted) from null (Reset), as Meilisearch's Option<Option<_>> does:
// e.g. indexedDocuments is null while a task is enqueued. A settings update
// carries its settings flattened into the same object.
type TaskDetails struct {
	ReceivedDocuments Opt[uint64]        `json:"receivedDocuments,omitzero"`
	IndexedDocuments  Opt[uint64]        `json:"indexedDocuments,omitzero"`
	EditedDocuments   Opt[uint64]        `json:"editedDocuments,omitzero"`
	PrimaryKey        Opt[string]        `json:"primaryKey,omitzero"`
	ProvidedIDs       Opt[uint64]        `json:"providedIds,omitzero"`
	DeletedDocuments  Opt[uint64]        `json:"deletedDocuments,omitzero"`
	MatchedTasks      Opt[uint64]        `json:"matchedTasks,omitzero"`
	CanceledTasks     Opt[uint64]        `json:"canceledTasks,omitzero"`
	DeletedTasks      Opt[uint64]        `json:"deletedTasks,omitzero"`
	OriginalFilter    Opt[string]        `json:"originalFilter,omitzero"`
	DumpUID           Opt[string]        `json:"dumpUid,omitzero"`
	Context           Opt[any]           `json:"context,omitzero"`
	Function          Opt[string]        `json:"function,omitzero"`
	Swaps             Opt[[]SwapIndexes] `json:"swaps,omitzero"`
	OldIndexUID       Opt[string]        `json:"oldIndexUid,omitzero"`
	NewIndexUID       Opt[string]        `json:"newIndexUid,omitzero"`
	Settings          *Settings          `json:"-"`
}

type taskDetailsFields TaskDetails

// MarshalJSON flattens Settings into the details object.
func (d TaskDetails) MarshalJSON() ([]byte, error) {
	base, err := marshalNoEscape(taskDetailsFields(d))
	if err != nil || d.Settings == nil {
		return base, err
	}
	settings, err := marshalNoEscape(d.Settings)
	if err != nil {
		return nil, err
	}
	return joinObjects(base, settings), nil
}

// UnmarshalJSON reads the fields and any flattened settings.
func (d *TaskDetails) UnmarshalJSON(b []byte) error {
	var f taskDetailsFields
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*d = TaskDetails(f)
	var s Settings
	if err := json.Unmarshal(b, &s); err == nil {
		if enc, err := marshalNoEscape(s); err == nil && string(enc) != "{}" {
			d.Settings = &s
		}
	}
	return nil
}

// joinObjects concatenates the members of two JSON objects.
func joinObjects(a, b []byte) []byte {
	a, b = []byte(strings.TrimSpace(string(a))), []byte(strings.TrimSpace(string(b)))
	switch {
	case len(a) <= 2:
		return b
	case len(b) <= 2:
		return a
	}
	out := append([]byte{}, a[:len(a)-1]...)
	out = append(out, ',')
	return append(out, b[1:]...)
}

// FormatDuration renders d as Meilisearch renders task durations:
// "PT0.040S" style ISO-8601, with days split out ("P1DT2S"), milli-, micro-
// or nanosecond precision as needed, and "" for negative durations (which
// Meilisearch serialises as null).
func FormatDuration(d time.Duration) string {
	if d < 0 {
		return ""
	}
	const day = 24 * time.Hour
	days := int64(d / day)
	secs := int64((d % day) / time.Second)
	nanos := int64(d % time.Second)
	var b strings.Builder
	b.WriteString("P")
	if days != 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if secs == 0 && nanos == 0 && days != 0 {
		return b.String()
	}
	switch {
	case nanos == 0:
		fmt.Fprintf(&b, "T%dS", secs)
	case nanos%1e6 == 0:
		fmt.Fprintf(&b, "T%d.%03dS", secs, nanos/1e6)
	case nanos%1e3 == 0:
		fmt.Fprintf(&b, "T%d.%06dS", secs, nanos/1e3)
	default:
		fmt.Fprintf(&b, "T%d.%09dS", secs, nanos)
	}
	return b.String()
}
