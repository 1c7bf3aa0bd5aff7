package proxy

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/miroir-search/miroir/meili"
)

// maxReadRounds bounds retries on other replicas within one read.
const maxReadRounds = 3

// scatter runs call once per node of a plan covering shards (each shard
// exactly once), retrying the shards of a node that is unavailable on
// other replicas. A node's own error answer (a bad filter, say) is the
// answer to the client, as a single Meilisearch would give it. It returns
// the answers and the shards that got none.
func scatter[T any](ctx context.Context, p *Proxy, t *topology, shards []int, call func(context.Context, readPart) (T, error)) ([]T, []int, error) {
	rr := p.rr.Add(1)
	avoid := map[string]bool{}
	var out []T
	var missing []int
	pending := shards
	for round := 0; len(pending) > 0 && round < maxReadRounds; round++ {
		plan := planRead(t, pending, rr, p.readable, avoid)
		missing = append(missing, plan.missing...)
		answers, failed, err := runParts(ctx, plan.parts, call)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, answers...)
		pending = nil
		for _, part := range failed {
			avoid[part.node.ID] = true
			pending = append(pending, part.shards...)
		}
	}
	missing = append(missing, pending...)
	slices.Sort(missing)
	return out, missing, nil
}

// runParts calls every part concurrently and sorts outcomes into answers,
// parts whose node was unavailable, and the first node error.
func runParts[T any](ctx context.Context, parts []readPart, call func(context.Context, readPart) (T, error)) ([]T, []readPart, error) {
	type outcome struct {
		v   T
		err error
	}
	res := make([]outcome, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i].v, res[i].err = call(ctx, parts[i])
		}()
	}
	wg.Wait()
	var answers []T
	var failed []readPart
	for i, r := range res {
		switch {
		case r.err == nil:
			answers = append(answers, r.v)
		case unavailable(r.err):
			failed = append(failed, parts[i])
		default:
			return nil, nil, r.err
		}
	}
	return answers, failed, nil
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
