package store

import (
	"encoding/json"
	"testing"
)

func TestTasksFromFollowsNewTasksInUIDOrder(t *testing.T) {
	s := New()
	for range 5 {
		if _, err := s.RegisterTasks([]NewTask{{Type: "export"}}, t0); err != nil {
			t.Fatal(err)
		}
	}
	s.UpdateTasks([]TaskUpdate{{UID: 2, Status: TaskSucceeded}}, t0)
	if d := s.DeleteTasks(TaskFilter{UIDs: []uint64{2}}); len(d) != 1 {
		t.Fatalf("deleted %v", d)
	}
	got := s.TasksFrom(1, 2)
	if len(got) != 2 || got[0].UID != 1 || got[1].UID != 3 {
		t.Fatalf("TasksFrom(1, 2) = %+v", got)
	}
	if got := s.TasksFrom(5, 10); len(got) != 0 {
		t.Fatalf("past the end: %+v", got)
	}
}

func TestATaskKeepsItsPayloadCompacted(t *testing.T) {
	s := New()
	regs, err := s.RegisterTasks([]NewTask{{Type: "export", Payload: json.RawMessage(`{ "url": "http://x", "apiKey": "k" }`)}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	task, _ := s.Task(regs[0].UID)
	if string(task.Payload) != `{"url":"http://x","apiKey":"k"}` {
		t.Fatalf("payload %s", task.Payload)
	}
	if _, err := s.RegisterTasks([]NewTask{{Type: "export", Payload: json.RawMessage(`{`)}}, t0); err == nil {
		t.Fatal("an invalid payload was registered")
	}
}
