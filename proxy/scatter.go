package proxy

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// maxReadRounds bounds retries on other replicas within one read.
const maxReadRounds = 3

// scatter runs call once per node of a plan covering shards (each shard
// exactly once), retrying the shards of a node that is unavailable (no
// answer, timeout, or a 5xx answer) on other replicas, and hedging a node
// that is slow (hedge.go). A node's own error answer (a bad filter, say)
// is the answer to the client, as a single Meilisearch would give it. It
// returns the answers and the shards that got none (the shard policy then
// decides; a 5xx answer from every replica is logged).
func scatter[T any](ctx context.Context, p *Proxy, t *topology, shards []int, call func(context.Context, readPart) (T, error)) ([]T, []int, error) {
	r := &reader[T]{p: p, t: t, rr: p.rr.Add(1), avoid: map[string]bool{}, call: call}
	var out []T
	var missing []int
	var gone, serverErr error
	pending := shards
	for round := 0; len(pending) > 0 && round < maxReadRounds; round++ {
		plan := planCovering(p, t, pending, r.rr, r.avoid)
		missing = append(missing, plan.missing...)
		answers, failed, lacking, err := runParts(ctx, r, plan.parts)
		if err != nil {
			return nil, nil, err
		}
		if lacking != nil && gone == nil {
			gone = lacking
			r.lacking = true
		}
		out = append(out, answers...)
		pending = nil
		for _, f := range failed {
			r.avoid[f.part.node.ID] = true
			pending = append(pending, f.part.shards...)
			if f.err != nil && !unavailable(f.err) && !isCode(f.err, meili.CodeIndexNotFound) {
				serverErr = f.err
			}
		}
		if len(failed) > 0 && len(pending) > 0 {
			p.res.retries.Add(float64(len(failed)))
		}
	}
	missing = append(missing, pending...)
	if len(out) == 0 && gone != nil {
		// No replica has the index: it is being deleted.
		return nil, nil, gone
	}
	if len(missing) > 0 && serverErr != nil && ctx.Err() == nil {
		p.log.Warn("no replica answered some shards", "index", t.index.UID, "shards", missing, "err", serverErr)
	}
	slices.Sort(missing)
	return out, missing, nil
}

// planCovering plans with readable, non-suspect replicas first, covers
// the shards left over with suspect ones (suspicion, a recent failure or a
// lost hedge, is a preference, never a reason to drop a shard that an
// active replica may still answer), and only then with recovering ones,
// which pickReplica allows only for a shard that has no other replica (no
// other node can have taken a write it missed). A shard whose replicas are
// all recovering is left missing (shard policy: 503 or degraded) until the
// repair's first pass makes one of them active: a stale answer is worse.
func planCovering(p *Proxy, t *topology, shards []int, rr uint64, avoid map[string]bool) readPlan {
	return planFallback(t, shards, rr, avoid, p.readable, servesReads, recovering)
}

// planFallback plans shards with the nodes the first of usable accepts,
// then covers the shards left over with the next, and so on.
func planFallback(t *topology, shards []int, rr uint64, avoid map[string]bool, usable ...func(store.Node) bool) readPlan {
	plan := planRead(t, shards, rr, usable[0], avoid)
	for _, u := range usable[1:] {
		if len(plan.missing) == 0 {
			break
		}
		rest := planRead(t, plan.missing, rr, u, avoid)
		plan.parts = append(plan.parts, rest.parts...)
		plan.missing = rest.missing
	}
	return plan
}

// servesReads reports whether a node's state lets it serve reads (active
// or draining), suspect or not.
func servesReads(n store.Node) bool {
	return n.State == store.NodeActive || n.State == store.NodeDraining
}

func recovering(n store.Node) bool { return n.State == store.NodeRecovering }

// failedPart is a part whose node could not answer, and why.
type failedPart struct {
	part readPart
	err  error
}

// runParts runs every part concurrently (each hedged, see attempt) and
// sorts outcomes into answers, parts whose node was unavailable, and the
// first node error. A node that answers index_not_found for an index of
// the catalog missed its creation (or a deletion is in flight): its part
// is retried elsewhere like an unavailable node's, and the error is
// returned as lacking.
func runParts[T any](ctx context.Context, r *reader[T], parts []readPart) (answers []T, failed []failedPart, lacking, err error) {
	type outcome struct {
		vs  []T
		err error
	}
	res := make([]outcome, len(parts))
	each(len(parts), func(i int) { res[i].vs, res[i].err = r.attempt(ctx, parts[i]) })
	for i, o := range res {
		switch {
		case o.err == nil:
			answers = append(answers, o.vs...)
		case retryable(o.err):
			if ctx.Err() == nil && !unavailable(o.err) {
				// The client transport did not mark it: a 5xx answer.
				r.p.nodes.markSuspect(parts[i].node.Addr)
			}
			failed = append(failed, failedPart{parts[i], o.err})
		case isCode(o.err, meili.CodeIndexNotFound):
			failed = append(failed, failedPart{parts[i], o.err})
			if lacking == nil {
				lacking = o.err
			}
		default:
			return nil, nil, nil, o.err
		}
	}
	return answers, failed, lacking, nil
}

// each calls f(0) ... f(n-1) concurrently and returns when every call
// has: the last runs on the calling goroutine, so n calls start n-1
// goroutines (a read of one part starts none).
func each(n int, f func(int)) {
	if n == 0 {
		return
	}
	var wg sync.WaitGroup
	wg.Add(n - 1)
	for i := range n - 1 {
		go func() {
			defer wg.Done()
			f(i)
		}()
	}
	f(n - 1)
	wg.Wait()
}

// shardsGone applies the shard policy to shards that got no answer: an
// error (503 miroir_shard_unavailable) or the X-Miroir-Degraded value.
func (p *Proxy) shardsGone(uid string, missing []int) (string, error) {
	if len(missing) == 0 {
		return "", nil
	}
	parts := make([]string, len(missing))
	for i, s := range missing {
		parts[i] = strconv.Itoa(s)
	}
	list := strings.Join(parts, ",")
	if p.cfg.ShardPolicy == ShardPolicyError {
		return "", meili.Errorf(meili.CodeMiroirShardUnavailable,
			"No replica of shard(s) %s of index `%s` answered; retry when the nodes are back.", list, uid)
	}
	return "shards=" + list, nil
}
