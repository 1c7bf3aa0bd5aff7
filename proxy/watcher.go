package proxy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// TaskWatcher turns node task progress into client task transitions. Only
// the leader runs one (admin starts it on leadership and closes it on loss),
// so transitions are decided once. It polls every TaskPollInterval with one
// batched `GET /tasks?uids=` per node that has open tasks.
type TaskWatcher struct {
	p      *Proxy
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	// Leader-only jobs driven by the same loop: webhook deliveries
	// (webhooks_notify.go) and export tasks (export_run.go).
	notify *notifier
	export *exporter
}

// NewTaskWatcher returns a watcher over p's state and nodes; it starts
// nothing.
func (p *Proxy) NewTaskWatcher() *TaskWatcher { return &TaskWatcher{p: p} }

// Start runs the polling loop until ctx ends or Close.
func (w *TaskWatcher) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		return errors.New("proxy: task watcher already started")
	}
	ctx, w.cancel = context.WithCancel(ctx)
	w.notify, w.export = newNotifier(w.p), newExporter(w.p)
	w.wg.Add(2)
	go w.notify.run(ctx, &w.wg)
	go func() {
		defer w.wg.Done()
		t := time.NewTicker(w.p.cfg.TaskPollInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				w.p.pollTasks(ctx)
				w.notify.tick()
				w.export.tick(ctx, &w.wg)
			}
		}
	}()
	return nil
}

// Close stops the loop and waits for it.
func (w *TaskWatcher) Close() error {
	w.mu.Lock()
	if w.cancel != nil {
		w.cancel()
	}
	w.mu.Unlock()
	w.wg.Wait()
	return nil
}

// nodeTask is the part of a node's task the watcher reads.
type nodeTask struct {
	UID        uint64           `json:"uid"`
	Status     store.TaskStatus `json:"status"`
	Details    json.RawMessage  `json:"details"`
	Error      *store.TaskError `json:"error"`
	StartedAt  *time.Time       `json:"startedAt"`
	FinishedAt *time.Time       `json:"finishedAt"`
}

// pollTasks runs one watcher cycle.
func (p *Proxy) pollTasks(ctx context.Context) {
	var open []store.Task
	var nodes map[string]store.Node
	rf := map[string]int{}
	p.state.Read(func(s *store.State) {
		open = s.OpenTasks()
		if len(open) > 0 {
			nodes = nodeMap(s)
			for _, g := range s.Groups() {
				rf[g.ID] = g.RF
			}
		}
	})
	if len(open) == 0 {
		return
	}
	seen := p.fetchNodeTasks(ctx, open, nodes)
	var updates []store.TaskUpdate
	for _, t := range open {
		u, ok := p.aggregate(ctx, t, nodes, rf, seen)
		if ok {
			updates = append(updates, u)
		}
	}
	if len(updates) > 0 {
		if err := p.catalog.UpdateTasks(ctx, updates); err != nil && ctx.Err() == nil {
			p.log.Warn("committing task transitions failed", "tasks", len(updates), "err", err)
		}
	}
}

// nodeTaskKey names one node task.
type nodeTaskKey struct {
	node string
	uid  uint64
}

// fetchNodeTasks asks every node with open node tasks for their state.
func (p *Proxy) fetchNodeTasks(ctx context.Context, open []store.Task, nodes map[string]store.Node) map[nodeTaskKey]nodeTask {
	want := map[string][]uint64{}
	for _, t := range open {
		for node, uid := range t.NodeTasks {
			want[node] = append(want[node], uid)
		}
	}
	seen := map[nodeTaskKey]nodeTask{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for id, uids := range want {
		n, ok := nodes[id]
		if !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			tasks, err := p.nodeTasks(ctx, n, uids)
			if err != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, nt := range tasks {
				seen[nodeTaskKey{id, nt.UID}] = nt
			}
		}()
	}
	wg.Wait()
	return seen
}

func (p *Proxy) nodeTasks(ctx context.Context, n store.Node, uids []uint64) ([]nodeTask, error) {
	slices.Sort(uids)
	parts := make([]string, len(uids))
	for i, u := range uids {
		parts[i] = strconv.FormatUint(u, 10)
	}
	var page struct {
		Results []nodeTask `json:"results"`
	}
	path := "/tasks?limit=" + strconv.Itoa(len(uids)) + "&uids=" + strings.Join(parts, ",")
	err := p.nodes.do(ctx, n.Addr, request{method: http.MethodGet, path: path}, &page)
	return page.Results, err
}

// aggregate folds a client task's node tasks into its status (DESIGN §7)
// and returns the transition to commit, if any.
func (p *Proxy) aggregate(ctx context.Context, t store.Task, nodes map[string]store.Node, rf map[string]int, seen map[nodeTaskKey]nodeTask) (store.TaskUpdate, bool) {
	if t.Type == kindExport {
		return store.TaskUpdate{}, false // the exporter runs it (export_run.go)
	}
	if len(t.NodeTasks) == 0 {
		if time.Since(t.EnqueuedAt) > p.cfg.AbandonAfter {
			return store.TaskUpdate{UID: t.UID, Status: store.TaskFailed, Error: taskError(errAbandoned)}, true
		}
		return store.TaskUpdate{}, false
	}
	agg := foldNodeTasks(t, nodes, rf, seen)
	switch {
	case agg.status == t.Status:
		return store.TaskUpdate{}, false
	case agg.status == store.TaskSucceeded:
		if t.Type == kindDocumentDeletion && len(agg.missing) > 0 {
			p.repairIndex(ctx, t.IndexUID, agg.missing)
		}
		if err := p.commitEffects(ctx, t, nodes); errors.Is(err, errSettingsPending) {
			return store.TaskUpdate{}, false
		} else if err != nil {
			return store.TaskUpdate{UID: t.UID, Status: store.TaskFailed, At: agg.at, Error: taskError(err)}, true
		}
		return succeeded(t, agg), true
	}
	return store.TaskUpdate{UID: t.UID, Status: agg.status, At: agg.at, Error: agg.err}, true
}

var errAbandoned = errors.New("the peer that accepted this write stopped before reaching the nodes; send it again")

// folded is the aggregate of one task's node tasks.
type folded struct {
	status  store.TaskStatus
	at      time.Time
	err     *store.TaskError
	deleted map[string]int64 // group -> deletedDocuments summed over its nodes
	first   json.RawMessage  // details of the first succeeded node task (by node id)
	missing []string         // nodes that answered index_not_found to a deletion
}

// foldNodeTasks: failed with the first node error; canceled when any was
// canceled; succeeded when every node that is not declared failed has
// succeeded; processing while any started; enqueued otherwise. A node task
// that cannot be read (node unreachable) keeps the task open.
func foldNodeTasks(t store.Task, nodes map[string]store.Node, rf map[string]int, seen map[nodeTaskKey]nodeTask) folded {
	f := folded{status: store.TaskEnqueued, deleted: map[string]int64{}}
	ids := make([]string, 0, len(t.NodeTasks))
	for id := range t.NodeTasks {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	done, started, pending, canceled := 0, false, false, false
	for _, id := range ids {
		nt, ok := seen[nodeTaskKey{id, t.NodeTasks[id]}]
		if !ok {
			if n, known := nodes[id]; known && n.State == store.NodeFailed {
				continue
			}
			pending = true
			continue
		}
		started = started || nt.Status != store.TaskEnqueued
		if nt.FinishedAt != nil && nt.FinishedAt.After(f.at) {
			f.at = *nt.FinishedAt
		}
		status := nt.Status
		if status == store.TaskFailed && nothingToDelete(t.Type, nt.Error) {
			status = store.TaskSucceeded
			f.missing = append(f.missing, id)
		}
		switch status {
		case store.TaskFailed:
			if f.err == nil {
				f.err = nt.Error
				if f.err == nil {
					f.err = taskError(fmt.Errorf("node %s failed the task without an error", id))
				}
			}
		case store.TaskCanceled:
			canceled = true
		case store.TaskSucceeded:
			done++
			if f.first == nil {
				f.first = nt.Details
			}
			f.deleted[nodes[id].Group] += deletedDocuments(nt.Details)
		default:
			pending = true
		}
	}
	switch {
	case f.err != nil && !pending:
		f.status = store.TaskFailed
	case canceled && !pending:
		f.status = store.TaskCanceled
	case !pending && done > 0:
		f.status = store.TaskSucceeded
	case started:
		f.status = store.TaskProcessing
		f.at = time.Time{}
	}
	for g, n := range f.deleted {
		if r := int64(rf[g]); r > 1 {
			f.deleted[g] = n / r
		}
	}
	return f
}

// nothingToDelete reports whether a node task failed only because the node
// lacks the physical index (it was down or slow when the index was created,
// or the creation ended in miroir_no_quorum) while the task deletes: the
// index or its documents are already absent there, so for that node the
// deletion is done. Any other failure still fails the task.
func nothingToDelete(typ string, err *store.TaskError) bool {
	return err != nil && err.Code == string(meili.CodeIndexNotFound) &&
		(typ == kindIndexDeletion || typ == kindDocumentDeletion)
}

func deletedDocuments(details json.RawMessage) int64 {
	var d struct {
		Deleted int64 `json:"deletedDocuments"`
	}
	_ = json.Unmarshal(details, &d)
	return d.Deleted
}

// finalDetails fills the counts a single Meilisearch would report.
func finalDetails(t store.Task, f folded) json.RawMessage {
	var d map[string]any
	if json.Unmarshal(t.Details, &d) != nil || d == nil {
		return nil
	}
	switch t.Type {
	case kindDocumentAdditionOrUpdate:
		d["indexedDocuments"] = d["receivedDocuments"]
	case kindDocumentDeletion:
		d["deletedDocuments"] = f.deletedEstimate()
	case "dumpCreation":
		var nd struct {
			DumpUID any `json:"dumpUid"`
		}
		_ = json.Unmarshal(f.first, &nd)
		d["dumpUid"] = nd.DumpUID
	default:
		return nil
	}
	return mustJSON(d)
}

// deletedEstimate: each document deleted in a group was deleted once per
// replica (folded divides by RF); the largest group count is the number a
// single Meilisearch would report.
func (f folded) deletedEstimate() int64 {
	var best int64
	for _, n := range f.deleted {
		best = max(best, n)
	}
	return best
}
