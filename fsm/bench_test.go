package fsm

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/miroir-search/miroir/store"
)

func registerLog(b *testing.B, n, perCmd int) []*raft.Log {
	logs := make([]*raft.Log, n)
	for i := range logs {
		ts := make([]store.NewTask, perCmd)
		for j := range ts {
			ts[j] = store.NewTask{Type: "documentAdditionOrUpdate", IndexUID: "movies",
				Details: json.RawMessage(`{"receivedDocuments":1000,"indexedDocuments":null}`), RequestID: "client-request"}
		}
		p := RegisterTasks{Meta: Meta{RequestID: fmt.Sprintf("req-%d", i), Time: t0.Add(time.Duration(i) * time.Millisecond)}, Tasks: ts}
		logs[i] = &raft.Log{Index: uint64(i + 1), Type: raft.LogCommand, Data: mustEncode(b, CmdRegisterTasks, p)}
	}
	return logs
}

// BenchmarkApplyRegisterTask applies one RegisterTasks command per op,
// each registering one task (decode, validate, allocate, remember the
// request id, encode the result).
func BenchmarkApplyRegisterTask(b *testing.B) {
	logs := registerLog(b, b.N, 1)
	f := New(nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		f.Apply(logs[i])
	}
}

// BenchmarkApplyRegisterTaskBatched applies commands that coalesce 64 tasks
// each; ns/task is the cost per registered task.
func BenchmarkApplyRegisterTaskBatched(b *testing.B) {
	const per = 64
	logs := registerLog(b, b.N, per)
	f := New(nil)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		f.Apply(logs[i])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*per), "ns/task")
}
