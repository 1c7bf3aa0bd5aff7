package proxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
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
//
// The primary call runs on the calling goroutine and the hedge is armed
// with one timer whose function is the hedge: a part that answers within
// HedgeDelay (the common case) costs a timer and a cancel, no goroutine.
func (r *reader[T]) attempt(ctx context.Context, part readPart) ([]T, error) {
	delay := r.p.cfg.HedgeDelay
	if delay <= 0 || !r.lacking && !r.hedgeable(part) {
		v, err := r.call(ctx, part)
		if err != nil {
			return nil, err
		}
		return []T{v}, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	h := &hedger[T]{r: r, part: part, ctx: ctx, cancel: cancel, delay: delay}
	h.mu.Lock()
	h.timer = time.AfterFunc(delay, h.fire)
	h.mu.Unlock()
	v, err := r.call(ctx, part)
	return h.finish(v, err)
}

// hedgeable reports whether a hedge of part may ever be planned: every
// shard of it has an owner other than part's node in a readable group (a
// superset of what alternative accepts). With RF 1 nothing is: the part is
// then a plain call, unless it must be given up when silent (lacking).
func (r *reader[T]) hedgeable(part readPart) bool {
	for _, s := range part.shards {
		if !r.otherOwner(s, part.node.ID) {
			return false
		}
	}
	return true
}

func (r *reader[T]) otherOwner(shard int, node string) bool {
	for i := range r.t.place.groups {
		g := &r.t.place.groups[i]
		if !g.readable || shard >= len(g.owners) {
			continue
		}
		for _, id := range g.owners[shard] {
			if id != node {
				return true
			}
		}
	}
	return false
}

// hedger is the state one attempt shares with its hedges. Every decision
// is taken under mu, by whichever of the primary (finish) and a hedge
// (fire) gets there first; the first decisive outcome (a success, an
// error another replica would repeat, giving up) is the attempt's.
type hedger[T any] struct {
	r      *reader[T]
	part   readPart
	ctx    context.Context
	cancel context.CancelFunc // stops the primary and every hedge
	delay  time.Duration
	wg     sync.WaitGroup // hedges running; Add only while !closed

	mu       sync.Mutex
	timer    *time.Timer
	closed   bool // the primary returned: no hedge starts any more
	inFlight bool
	hedges   int
	skip     map[string]bool // part's node and the nodes hedges failed on
	decided  bool
	won      []T           // a hedge's answers, when decided by one
	err      error         // the decisive error, when decided by one
	wake     chan struct{} // closed when a hedge ends while the primary waits
}

// fire starts a hedge: it runs on the timer's own goroutine. A hedge that
// fails (or cannot be planned yet) is tried again one delay later,
// avoiding the nodes it failed on, at most maxHedges times.
func (h *hedger[T]) fire() {
	h.mu.Lock()
	if h.closed || h.decided || h.inFlight || h.hedges >= maxHedges {
		h.mu.Unlock()
		return
	}
	if h.skip == nil {
		h.skip = map[string]bool{h.part.node.ID: true}
	}
	alt, ok := h.r.alternative(h.part, h.skip)
	if !ok && h.r.lacking {
		h.decide(nil, fmt.Errorf("%w: %s did not answer within the hedge delay", ErrNodeUnavailable, h.part.node.ID))
		h.mu.Unlock()
		return
	}
	if !ok || !h.r.p.res.takeHedge() {
		h.timer.Reset(h.delay)
		h.mu.Unlock()
		return
	}
	h.hedges++
	h.inFlight = true
	h.wg.Add(1)
	h.mu.Unlock()
	defer h.wg.Done()
	vs, failed, err := h.r.all(h.ctx, alt)
	h.r.p.res.releaseHedge()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.inFlight = false
	switch {
	case err == nil:
		h.decide(vs, nil)
	case !retryable(err):
		// Other replicas answered with an error of their own (the index
		// is gone, a bad filter): that is the answer; waiting for a hung
		// node would not change it.
		h.decide(nil, err)
	default:
		if h.ctx.Err() == nil {
			h.r.p.log.Warn("hedged read failed", "node", h.part.node.ID, "shards", len(h.part.shards), "err", err)
		}
		for _, f := range failed {
			h.skip[f] = true
		}
		if !h.closed {
			h.timer.Reset(h.delay)
		}
	}
	if h.wake != nil {
		close(h.wake)
		h.wake = nil
	}
}

// decide records a hedge's outcome as the attempt's, unless one already
// is, and stops the primary. mu is held.
func (h *hedger[T]) decide(vs []T, err error) {
	if h.decided {
		return
	}
	h.decided, h.won, h.err = true, vs, err
	h.cancel()
}

// finish takes the primary's outcome: the answer unless a hedge decided
// first; a retryable failure waits for the hedge in flight, if any. The
// loser is cancelled and waited for, so no call outlives the read.
func (h *hedger[T]) finish(v T, err error) ([]T, error) {
	h.mu.Lock()
	h.closed = true
	h.timer.Stop()
	if !h.decided && (err == nil || !h.inFlight || !retryable(err)) {
		h.decided = true
		hedged := h.hedges > 0
		h.mu.Unlock()
		h.cancel()
		h.wg.Wait()
		if err != nil {
			return nil, err
		}
		if hedged {
			h.r.p.res.hedges.WithLabelValues(hedgeOutcome(false)).Inc()
		}
		return []T{v}, nil
	}
	if !h.decided {
		wake := make(chan struct{})
		h.wake = wake
		h.mu.Unlock()
		<-wake
		h.mu.Lock()
	}
	won, werr, decided := h.won, h.err, h.decided
	h.mu.Unlock()
	h.cancel()
	h.wg.Wait()
	switch {
	case !decided: // the hedge failed too
		return nil, err
	case werr != nil:
		return nil, werr
	}
	h.r.p.res.hedges.WithLabelValues(hedgeOutcome(true)).Inc()
	h.r.p.nodes.markSuspect(h.part.node.Addr)
	return won, nil
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
	// A hedge goes to a recovering replica only in place of a recovering
	// node: the replica may lack acknowledged writes, and a slow healthy
	// node's answer is worth waiting for rather than a stale one.
	usable := []func(store.Node) bool{r.p.readable, servesReads}
	if part.node.State == store.NodeRecovering {
		usable = append(usable, recovering)
	}
	plan := planFallback(r.t, part.shards, r.rr+1, avoid, usable...)
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
	each(len(parts), func(i int) { out[i], errs[i] = r.call(ctx, parts[i]) })
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
