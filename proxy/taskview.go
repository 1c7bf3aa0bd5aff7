package proxy

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/miroir-search/miroir/store"
)

// summarizedTask is Meilisearch's 202 answer to an asynchronous write.
type summarizedTask struct {
	TaskUID    uint64    `json:"taskUid"`
	IndexUID   *string   `json:"indexUid"`
	Status     string    `json:"status"`
	Type       string    `json:"type"`
	EnqueuedAt time.Time `json:"enqueuedAt"`
}

func summarize(uid uint64, indexUID, typ string, at time.Time) summarizedTask {
	s := summarizedTask{TaskUID: uid, Status: string(store.TaskEnqueued), Type: typ, EnqueuedAt: at.UTC()}
	if indexUID != "" {
		s.IndexUID = &indexUID
	}
	return s
}

// taskView is Meilisearch's full task object.
type taskView struct {
	UID            uint64           `json:"uid"`
	BatchUID       *uint64          `json:"batchUid"`
	IndexUID       *string          `json:"indexUid"`
	Status         store.TaskStatus `json:"status"`
	Type           string           `json:"type"`
	CanceledBy     *uint64          `json:"canceledBy"`
	Details        json.RawMessage  `json:"details,omitempty"`
	Error          *store.TaskError `json:"error"`
	Duration       *string          `json:"duration"`
	EnqueuedAt     time.Time        `json:"enqueuedAt"`
	StartedAt      *time.Time       `json:"startedAt"`
	FinishedAt     *time.Time       `json:"finishedAt"`
	CustomMetadata *string          `json:"customMetadata,omitempty"`
}

func viewTask(t store.Task) taskView {
	v := taskView{UID: t.UID, Status: t.Status, Type: t.Type, CanceledBy: t.CanceledBy,
		Details: t.Details, Error: t.Error, EnqueuedAt: t.EnqueuedAt}
	if t.IndexUID != "" {
		idx := t.IndexUID
		v.IndexUID = &idx
	}
	if !t.StartedAt.IsZero() {
		st, batch := t.StartedAt, t.UID
		v.StartedAt, v.BatchUID = &st, &batch
	}
	if !t.FinishedAt.IsZero() {
		ft := t.FinishedAt
		v.FinishedAt = &ft
		if !t.StartedAt.IsZero() {
			d := isoDuration(ft.Sub(t.StartedAt))
			v.Duration = &d
		}
	}
	if t.CustomMetadata != "" {
		m := t.CustomMetadata
		v.CustomMetadata = &m
	}
	return v
}

// isoDuration renders d as an ISO-8601 duration in seconds ("PT0.042S").
func isoDuration(d time.Duration) string {
	return "PT" + strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "S"
}

// Meilisearch task kinds miroir issues.
const (
	kindDocumentAdditionOrUpdate = "documentAdditionOrUpdate"
	kindDocumentDeletion         = "documentDeletion"
	kindSettingsUpdate           = "settingsUpdate"
	kindIndexCreation            = "indexCreation"
	kindIndexDeletion            = "indexDeletion"
	kindIndexUpdate              = "indexUpdate"
	kindIndexSwap                = "indexSwap"
	kindTaskCancelation          = "taskCancelation"
	kindTaskDeletion             = "taskDeletion"
)
