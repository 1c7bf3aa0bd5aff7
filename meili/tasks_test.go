package meili

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
	"time"
)

func TestFormatDurationMatchesMeilisearch(t *testing.T) {
	cases := []struct {
		d    time.Duration
		want string
	}{
		{40 * time.Millisecond, "PT0.040S"},
		{0, "PT0S"},
		{2 * time.Second, "PT2S"},
		{1500 * time.Microsecond, "PT0.001500S"},
		{1234567 * time.Nanosecond, "PT0.001234567S"},
		{24 * time.Hour, "P1D"},
		{49*time.Hour + 3*time.Second + 5*time.Millisecond, "P2DT3603.005S"},
		{-time.Second, ""},
	}
	for _, c := range cases {
		if got := FormatDuration(c.d); got != c.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}

func TestTaskMarshalsLikeMeilisearch(t *testing.T) {
	idx := "movies"
	dur := FormatDuration(40 * time.Millisecond)
	at := time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)
	task := Task{UID: 7, IndexUID: &idx, Status: TaskSucceeded, Type: TaskDocumentAdditionOrUpdate,
		Details:  &TaskDetails{ReceivedDocuments: Some[uint64](3), IndexedDocuments: Some[uint64](3)},
		Duration: &dur, EnqueuedAt: at, StartedAt: &at, FinishedAt: &at}
	got := mustJSON(t, task)
	want := `{"uid":7,"batchUid":null,"indexUid":"movies","status":"succeeded","type":"documentAdditionOrUpdate","canceledBy":null,"details":{"receivedDocuments":3,"indexedDocuments":3},"error":null,"duration":"PT0.040S","enqueuedAt":"2026-11-28T08:00:00Z","startedAt":"2026-11-28T08:00:00Z","finishedAt":"2026-11-28T08:00:00Z"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	sum := mustJSON(t, task.Summary())
	if sum != `{"taskUid":7,"indexUid":"movies","status":"succeeded","type":"documentAdditionOrUpdate","enqueuedAt":"2026-11-28T08:00:00Z"}` {
		t.Fatalf("summary %s", sum)
	}
}

func TestTaskDetailsFlattenSettingsAndKeepNulls(t *testing.T) {
	s := Settings{RankingRules: Some([]string{"words"})}
	d := TaskDetails{IndexedDocuments: ResetOpt[uint64](), Settings: &s}
	got := mustJSON(t, d)
	if got != `{"indexedDocuments":null,"rankingRules":["words"]}` {
		t.Fatalf("got %s", got)
	}
	var back TaskDetails
	if err := json.Unmarshal([]byte(got), &back); err != nil {
		t.Fatal(err)
	}
	if !back.IndexedDocuments.Reset || back.Settings == nil || mustJSON(t, back) != got {
		t.Fatalf("back %+v", back)
	}
	if mustJSON(t, TaskDetails{PrimaryKey: Some("id")}) != `{"primaryKey":"id"}` {
		t.Fatal("plain details")
	}
}

func TestParseTaskQueryReadsEveryFilter(t *testing.T) {
	v, _ := url.ParseQuery("uids=1,2&batchUids=3&canceledBy=4&indexUids=movies,books&types=indexCreation&statuses=succeeded,failed&afterEnqueuedAt=2026-01-01&beforeFinishedAt=2026-01-02T10:00:00Z&limit=5&from=9&reverse=true")
	q, err := ParseTaskQuery(v, TaskQueryList)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.UIDs) != 2 || q.BatchUIDs[0] != 3 || q.CanceledBy[0] != 4 || q.IndexUIDs[1] != "books" ||
		q.Types[0] != TaskIndexCreation || len(q.Statuses) != 2 || q.Limit != 5 || *q.From != 9 || !q.Reverse {
		t.Fatalf("query %+v", q)
	}
	if !q.AfterEnqueuedAt.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("after date = %v (a date means the whole day)", q.AfterEnqueuedAt)
	}
	star, _ := url.ParseQuery("uids=*&types=*&statuses=*&afterEnqueuedAt=*")
	q, err = ParseTaskQuery(star, TaskQueryList)
	if err != nil || q.UIDs != nil || q.Types != nil || q.AfterEnqueuedAt != nil || q.Limit != DefaultTaskLimit {
		t.Fatalf("star query %+v %v", q, err)
	}
}

func TestTaskQueryMatches(t *testing.T) {
	idx := "movies"
	enq := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	task := &Task{UID: 3, IndexUID: &idx, Status: TaskSucceeded, Type: TaskSettingsUpdate, EnqueuedAt: enq}
	cases := []struct {
		query string
		want  bool
	}{
		{"", true},
		{"uids=1,3", true},
		{"uids=1", false},
		{"indexUids=movies", true},
		{"indexUids=books", false},
		{"statuses=failed", false},
		{"types=settingsUpdate", true},
		{"beforeEnqueuedAt=2026-01-02", true},
		{"afterEnqueuedAt=2026-01-01", false},
		{"afterStartedAt=2020-01-01", false},
		{"canceledBy=1", false},
		{"batchUids=1", false},
	}
	for _, c := range cases {
		v, _ := url.ParseQuery(c.query)
		q, err := ParseTaskQuery(v, TaskQueryList)
		if err != nil {
			t.Fatal(err)
		}
		if got := q.Matches(task); got != c.want {
			t.Errorf("%q matches = %v", c.query, got)
		}
	}
}

// Expected messages are Meilisearch's (tests/tasks/errors.rs).
func TestParseTaskQueryErrorsMatchMeilisearch(t *testing.T) {
	cases := []struct {
		query string
		kind  TaskQueryKind
		code  Code
		msg   string
	}{
		{"lol=1", TaskQueryList, CodeBadRequest, "Unknown parameter `lol`: expected one of `limit`, `from`, `reverse`, `batchUids`, `uids`, `canceledBy`, `types`, `statuses`, `indexUids`, `afterEnqueuedAt`, `beforeEnqueuedAt`, `afterStartedAt`, `beforeStartedAt`, `afterFinishedAt`, `beforeFinishedAt`"},
		{"from=1", TaskQueryDelete, CodeBadRequest, "Unknown parameter `from`: expected one of `uids`, `batchUids`, `canceledBy`, `types`, `statuses`, `indexUids`, `afterEnqueuedAt`, `beforeEnqueuedAt`, `afterStartedAt`, `beforeStartedAt`, `afterFinishedAt`, `beforeFinishedAt`"},
		{"uids=doggo", TaskQueryList, CodeInvalidTaskUIDs, "Invalid value in parameter `uids`: could not parse `doggo` as a positive integer"},
		{"uids=78,dogo", TaskQueryList, CodeInvalidTaskUIDs, "Invalid value in parameter `uids[1]`: could not parse `dogo` as a positive integer"},
		{"canceledBy=doggo", TaskQueryList, CodeInvalidTaskCanceledBy, "Invalid value in parameter `canceledBy`: could not parse `doggo` as a positive integer"},
		{"limit=doggo", TaskQueryList, CodeInvalidTaskLimit, "Invalid value in parameter `limit`: could not parse `doggo` as a positive integer"},
		{"from=doggo", TaskQueryList, CodeInvalidTaskFrom, "Invalid value in parameter `from`: could not parse `doggo` as a positive integer"},
		{"reverse=*", TaskQueryList, CodeInvalidTaskReverse, "Invalid value in parameter `reverse`: could not parse `*` as a boolean, expected either `true` or `false`"},
		{"statuses=doggo", TaskQueryList, CodeInvalidTaskStatuses, "Invalid value in parameter `statuses`: `doggo` is not a valid task status. Available statuses are `enqueued`, `processing`, `succeeded`, `failed`, `canceled`."},
		{"types=doggo", TaskQueryList, CodeInvalidTaskTypes, "Invalid value in parameter `types`: `doggo` is not a valid task type. Available types are `documentAdditionOrUpdate`, `documentEdition`, `documentDeletion`, `settingsUpdate`, `indexCreation`, `indexDeletion`, `indexUpdate`, `indexSwap`, `taskCancelation`, `taskDeletion`, `dumpCreation`, `snapshotCreation`, `export`, `upgradeDatabase`, `indexCompaction`, `networkTopologyChange`, `dsrUpdate`, `dsrClear`."},
		{"indexUids=the good doggo", TaskQueryList, CodeInvalidIndexUID, "Invalid value in parameter `indexUids`: `the good doggo` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 512 bytes."},
		{"afterEnqueuedAt=doggo", TaskQueryList, CodeInvalidTaskAfterEnqueuedAt, "Invalid value in parameter `afterEnqueuedAt`: `doggo` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format."},
		{"beforeFinishedAt=doggo", TaskQueryCancel, CodeInvalidTaskBeforeFinishedAt, "Invalid value in parameter `beforeFinishedAt`: `doggo` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format."},
		{"", TaskQueryCancel, CodeMissingTaskFilters, "Query parameters to filter the tasks to cancel are missing. Available query parameters are: `uids`, `indexUids`, `statuses`, `types`, `canceledBy`, `beforeEnqueuedAt`, `afterEnqueuedAt`, `beforeStartedAt`, `afterStartedAt`, `beforeFinishedAt`, `afterFinishedAt`."},
		{"", TaskQueryDelete, CodeMissingTaskFilters, "Query parameters to filter the tasks to delete are missing. Available query parameters are: `uids`, `indexUids`, `statuses`, `types`, `canceledBy`, `beforeEnqueuedAt`, `afterEnqueuedAt`, `beforeStartedAt`, `afterStartedAt`, `beforeFinishedAt`, `afterFinishedAt`."},
	}
	for _, c := range cases {
		v, _ := url.ParseQuery(c.query)
		_, err := ParseTaskQuery(v, c.kind)
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("%q:\n got %v\nwant %s: %s", c.query, err, c.code, c.msg)
		}
	}
}

func TestBatchOfOneTask(t *testing.T) {
	idx, batch := "movies", uint64(4)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	task := &Task{UID: 9, BatchUID: &batch, IndexUID: &idx, Status: TaskSucceeded, Type: TaskIndexCreation,
		Details: &TaskDetails{PrimaryKey: Some("id")}, EnqueuedAt: at, StartedAt: &at, FinishedAt: &at}
	got := mustJSON(t, BatchOf(task, "batched all enqueued tasks"))
	want := `{"uid":4,"progress":null,"details":{"primaryKey":"id"},"stats":{"totalNbTasks":1,"status":{"succeeded":1},"types":{"indexCreation":1},"indexUids":{"movies":1}},"duration":null,"startedAt":"2026-01-01T00:00:00Z","finishedAt":"2026-01-01T00:00:00Z","batchStrategy":"batched all enqueued tasks"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}
