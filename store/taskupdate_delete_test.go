package store

import (
	"testing"
	"time"
)

// Two deletions of one index registered while it existed: the first to
// succeed removes it, in the same command, and the second fails with the
// error it carries, as Meilisearch fails the later of two deletions.
func TestOnlyTheFirstOfTwoIndexDeletionsSucceeds(t *testing.T) {
	s := New()
	if _, err := s.CreateIndex(NewIndex{UID: "movies"}, t0); err != nil {
		t.Fatal(err)
	}
	reg, err := s.RegisterTasks([]NewTask{{Type: "indexDeletion", IndexUID: "movies"}, {Type: "indexDeletion", IndexUID: "movies"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	gone := &TaskError{Code: "index_not_found", Message: "Index `movies` not found."}
	ups := []TaskUpdate{
		{UID: reg[0].UID, Status: TaskSucceeded, DeletesIndex: true, IndexGone: gone},
		{UID: reg[1].UID, Status: TaskSucceeded, DeletesIndex: true, IndexGone: gone},
	}
	if errs := s.UpdateTasks(ups, t0.Add(time.Minute)); errs != nil {
		t.Fatal(errs)
	}
	if _, ok := s.Index("movies"); ok {
		t.Fatal("the index survived its deletion")
	}
	first, _ := s.Task(reg[0].UID)
	second, _ := s.Task(reg[1].UID)
	if first.Status != TaskSucceeded || second.Status != TaskFailed || second.Error == nil || second.Error.Code != "index_not_found" {
		t.Fatalf("first %s, second %s (%+v): want succeeded then failed with index_not_found", first.Status, second.Status, second.Error)
	}
	// The watcher may resend a transition; a repeat changes nothing.
	if errs := s.UpdateTasks(ups[:1], t0.Add(2*time.Minute)); errs != nil {
		t.Fatalf("resent deletion: %v", errs)
	}
	if again, _ := s.Task(reg[0].UID); again.Status != TaskSucceeded {
		t.Fatalf("resent deletion turned the task %s", again.Status)
	}
}

func TestIndexDeletionWithoutAFallbackErrorReportsTheMissingIndex(t *testing.T) {
	s := New()
	reg, err := s.RegisterTasks([]NewTask{{Type: "indexDeletion", IndexUID: "ghost"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	errs := s.UpdateTasks([]TaskUpdate{{UID: reg[0].UID, Status: TaskSucceeded, DeletesIndex: true}}, t0)
	if len(errs) != 1 {
		t.Fatalf("errors %v, want index not found", errs)
	}
	if task, _ := s.Task(reg[0].UID); task.Status.Terminal() {
		t.Fatalf("a refused transition changed the task to %s", task.Status)
	}
}
