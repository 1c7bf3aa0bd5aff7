package fsm

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/hashicorp/raft"

	"github.com/miroir-search/miroir/store"
)

func registerCmd(t testing.TB, reqID, index string) []byte {
	return mustEncode(t, CmdRegisterTasks, RegisterTasks{Meta: Meta{RequestID: reqID, Time: t0},
		Tasks: []store.NewTask{{Type: "documentAdditionOrUpdate", IndexUID: index}}})
}

func applyBatch(t *testing.T, f *FSM, index uint64, cmds ...[]byte) []Result {
	t.Helper()
	b, err := f.EncodeBatch(cmds)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := f.SplitBatchResult(f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: b}))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]Result, len(parts))
	for i, p := range parts {
		out[i] = p.(Result)
	}
	return out
}

func taskUID(t *testing.T, r Result) uint64 {
	t.Helper()
	raw, _ := json.Marshal(r)
	var res RegisterTasksResult
	if err := DecodeResult(raw, &res); err != nil || len(res.Tasks) != 1 {
		t.Fatalf("register result %s: %v", raw, err)
	}
	return res.Tasks[0].UID
}

func TestBatchAppliesEachCommandInOrderWithItsOwnResult(t *testing.T) {
	cmds := [][]byte{
		registerCmd(t, "a", "movies"),
		mustEncode(t, CmdDeleteIndex, DeleteIndex{Meta: Meta{RequestID: "b", Time: t0}, UID: "ghost"}),
		registerCmd(t, "c", "books"),
	}
	batched := New(nil)
	got := applyBatch(t, batched, 1, cmds...)
	single := New(nil)
	for i, c := range cmds {
		if want := applyOne(single, uint64(i+1), c); !reflect.DeepEqual(got[i], want) {
			t.Fatalf("command %d: batched result %+v, alone %+v", i, got[i], want)
		}
	}
	if taskUID(t, got[0]) != 0 || taskUID(t, got[2]) != 1 || got[1].Err == nil || got[1].Err.Code != "index_not_found" {
		t.Fatalf("results %+v", got)
	}
	if batched.AppliedIndex() != 1 {
		t.Fatalf("applied index %d, want the batch entry's 1", batched.AppliedIndex())
	}
}

func TestBatchedCommandsKeepTheirRequestIDs(t *testing.T) {
	f := New(nil)
	first := applyBatch(t, f, 1, registerCmd(t, "a", "x"), registerCmd(t, "b", "x"))
	// A retry after a lost leadership: the same command again, alone or in
	// another batch, returns the remembered result and registers nothing.
	alone := applyOne(f, 2, registerCmd(t, "b", "x"))
	again := applyBatch(t, f, 3, registerCmd(t, "c", "x"), registerCmd(t, "a", "x"))
	if !reflect.DeepEqual(alone, first[1]) || !reflect.DeepEqual(again[1], first[0]) {
		t.Fatalf("replays %+v %+v, want %+v", alone, again[1], first)
	}
	if uid := taskUID(t, again[0]); uid != 2 {
		t.Fatalf("new command got uid %d, want 2 (replays allocate nothing)", uid)
	}
}

func TestNestedBatchesAreRefused(t *testing.T) {
	f := New(nil)
	inner, err := f.EncodeBatch([][]byte{registerCmd(t, "a", "x")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.EncodeBatch([][]byte{inner}); !errors.Is(err, ErrNestedBatch) {
		t.Fatalf("EncodeBatch(nested) = %v, want ErrNestedBatch", err)
	}
	nested := mustEncode(t, CmdBatch, Batch{Commands: [][]byte{inner}})
	if _, err := DecodeCommand(nested); !errors.Is(err, ErrNestedBatch) || !errors.Is(err, ErrBadPayload) {
		t.Fatalf("DecodeCommand(nested) = %v", err)
	}
	if !applyPanics(nested) {
		t.Fatal("Apply accepted a nested batch")
	}
	if _, err := f.EncodeBatch(nil); err == nil {
		t.Fatal("EncodeBatch accepted an empty batch")
	}
}

func TestSplitBatchResultRefusesOtherValues(t *testing.T) {
	if _, err := New(nil).SplitBatchResult(Result{}); err == nil {
		t.Fatal("split a plain Result")
	}
}
