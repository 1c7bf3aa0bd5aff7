package proxy

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"

	"github.com/miroir-search/miroir/store"
)

// nodeBatch is one node's part of a write.
type nodeBatch struct {
	node   store.Node
	shards []int // shards whose replica on this node the batch writes
	reqs   []request
}

// batchResult is a node's answer: the task uid of its last request.
type batchResult struct {
	node    store.Node
	taskUID uint64
	err     error
}

// writable reports whether writes are sent to a node: failed and removed
// nodes are skipped and count as missed replicas. A recovering node takes
// writes: its repair then only has to fix what it missed before.
func writable(n store.Node) bool {
	return n.State == store.NodeActive || n.State == store.NodeDraining || n.State == store.NodeJoining ||
		n.State == store.NodeRecovering
}

// send delivers every batch concurrently; each node gets its requests in
// order. It never fails fast: quorum is judged on all results. An active
// node that could not take its batch (no answer, timeout, 5xx) while
// another node took its own may now lack a write that succeeded
// elsewhere: it is marked recovering (markMissed) before send returns, so
// the write is acknowledged only once reads avoid the node until it is
// repaired.
func (p *Proxy) send(ctx context.Context, op string, batches []*nodeBatch) []batchResult {
	out := make([]batchResult, len(batches))
	var wg sync.WaitGroup
	for i, b := range batches {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = p.sendOne(ctx, b)
			result := "ok"
			if out[i].err != nil {
				result = "error"
			}
			p.metrics.nodeCalls.WithLabelValues(op, result).Inc()
		}()
	}
	wg.Wait()
	var missed []store.Node
	tookIt := false
	for _, r := range out {
		switch {
		case r.err == nil:
			tookIt = true
		case retryable(r.err):
			missed = append(missed, r.node)
		}
	}
	if len(missed) > 0 && tookIt {
		// Only when another node took the write: a write no node took
		// leaves no replica behind (and a node error every replica
		// answers must not take them all out of reads).
		p.markMissed(ctx, missed)
	}
	return out
}

func (p *Proxy) sendOne(ctx context.Context, b *nodeBatch) batchResult {
	res := batchResult{node: b.node}
	for _, r := range b.reqs {
		var task struct {
			TaskUID uint64 `json:"taskUid"`
		}
		if err := p.nodes.do(ctx, b.node.Addr, r, &task); err != nil {
			res.err = err
			p.log.Warn("node write failed", "node", b.node.ID, "path", r.path, "err", err)
			return res
		}
		res.taskUID = task.TaskUID
	}
	return res
}

// quorumOutcome judges a write: the shards that reached quorum in no
// readable group, and the nodes that missed it.
type quorumOutcome struct {
	failedShards []int
	missed       []string
}

// judge applies the write quorum (DESIGN §5.6) to shards, given which nodes
// accepted.
func (p *Proxy) judge(t *topology, shards []int, acked map[string]bool) quorumOutcome {
	var q quorumOutcome
	missed := map[string]bool{}
	for _, shard := range shards {
		ok := false
		for _, g := range t.place.groups {
			owners := g.owners[shard]
			n := 0
			for _, id := range owners {
				if acked[id] {
					n++
				} else {
					missed[id] = true
				}
			}
			if g.readable && len(owners) > 0 && n >= p.cfg.quorum(len(owners)) {
				ok = true
			}
		}
		if !ok {
			q.failedShards = append(q.failedShards, shard)
		}
	}
	for id := range missed {
		q.missed = append(q.missed, id)
	}
	slices.Sort(q.missed)
	return q
}

// degradedHeader is X-Miroir-Degraded's value for a write that missed nodes.
func degradedNodes(missed []string) string { return "nodes=" + strings.Join(missed, ",") }

// broadcastBatches builds one batch per node that holds any shard of the
// index, each carrying reqs, with the shards it holds.
func broadcastBatches(t *topology, reqs ...request) []*nodeBatch {
	byNode := map[string]*nodeBatch{}
	var out []*nodeBatch
	for _, g := range t.place.groups {
		for shard, owners := range g.owners {
			for _, id := range owners {
				n, ok := t.nodes[id]
				if !ok || !writable(n) {
					continue
				}
				b := byNode[id]
				if b == nil {
					b = &nodeBatch{node: n, reqs: reqs}
					byNode[id] = b
					out = append(out, b)
				}
				b.shards = append(b.shards, shard)
			}
		}
	}
	return out
}

// acked collects the nodes that accepted and their node task uids.
func acked(results []batchResult) (map[string]bool, map[string]uint64) {
	ok := map[string]bool{}
	uids := map[string]uint64{}
	for _, r := range results {
		if r.err == nil {
			ok[r.node.ID] = true
			uids[r.node.ID] = r.taskUID
		}
	}
	return ok, uids
}

// firstError returns the first node error that is not an availability
// failure (a node refusing the request, e.g. a bad filter), if any. A 5xx
// answer is an availability failure: the node missed the write.
func firstError(results []batchResult) error {
	for _, r := range results {
		if r.err != nil && !retryable(r.err) {
			return r.err
		}
	}
	return nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with values that always encode
	}
	return b
}
