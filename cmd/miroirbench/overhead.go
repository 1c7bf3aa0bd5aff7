package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// measureOverhead estimates the latency miroir adds over the slowest
// shard's own time. For each query, one at a time, it sends each node the
// query miroir would send it (nodeQuery), concurrently, as miroir fans out,
// and takes the slowest node's round trip; then it sends the client query
// through the peer. The order alternates between rounds so drift in the
// machine's load does not favour either side. Both sides cross loopback
// HTTP to the nodes the same way, so the difference is the peer's own
// cost: one more hop, planning, merging and encoding.
func measureOverhead(ctx context.Context, env *benchEnv, cl *clusterProcs, uid string, rounds int) (section, error) {
	start, load0 := time.Now(), loadAvg()
	phys, err := physicalNames(ctx, cl.nodes, uid)
	if err != nil {
		return section{}, err
	}
	nodeBodies := make([][]byte, len(querySet))
	for i, q := range querySet {
		if nodeBodies[i], err = nodeQuery(q.body); err != nil {
			return section{}, err
		}
	}
	peer := searchTarget{c: cl.peers[0].c, uid: uid}
	before, scrapeErr := scrapeProxy(ctx, cl.peers[0])
	idleCPU := idleCPURate(ctx, cl.peers[0].proc)
	cpu0, _ := cl.peers[0].cpuSeconds()
	t0 := time.Now()
	var shard, through, diff []time.Duration
	env.logf("overhead: %d rounds of %d paired queries", rounds, len(querySet))
	for r := range rounds {
		for i, q := range querySet {
			var s, m time.Duration
			var err error
			if r%2 == 0 {
				if s, err = slowestShard(ctx, cl.nodes, phys, nodeBodies[i]); err == nil {
					m, err = timed(func() error { return peer.search(ctx, []byte(q.body)) })
				}
			} else {
				if m, err = timed(func() error { return peer.search(ctx, []byte(q.body)) }); err == nil {
					s, err = slowestShard(ctx, cl.nodes, phys, nodeBodies[i])
				}
			}
			if err != nil {
				return section{}, fmt.Errorf("overhead query %s: %w", q.body, err)
			}
			shard, through, diff = append(shard, s), append(through, m), append(diff, m-s)
		}
	}
	note := "peer metrics unavailable"
	if after, err := scrapeProxy(ctx, cl.peers[0]); err == nil && scrapeErr == nil {
		note = before.describe(after)
	}
	if cpu1, err := cl.peers[0].cpuSeconds(); err == nil {
		busy := cpu1 - cpu0 - idleCPU*time.Since(t0).Seconds()
		note += fmt.Sprintf(" The peer process used %.2f ms of CPU per search (user+system from /proc, its idle rate of %.1f ms/s subtracted): what it costs when it never waits for a core.",
			1000*busy/float64(len(diff)), 1000*idleCPU)
	}
	sec := overheadSection(shard, through, diff, note, start, load0)
	if sec.missed {
		sec.body += peerProfile(ctx, env, cl.peers[0], peer)
	}
	return sec.section, nil
}

// peerProfile samples the peer with perf while it serves the query set,
// for the report of a missed budget.
func peerProfile(ctx context.Context, env *benchEnv, p *peerProc, t searchTarget) string {
	env.logf("overhead budget missed: profiling %s with perf for 10 s", p.id)
	top, err := perfProfile(ctx, env, p.pid(), 10*time.Second, func(ctx context.Context) {
		for i := 0; ctx.Err() == nil; i++ {
			_ = t.search(ctx, []byte(querySet[i%len(querySet)].body))
		}
	})
	if err != nil {
		return "\nNo profile of the peer: " + err.Error() + "\n"
	}
	return "\nWhere the peer spends its CPU while serving the query set at concurrency 1 (`perf record -g -p <peer>`, `perf report --sort symbol`):\n\n```\n" + top + "\n```\n"
}

// overheadResult is the section and whether a budget was missed.
type overheadResult struct {
	section
	missed bool
}

// idleCPURate is the CPU seconds per second the process burns with no
// requests (raft heartbeats, health probes, task watcher), over 2 s.
func idleCPURate(ctx context.Context, p *proc) float64 {
	c0, err := p.cpuSeconds()
	if err != nil {
		return 0
	}
	select {
	case <-ctx.Done():
	case <-time.After(2 * time.Second):
	}
	c1, _ := p.cpuSeconds()
	return (c1 - c0) / 2
}

// physicalNames finds, on each node, the index miroir created for uid
// (its physical name is not the client's uid).
func physicalNames(ctx context.Context, nodes []*nodeProc, uid string) ([]string, error) {
	out := make([]string, len(nodes))
	for i, n := range nodes {
		uids, err := n.c.indexUIDs(ctx)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n.id, err)
		}
		for _, u := range uids {
			if u == uid || strings.Contains(u, uid) {
				out[i] = u
			}
		}
		if out[i] == "" && len(uids) == 1 {
			out[i] = uids[0]
		}
		if out[i] == "" {
			return nil, fmt.Errorf("%s holds no index for %q (it has %v)", n.id, uid, uids)
		}
	}
	return out, nil
}

// slowestShard queries every node concurrently and returns the slowest
// round trip.
func slowestShard(ctx context.Context, nodes []*nodeProc, phys []string, body []byte) (time.Duration, error) {
	lat := make([]time.Duration, len(nodes))
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat[i], errs[i] = timed(func() error {
				_, err := n.c.do(ctx, http.MethodPost, searchPath(phys[i]), "application/json", body)
				return err
			})
		}()
	}
	wg.Wait()
	var worst time.Duration
	for i := range nodes {
		if errs[i] != nil {
			return 0, errs[i]
		}
		worst = max(worst, lat[i])
	}
	return worst, nil
}

func timed(f func() error) (time.Duration, error) {
	t0 := time.Now()
	err := f()
	return time.Since(t0), err
}

func overheadSection(shard, through, diff []time.Duration, note string, start time.Time, load0 string) overheadResult {
	s, m, d := sortedCopy(shard), sortedCopy(through), sortedCopy(diff)
	add50, add99 := ms(pct(m, 50)-pct(s, 50)), ms(pct(m, 99)-pct(s, 99))
	rows := [][]string{
		{"slowest shard, queried directly", f2(ms(pct(s, 50))), f2(ms(pct(s, 95))), f2(ms(pct(s, 99))), ""},
		{"through miroir", f2(ms(pct(m, 50))), f2(ms(pct(m, 95))), f2(ms(pct(m, 99))), ""},
		{"**added by miroir** (difference of percentiles)", f2(add50), f2(ms(pct(m, 95) - pct(s, 95))), f2(add99),
			fmt.Sprintf("p50 <= 0.3: %s; p99 <= 2: %s", verdict(add50 <= 0.3), verdict(add99 <= 2))},
		{"paired difference per query", f2(ms(pct(d, 50))), f2(ms(pct(d, 95))), f2(ms(pct(d, 99))), ""},
	}
	body := fmt.Sprintf("%d paired samples at concurrency 1 (each query sent to the 3 nodes directly, as miroir's node query, and through the peer).\n\n", len(diff))
	body += table([]string{"", "p50 ms", "p95 ms", "p99 ms", "budget"}, rows)
	body += "\n" + note + "\n"
	return overheadResult{
		section: section{id: "search-overhead", title: "Latency miroir adds over the slowest shard", body: body + stamp(start, load0)},
		missed:  add50 > 0.3 || add99 > 2,
	}
}
