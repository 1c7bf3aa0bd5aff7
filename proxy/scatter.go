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
	var gone error
	pending := shards
	for round := 0; len(pending) > 0 && round < maxReadRounds; round++ {
		plan := planRead(t, pending, rr, p.readable, avoid)
		missing = append(missing, plan.missing...)
		answers, failed, lacking, err := runParts(ctx, plan.parts, call)
		if err != nil {
			return nil, nil, err
		}
		if lacking != nil && gone == nil {
			gone = lacking
		}
		out = append(out, answers...)
		pending = nil
		for _, part := range failed {
			avoid[part.node.ID] = true
			pending = append(pending, part.shards...)
		}
	}
	missing = append(missing, pending...)
	if len(out) == 0 && gone != nil {
		// No replica has the index: it is being deleted.
		return nil, nil, gone
	}
	slices.Sort(missing)
	return out, missing, nil
}

// runParts calls every part concurrently and sorts outcomes into answers,
// parts whose node was unavailable, and the first node error. A node that
// answers index_not_found for an index of the catalog missed its creation
// (or a deletion is in flight): its part is retried elsewhere like an
// unavailable node's, and the error is returned as lacking.
func runParts[T any](ctx context.Context, parts []readPart, call func(context.Context, readPart) (T, error)) (answers []T, failed []readPart, lacking, err error) {
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
	for i, r := range res {
		switch {
		case r.err == nil:
			answers = append(answers, r.v)
		case unavailable(r.err):
			failed = append(failed, parts[i])
		case isCode(r.err, meili.CodeIndexNotFound):
			failed = append(failed, parts[i])
			if lacking == nil {
				lacking = r.err
			}
		default:
			return nil, nil, nil, r.err
		}
	}
	return answers, failed, lacking, nil
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
