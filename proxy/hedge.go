package proxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/miroir-search/miroir/meili"
)

// Hedged reads (DESIGN §6.5). A read part (one node, the shards it covers)
// that has not answered after Config.HedgeDelay is sent again to a plan
// that covers exactly the same shards without that node (one or more
// other replicas, each restricted with `_miroir_shard IN [...]` as usual).
// The first complete answer wins and the other attempt is cancelled, so
// every shard is still counted exactly once: either the primary's single
// answer or every answer of the alternative plan, never a mix. A node that
// loses to its hedge is marked suspect, so the following reads of this
// peer go elsewhere at once instead of waiting HedgeDelay each.

// reader runs the parts of one read: the call, the topology to plan
// alternatives in, and the nodes that already failed this read.
type reader[T any] struct {
	p     *Proxy
	t     *topology
	rr    uint64
	avoid map[string]bool // read-only while a round runs
	call  func(context.Context, readPart) (T, error)
	// lacking: an earlier round's replicas answered index_not_found, so a
	// part that stays silent past HedgeDelay with no replica left to hedge
	// to is given up instead of waited for: the index is most likely gone.
	lacking bool
}

// attempt calls part's node and, after HedgeDelay without an answer, an
// alternative covering of part.shards. It returns the answers of whichever
// finished first with success, or the primary's error. A primary that fails
// before the hedge fires returns at once: the caller retries elsewhere.
func (r *reader[T]) attempt(ctx context.Context, part readPart) ([]T, error) {
	delay := r.p.cfg.HedgeDelay
	if delay <= 0 {
		v, err := r.call(ctx, part)
		if err != nil {
			return nil, err
		}
		return []T{v}, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel() // the loser stops; wait so no call outlives the read
		wg.Wait()
	}()
	type result struct {
		vs     []T
		err    error
		hedge  bool
		failed []string // node ids a hedge failed on
	}
	ch := make(chan result, 2)
	wg.Add(1)
	go func() {
		defer wg.Done()
		v, err := r.call(ctx, part)
		ch <- result{vs: []T{v}, err: err}
	}()
	// A hedge that fails (or cannot be planned yet) is tried again one
	// delay later, avoiding the nodes it failed on, at most maxHedges times.
	tick := time.NewTicker(delay)
	defer tick.Stop()
	running, hedges, inFlight := 1, 0, false
	hedgeAvoid := map[string]bool{part.node.ID: true}
	var primaryErr error
	primaryDone := false
	for running > 0 {
		select {
		case res := <-ch:
			running--
			switch {
			case res.err == nil:
				if hedges > 0 {
					r.p.res.hedges.WithLabelValues(hedgeOutcome(res.hedge)).Inc()
				}
				if res.hedge {
					r.p.nodes.markSuspect(part.node.Addr)
				}
				return res.vs, nil
			case res.hedge && !retryable(res.err):
				// Other replicas answered with an error of their own (the
				// index is gone, a bad filter): that is the answer; waiting
				// for a hung node would not change it.
				return nil, res.err
			case res.hedge:
				inFlight = false
				if ctx.Err() == nil {
					r.p.log.Warn("hedged read failed", "node", part.node.ID, "shards", len(part.shards), "err", res.err)
				}
				for _, f := range res.failed {
					hedgeAvoid[f] = true
				}
			default:
				primaryErr, primaryDone = res.err, true
				if !inFlight || !retryable(res.err) {
					return nil, res.err
				}
			}
		case <-tick.C:
			if inFlight || primaryDone || hedges >= maxHedges {
				continue
			}
			alt, ok := r.alternative(part, hedgeAvoid)
			if !ok && r.lacking && !inFlight {
				return nil, fmt.Errorf("%w: %s did not answer within the hedge delay", ErrNodeUnavailable, part.node.ID)
			}
			if !ok || !r.p.res.takeHedge() {
				continue
			}
			hedges++
			inFlight = true
			running++
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer r.p.res.releaseHedge()
				vs, failed, err := r.all(ctx, alt)
				ch <- result{vs: vs, err: err, hedge: true, failed: failed}
			}()
		}
	}
	if primaryErr == nil {
		primaryErr = errors.New("proxy: hedged read failed")
	}
	return nil, primaryErr
}

// maxHedges bounds the hedges of one read part.
const maxHedges = 2

// maxHedgesInFlight bounds the hedges in flight on a peer: when the whole
// cluster is slow (overload, not one bad node), hedging every read would
// double the load that makes it slow.
const maxHedgesInFlight = 64

// takeHedge reserves one of the peer's hedges in flight, if any is left.
func (r *resilience) takeHedge() bool {
	if r.hedging.Add(1) > maxHedgesInFlight {
		r.hedging.Add(-1)
		return false
	}
	return true
}

func (r *resilience) releaseHedge() { r.hedging.Add(-1) }

func hedgeOutcome(hedgeWon bool) string {
	if hedgeWon {
		return "won"
	}
	return "lost"
}

// alternative covers part.shards without the nodes in skip (part's node
// and those earlier hedges failed on) nor nodes that failed this read; ok
// only when it covers every one of them.
func (r *reader[T]) alternative(part readPart, skip map[string]bool) ([]readPart, bool) {
	avoid := make(map[string]bool, len(r.avoid)+len(skip))
	for id := range r.avoid {
		avoid[id] = true
	}
	for id := range skip {
		avoid[id] = true
	}
	plan := planCovering(r.p, r.t, part.shards, r.rr+1, avoid)
	if len(plan.missing) > 0 || len(plan.parts) == 0 {
		return nil, false
	}
	return plan.parts, true
}

// all calls every part concurrently (no further hedging) and succeeds only
// when every one answered; else it names the nodes that did not.
func (r *reader[T]) all(ctx context.Context, parts []readPart) ([]T, []string, error) {
	out := make([]T, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = r.call(ctx, parts[i])
		}()
	}
	wg.Wait()
	var failed []string
	for i, err := range errs {
		if err != nil {
			failed = append(failed, parts[i].node.ID)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, failed, err
	}
	return out, nil, nil
}

// retryable reports whether another replica may answer where this one
// failed: transport failures and timeouts, and a node's 5xx answer even
// when it carries a Meilisearch error body (an overloaded or broken node,
// or a fault proxy in front of it, answers that way; a healthy replica
// answers differently).
func retryable(err error) bool {
	if unavailable(err) {
		return true
	}
	var me *meili.Error
	return errors.As(err, &me) && me.Status >= http.StatusInternalServerError
}
