package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type memoryFlags struct {
	tasks int
	conc  int
}

func runMemory(ctx context.Context, env *benchEnv, args []string) ([]section, error) {
	var f memoryFlags
	fs := env.flags()
	fs.IntVar(&f.tasks, "tasks", 100000, "tasks to register before the second measurement")
	fs.IntVar(&f.conc, "conc", 128, "concurrent writers registering tasks")
	if err := env.parse(fs, args); err != nil {
		return nil, err
	}
	return memorySections(ctx, env, f)
}

// memorySections measures the RSS of every peer idle, then registers
// tasks that the peers decide alone (creating an index that exists: the
// task is committed, then failed, without a node write), so only the
// replicated task table grows, and measures again.
func memorySections(ctx context.Context, env *benchEnv, f memoryFlags) ([]section, error) {
	start, load0 := time.Now(), loadAvg()
	cl, err := env.startCluster(ctx, "memory", clusterOpts{peers: 3, nodes: 1})
	if err != nil {
		return nil, err
	}
	defer stopCluster(cl)
	idle, idleHeap := settledRSS(ctx, cl)
	rows := [][]string{rssRow("idle", idle, 0, ""), rssRow("idle, Go heap in use", idleHeap, 0, "")}
	var notes []string
	if err := cl.dataPath(ctx); err != nil {
		notes = append(notes, "100,000 tasks not measured: "+err.Error())
	} else {
		took, rate, err := registerTasks(ctx, env, cl, f)
		if err != nil {
			return nil, err
		}
		total, _ := taskTotal(ctx, cl.peers[0])
		full, fullHeap := settledRSS(ctx, cl)
		rows = append(rows, rssRow(fmt.Sprintf("%d tasks retained", total), full, 200<<10, "<= 200 MB"),
			rssRow(fmt.Sprintf("%d tasks, Go heap in use", total), fullHeap, 0, ""))
		notes = append(notes, fmt.Sprintf("- %d tasks registered in %s (%.0f/s at %d writers) through the leader", f.tasks, took.Round(time.Millisecond), rate, f.conc))
	}
	body := "RSS (VmRSS of /proc/<pid>/status) of each `miroir serve` process of a 3-peer cluster, after 3 s without requests, and the Go heap in use it reports on /metrics (the RSS also holds garbage not yet collected and memory not yet returned to the OS).\n\n"
	body += table([]string{"state", "peer1", "peer2", "peer3", "max", "budget"}, rows)
	body += "\n" + strings.Join(notes, "\n") + "\n"
	return []section{{id: "memory", title: "Peer memory", body: body + stamp(start, load0)}}, nil
}

// settledRSS waits 3 s for the peers to go quiet, then reads their RSS
// and their Go heap in use (from /metrics), in KiB.
func settledRSS(ctx context.Context, cl *clusterProcs) (rss, heap []int64) {
	select {
	case <-ctx.Done():
	case <-time.After(3 * time.Second):
	}
	rss, heap = make([]int64, len(cl.peers)), make([]int64, len(cl.peers))
	for i, p := range cl.peers {
		rss[i], _ = p.rssKB()
		if out, err := p.c.do(ctx, http.MethodGet, "/metrics", "", nil); err == nil {
			heap[i] = int64(promSample(out, "go_memstats_heap_inuse_bytes") / 1024)
		}
	}
	return rss, heap
}

func rssRow(state string, kb []int64, budgetKB int64, budget string) []string {
	row := []string{state}
	var worst int64
	for _, v := range kb {
		row = append(row, fmt.Sprintf("%.1f MB", float64(v)/1024))
		worst = max(worst, v)
	}
	row = append(row, fmt.Sprintf("%.1f MB", float64(worst)/1024))
	if budget != "" {
		budget += ": " + verdict(worst <= budgetKB)
	}
	return append(row, budget)
}

func registerTasks(ctx context.Context, env *benchEnv, cl *clusterProcs, f memoryFlags) (time.Duration, float64, error) {
	if err := createIndex(ctx, cl.peers[0].c, "memory"); err != nil {
		return 0, 0, err
	}
	// Straight to the leader: the figure is what retained tasks cost, and
	// forwarding each write from a follower only makes filling slower.
	leader, err := cl.leader(ctx)
	if err != nil {
		return 0, 0, err
	}
	env.logf("registering %d tasks with %d writers through the leader %s", f.tasks, f.conc, leader.id)
	body := []byte(`{"uid":"memory","primaryKey":"id"}`)
	start := time.Now()
	res := driveCount(ctx, f.conc, f.tasks, func(ctx context.Context, i int) error {
		_, err := leader.c.enqueue(ctx, http.MethodPost, "/indexes", "application/json", body)
		return err
	})
	took := time.Since(start)
	if res.errs > 0 {
		return 0, 0, fmt.Errorf("%d of %d task registrations failed, first: %v", res.errs, f.tasks, res.firstEr)
	}
	return took, float64(f.tasks) / took.Seconds(), nil
}

func taskTotal(ctx context.Context, p *peerProc) (int, error) {
	out, err := p.c.do(ctx, http.MethodGet, "/tasks?limit=1", "", nil)
	if err != nil {
		return 0, err
	}
	var page struct {
		Total int `json:"total"`
	}
	return page.Total, json.Unmarshal(out, &page)
}
