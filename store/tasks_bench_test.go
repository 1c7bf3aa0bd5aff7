package store

import (
	"testing"
	"time"
)

func bigTaskState(b *testing.B, n int) *State {
	s := New()
	ts := make([]NewTask, 1000)
	for i := range ts {
		ts[i] = NewTask{Type: "documentAdditionOrUpdate", IndexUID: []string{"a", "b", "c", "d"}[i%4]}
	}
	for i := range n / len(ts) {
		if _, err := s.RegisterTasks(ts, t0.Add(time.Duration(i)*time.Second)); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkListTasks100k pages the newest tasks of one index out of 100k.
func BenchmarkListTasks100k(b *testing.B) {
	s := bigTaskState(b, 100_000)
	f := TaskFilter{IndexUIDs: []string{"b"}}
	b.ResetTimer()
	for range b.N {
		s.ListTasks(f, TaskPage{})
	}
}

// BenchmarkListTasksByUID100k is the SDK's GET /tasks?uids=... poll.
func BenchmarkListTasksByUID100k(b *testing.B) {
	s := bigTaskState(b, 100_000)
	f := TaskFilter{UIDs: []uint64{123, 45_678, 99_999}}
	b.ResetTimer()
	for range b.N {
		s.ListTasks(f, TaskPage{})
	}
}

// BenchmarkClone100k is what a snapshot or digest holds the lock for.
func BenchmarkClone100k(b *testing.B) {
	s := bigTaskState(b, 100_000)
	b.ResetTimer()
	for range b.N {
		s.Clone()
	}
}
