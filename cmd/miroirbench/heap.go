package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/hashicorp/raft"

	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/store"
)

// runHeap profiles the replicated state alone: it applies, in this
// process, the commands a peer commits for n client tasks (one
// registration entry and one outcome entry each, as the memory figure's
// writes produce) and reports the heap in use with the top allocation
// sites. The peers serve no pprof, so this is the heap profile behind the
// memory figure.
func runHeap(ctx context.Context, env *benchEnv, args []string) ([]section, error) {
	var n int
	fs := env.flags()
	fs.IntVar(&n, "tasks", 100000, "tasks to register and finish")
	if err := env.parse(fs, args); err != nil {
		return nil, err
	}
	return heapSections(ctx, env, n)
}

func heapSections(ctx context.Context, env *benchEnv, n int) ([]section, error) {
	start, load0 := time.Now(), loadAvg()
	base := heapInUse()
	f := fsm.New(nil)
	if err := applyTasks(f, n); err != nil {
		return nil, err
	}
	used := heapInUse() - base
	prof := filepath.Join(env.tmp, "heap.pprof")
	if err := writeHeap(prof); err != nil {
		return nil, err
	}
	top, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-sample_index=inuse_space", "-focus", "miroir/(fsm|store)", "-nodecount", "20", prof).Output()
	if err != nil {
		return nil, fmt.Errorf("go tool pprof: %w", err)
	}
	runtime.KeepAlive(f)
	body := fmt.Sprintf("An `fsm.FSM` in the driver's process, fed %d RegisterTasks entries of one task each and %d UpdateTasks entries that fail them (what the memory figure's writes commit): %.1f MB of Go heap in use after GC, %.0f bytes per task.\n\n```\n%s\n```\n",
		n, n, float64(used)/(1<<20), float64(used)/float64(n), pprofTable(string(top)))
	return []section{{id: "heap", title: "Heap of the replicated state with retained tasks", body: body + stamp(start, load0)}}, nil
}

func applyTasks(f *fsm.FSM, n int) error {
	t0 := time.Now().UTC()
	details := json.RawMessage(`{"primaryKey":"id"}`)
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Millisecond)
		reg := fsm.RegisterTasks{Meta: fsm.Meta{RequestID: fmt.Sprintf("req-%032d", i), Time: at},
			Tasks: []store.NewTask{{Type: "indexCreation", IndexUID: "memory", Details: details, RequestID: fmt.Sprintf("%032d", i)}}}
		if err := applyCmd(f, uint64(2*i+1), fsm.CmdRegisterTasks, reg); err != nil {
			return err
		}
		upd := fsm.UpdateTasks{Meta: fsm.Meta{Time: at}, Updates: []store.TaskUpdate{{UID: uint64(i), Status: store.TaskFailed,
			Error: &store.TaskError{Message: "Index `memory` already exists.", Code: "index_already_exists", Type: "invalid_request", Link: "https://docs.meilisearch.com/errors#index_already_exists"}}}}
		if err := applyCmd(f, uint64(2*i+2), fsm.CmdUpdateTasks, upd); err != nil {
			return err
		}
	}
	return nil
}

func applyCmd(f *fsm.FSM, index uint64, t fsm.CommandType, payload any) error {
	data, err := fsm.Encode(t, payload)
	if err != nil {
		return err
	}
	f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: data})
	return nil
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func writeHeap(path string) error {
	runtime.GC()
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	defer out.Close()
	return pprof.Lookup("heap").WriteTo(out, 0)
}
