package engine

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/miroir-search/miroir/meili"
)

// Task statuses and kinds, spelled as Meilisearch spells them on the wire.
const (
	statusEnqueued   = "enqueued"
	statusProcessing = "processing"
	statusSucceeded  = "succeeded"
	statusFailed     = "failed"
	statusCanceled   = "canceled"

	kindDocumentAdditionOrUpdate = "documentAdditionOrUpdate"
	kindDocumentEdition          = "documentEdition"
	kindDocumentDeletion         = "documentDeletion"
	kindSettingsUpdate           = "settingsUpdate"
	kindIndexCreation            = "indexCreation"
	kindIndexDeletion            = "indexDeletion"
	kindIndexUpdate              = "indexUpdate"
	kindIndexSwap                = "indexSwap"
	kindTaskCancelation          = "taskCancelation"
	kindTaskDeletion             = "taskDeletion"
	kindDumpCreation             = "dumpCreation"
	kindSnapshotCreation         = "snapshotCreation"
	kindIndexCompaction          = "indexCompaction"
	kindExport                   = "export"
	kindUpgradeDatabase          = "upgradeDatabase"
)

var taskStatuses = []string{statusEnqueued, statusProcessing, statusSucceeded, statusFailed, statusCanceled}

var taskKinds = []string{
	kindDocumentAdditionOrUpdate, kindDocumentEdition, kindDocumentDeletion, kindSettingsUpdate,
	kindIndexCreation, kindIndexDeletion, kindIndexUpdate, kindIndexSwap, kindTaskCancelation,
	kindTaskDeletion, kindDumpCreation, kindSnapshotCreation, kindExport, kindUpgradeDatabase,
	kindIndexCompaction, "networkTopologyChange", "dsrUpdate", "dsrClear",
}

// task is the full Meilisearch task object; its JSON encoding is exactly the
// body of GET /tasks/{uid}. Details is kept as ordered raw JSON so each kind
// shows exactly the fields Meilisearch shows.
type task struct {
	UID            uint64          `json:"uid"`
	BatchUID       *uint64         `json:"batchUid"`
	IndexUID       *string         `json:"indexUid"`
	Status         string          `json:"status"`
	Type           string          `json:"type"`
	CanceledBy     *uint64         `json:"canceledBy"`
	Details        json.RawMessage `json:"details,omitempty"`
	Error          *meili.Error    `json:"error"`
	Duration       *string         `json:"duration"`
	EnqueuedAt     time.Time       `json:"enqueuedAt"`
	StartedAt      *time.Time      `json:"startedAt"`
	FinishedAt     *time.Time      `json:"finishedAt"`
	CustomMetadata *string         `json:"customMetadata,omitempty"`
}

// summary is the 202 body of every asynchronous write.
type summary struct {
	TaskUID        uint64    `json:"taskUid"`
	IndexUID       *string   `json:"indexUid"`
	Status         string    `json:"status"`
	Type           string    `json:"type"`
	EnqueuedAt     time.Time `json:"enqueuedAt"`
	CustomMetadata *string   `json:"customMetadata,omitempty"`
}

func (t *task) summary() summary {
	return summary{TaskUID: t.UID, IndexUID: t.IndexUID, Status: t.Status, Type: t.Type,
		EnqueuedAt: t.EnqueuedAt, CustomMetadata: t.CustomMetadata}
}

func (t *task) index() string {
	if t.IndexUID == nil {
		return ""
	}
	return *t.IndexUID
}

func (t *task) finished() bool {
	return t.Status == statusSucceeded || t.Status == statusFailed || t.Status == statusCanceled
}

// finish stamps the terminal status, times and duration.
func (t *task) finish(status string, now time.Time) {
	t.Status = status
	if t.StartedAt == nil {
		t.StartedAt = &now
	}
	t.FinishedAt = &now
	d := isoDuration(now.Sub(*t.StartedAt))
	t.Duration = &d
}

// isoDuration formats d as Meilisearch does: "PT0.012345S", "PT1M3.5S".
func isoDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	var b strings.Builder
	b.WriteString("PT")
	if h := d / time.Hour; h > 0 {
		fmt.Fprintf(&b, "%dH", h)
		d -= h * time.Hour
	}
	if m := d / time.Minute; m > 0 {
		fmt.Fprintf(&b, "%dM", m)
		d -= m * time.Minute
	}
	secs := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	b.WriteString(secs)
	b.WriteString("S")
	return b.String()
}

// details marshals an ordered list of key/value pairs, so that the details
// object keeps Meilisearch's field order and its explicit nulls.
func details(kv ...any) json.RawMessage {
	var b strings.Builder
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv[i])
		v, err := json.Marshal(kv[i+1])
		if err != nil {
			v = []byte("null")
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return json.RawMessage(b.String())
}

func strPtr(s string) *string { return &s }
