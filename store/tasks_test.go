package store

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

// taskFixture registers 10 tasks (uids 0..9) one minute apart: even uids on
// index "a", odd on "b"; types alternate by threes; uids 0-3 succeed, 4
// fails, 5 is processing, 6-9 stay enqueued.
func taskFixture(t *testing.T) *State {
	t.Helper()
	s := New()
	types := []string{"documentAdditionOrUpdate", "settingsUpdate", "indexCreation"}
	for i := range 10 {
		idx := "a"
		if i%2 == 1 {
			idx = "b"
		}
		at := t0.Add(time.Duration(i) * time.Minute)
		if _, err := s.RegisterTasks([]NewTask{{Type: types[i%3], IndexUID: idx}}, at); err != nil {
			t.Fatal(err)
		}
	}
	var ups []TaskUpdate
	for uid := range uint64(4) {
		ups = append(ups, TaskUpdate{UID: uid, Status: TaskSucceeded, At: t0.Add(time.Hour + time.Duration(uid)*time.Minute)})
	}
	ups = append(ups, TaskUpdate{UID: 4, Status: TaskFailed, Error: &TaskError{Code: "x"}},
		TaskUpdate{UID: 5, Status: TaskProcessing})
	if errs := s.UpdateTasks(ups, t0.Add(2*time.Hour)); errs != nil {
		t.Fatal(errs)
	}
	return s
}

func uidsOf(ts []Task) []uint64 {
	out := []uint64{}
	for _, t := range ts {
		out = append(out, t.UID)
	}
	return out
}

func u64(v uint64) *uint64 { return &v }

func TestListTasksFiltersAndPages(t *testing.T) {
	s := taskFixture(t)
	tests := []struct {
		name  string
		f     TaskFilter
		p     TaskPage
		want  []uint64
		total int
		next  *uint64
	}{
		{"default is newest first", TaskFilter{}, TaskPage{Limit: 3}, []uint64{9, 8, 7}, 10, u64(6)},
		{"from pages back", TaskFilter{}, TaskPage{Limit: 3, From: u64(6)}, []uint64{6, 5, 4}, 10, u64(3)},
		{"last page has no next", TaskFilter{}, TaskPage{Limit: 3, From: u64(2)}, []uint64{2, 1, 0}, 10, nil},
		{"reverse is oldest first", TaskFilter{}, TaskPage{Limit: 4, Reverse: true}, []uint64{0, 1, 2, 3}, 10, u64(4)},
		{"reverse from", TaskFilter{}, TaskPage{Limit: 4, Reverse: true, From: u64(8)}, []uint64{8, 9}, 10, nil},
		{"uids", TaskFilter{UIDs: []uint64{1, 5, 42}}, TaskPage{}, []uint64{5, 1}, 2, nil},
		{"uids paged", TaskFilter{UIDs: []uint64{8, 1, 5, 5, 3}}, TaskPage{Limit: 2, From: u64(6)}, []uint64{5, 3}, 4, u64(1)},
		{"uids reversed", TaskFilter{UIDs: []uint64{8, 1, 5, 3}}, TaskPage{Limit: 2, Reverse: true, From: u64(2)}, []uint64{3, 5}, 4, u64(8)},
		{"uids with other filters", TaskFilter{UIDs: []uint64{8, 1, 5, 3}, IndexUIDs: []string{"b"}}, TaskPage{}, []uint64{5, 3, 1}, 3, nil},
		{"uids below", TaskFilter{UIDsBelow: 3}, TaskPage{}, []uint64{2, 1, 0}, 3, nil},
		{"index uids", TaskFilter{IndexUIDs: []string{"b"}}, TaskPage{Limit: 2}, []uint64{9, 7}, 5, u64(5)},
		{"types", TaskFilter{Types: []string{"indexCreation"}}, TaskPage{}, []uint64{8, 5, 2}, 3, nil},
		{"statuses", TaskFilter{Statuses: []TaskStatus{TaskFailed, TaskProcessing}}, TaskPage{}, []uint64{5, 4}, 2, nil},
		{"combined filters", TaskFilter{IndexUIDs: []string{"a"}, Statuses: []TaskStatus{TaskEnqueued}}, TaskPage{}, []uint64{8, 6}, 2, nil},
		{"enqueued window is exclusive", TaskFilter{AfterEnqueuedAt: t0.Add(2 * time.Minute), BeforeEnqueuedAt: t0.Add(5 * time.Minute)}, TaskPage{}, []uint64{4, 3}, 2, nil},
		{"unstarted tasks miss started bounds", TaskFilter{AfterStartedAt: t0}, TaskPage{}, []uint64{5, 4, 3, 2, 1, 0}, 6, nil},
		{"finished before", TaskFilter{BeforeFinishedAt: t0.Add(time.Hour + 2*time.Minute)}, TaskPage{}, []uint64{1, 0}, 2, nil},
		{"no match", TaskFilter{IndexUIDs: []string{"zzz"}}, TaskPage{}, []uint64{}, 0, nil},
		{"from above the newest", TaskFilter{}, TaskPage{Limit: 1, From: u64(100)}, []uint64{9}, 10, u64(8)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := s.ListTasks(tc.f, tc.p)
			if !slices.Equal(uidsOf(got.Results), tc.want) {
				t.Fatalf("uids = %v, want %v", uidsOf(got.Results), tc.want)
			}
			if got.Total != tc.total {
				t.Fatalf("total = %d, want %d", got.Total, tc.total)
			}
			if (got.Next == nil) != (tc.next == nil) || (got.Next != nil && *got.Next != *tc.next) {
				t.Fatalf("next = %v, want %v", ptrStr(got.Next), ptrStr(tc.next))
			}
			if len(tc.want) > 0 && (got.From == nil || *got.From != tc.want[0]) {
				t.Fatalf("from = %v, want %d", ptrStr(got.From), tc.want[0])
			}
		})
	}
}

func ptrStr(p *uint64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func TestTaskUIDsAreStrictlyIncreasingAndBatched(t *testing.T) {
	s := New()
	reg, err := s.RegisterTasks([]NewTask{{Type: "a"}, {Type: "b"}, {Type: "c"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if reg[0].UID != 0 || reg[1].UID != 1 || reg[2].UID != 2 {
		t.Fatalf("uids %+v", reg)
	}
	if _, err := s.RegisterTasks([]NewTask{{Type: "a"}, {Type: ""}}, t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid batch: err = %v", err)
	}
	if s.NextTaskUID() != 3 || s.TaskCount() != 3 {
		t.Fatalf("an invalid batch changed the state: next %d count %d", s.NextTaskUID(), s.TaskCount())
	}
}

func TestRegisterTaskEnsuresIndexAndPrimaryKey(t *testing.T) {
	s := New()
	reg, err := s.RegisterTasks([]NewTask{
		{Type: "documentAdditionOrUpdate", IndexUID: "movies", EnsureIndex: &NewIndex{PrimaryKey: "id", Shards: 8}},
		{Type: "documentAdditionOrUpdate", IndexUID: "movies", EnsureIndex: &NewIndex{}},
		{Type: "documentAdditionOrUpdate", IndexUID: "movies", EnsureIndex: &NewIndex{PrimaryKey: "sku"}},
	}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !reg[0].IndexCreated || reg[0].PrimaryKey != "id" || reg[1].IndexCreated || reg[1].PrimaryKey != "id" {
		t.Fatalf("registrations %+v", reg)
	}
	if reg[2].Status != TaskFailed {
		t.Fatalf("conflicting primary key: %+v", reg[2])
	}
	task, _ := s.Task(reg[2].UID)
	if task.Error == nil || task.Error.Code != "index_primary_key_already_exists" || task.FinishedAt.IsZero() {
		t.Fatalf("failed task %+v", task)
	}
	if idx, _ := s.Index("movies"); idx.Shards != 8 || idx.PrimaryKey != "id" {
		t.Fatalf("index %+v", idx)
	}
}

func TestTaskStatusTransitions(t *testing.T) {
	s := taskFixture(t)
	errs := s.UpdateTasks([]TaskUpdate{
		{UID: 0, Status: TaskSucceeded}, // repeat of a terminal status: no-op
		{UID: 1, Status: TaskFailed},    // terminal cannot change
		{UID: 5, Status: TaskEnqueued},  // processing cannot go back
		{UID: 6, Status: TaskProcessing, Details: json.RawMessage(`{"b":1, "a":2}`)},
		{UID: 77, Status: TaskSucceeded},
		{UID: 7, Status: "bogus"},
	}, t0.Add(3*time.Hour))
	var failed []uint64
	for _, e := range errs {
		failed = append(failed, e.UID)
	}
	if !slices.Equal(failed, []uint64{1, 5, 77, 7}) {
		t.Fatalf("failed items %v (%v)", failed, errs)
	}
	task, _ := s.Task(6)
	if task.Status != TaskProcessing || !task.StartedAt.Equal(t0.Add(3*time.Hour)) || string(task.Details) != `{"b":1,"a":2}` {
		t.Fatalf("task 6 %+v details %s", task, task.Details)
	}
}

func TestCancelDeleteAndPrune(t *testing.T) {
	s := taskFixture(t)
	canceled := s.CancelTasks(TaskFilter{IndexUIDs: []string{"b"}}, 9, t0.Add(3*time.Hour))
	if !slices.Equal(canceled, []uint64{5, 7}) { // 9 is the canceler; 1 and 3 are finished
		t.Fatalf("canceled %v", canceled)
	}
	if task, _ := s.Task(7); task.Status != TaskCanceled || task.CanceledBy == nil || *task.CanceledBy != 9 {
		t.Fatalf("task 7 %+v", task)
	}
	if later := s.CancelTasks(TaskFilter{UIDs: []uint64{8}}, 2, t0); len(later) != 0 { // 8 came after the canceler
		t.Fatalf("canceled a later task: %v", later)
	}
	if got := s.ListTasks(TaskFilter{CanceledBy: []uint64{9}}, TaskPage{}); got.Total != 2 {
		t.Fatalf("canceledBy filter total %d", got.Total)
	}
	if below := s.DeleteTasks(TaskFilter{Statuses: []TaskStatus{TaskCanceled}, UIDsBelow: 6}); !slices.Equal(below, []uint64{5}) {
		t.Fatalf("deleted %v below uid 6", below)
	}
	deleted := s.DeleteTasks(TaskFilter{Statuses: []TaskStatus{TaskCanceled, TaskEnqueued}})
	if !slices.Equal(deleted, []uint64{7}) { // enqueued tasks are never deleted
		t.Fatalf("deleted %v", deleted)
	}
	if n := s.PruneTasks(t0.Add(time.Hour + 90*time.Second)); n != 2 { // tasks 0 and 1 finished before
		t.Fatalf("pruned %d", n)
	}
	if got := uidsOf(s.ListTasks(TaskFilter{}, TaskPage{Limit: 100, Reverse: true}).Results); !slices.Equal(got, []uint64{2, 3, 4, 6, 8, 9}) {
		t.Fatalf("left %v", got)
	}
	if _, ok := s.Task(5); ok {
		t.Fatal("deleted task still found")
	}
}

func TestRecordNodeTasksMerges(t *testing.T) {
	s := taskFixture(t)
	errs := s.RecordNodeTasks([]NodeTasks{
		{TaskUID: 6, NodeTasks: map[string]uint64{"n1": 10, "n2": 11}},
		{TaskUID: 6, NodeTasks: map[string]uint64{"n2": 12}},
		{TaskUID: 99, NodeTasks: map[string]uint64{"n1": 1}},
	})
	if len(errs) != 1 || errs[0].UID != 99 || !errors.Is(errs[0].Err, ErrTaskNotFound) {
		t.Fatalf("errs %v", errs)
	}
	task, _ := s.Task(6)
	if task.NodeTasks["n1"] != 10 || task.NodeTasks["n2"] != 12 {
		t.Fatalf("node tasks %v", task.NodeTasks)
	}
}

func TestFullTaskQueueDropsOldestFinishedTasks(t *testing.T) {
	s := taskFixture(t) // 0-4 finished, 5-9 open
	s.trimTasks(11, 3)
	if s.TaskCount() != 10 {
		t.Fatal("trimmed below the bound")
	}
	s.trimTasks(10, 3)
	if got := uidsOf(s.ListTasks(TaskFilter{}, TaskPage{Reverse: true}).Results); !slices.Equal(got, []uint64{3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("left %v", got)
	}
	s.trimTasks(5, 100)
	if got := uidsOf(s.ListTasks(TaskFilter{}, TaskPage{Reverse: true}).Results); !slices.Equal(got, []uint64{5, 6, 7, 8, 9}) {
		t.Fatalf("open tasks must stay: left %v", got)
	}
}

func TestIndexUIDsFilterMatchesOtherIndexes(t *testing.T) {
	s := taskFixture(t)
	reg, err := s.RegisterTasks([]NewTask{{Type: "indexSwap", OtherIndexes: []string{"x", "y"}}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	got := s.ListTasks(TaskFilter{IndexUIDs: []string{"y"}}, TaskPage{})
	if !slices.Equal(uidsOf(got.Results), []uint64{reg[0].UID}) {
		t.Fatalf("got %v", uidsOf(got.Results))
	}
}
