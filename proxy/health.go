package proxy

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/miroir-search/miroir/store"
)

// HealthChecker probes every node and commits its health transitions:
// active -> failed and recovering -> failed after FailAfter failed probes,
// failed -> recovering after RecoverAfter good ones (a node that was down
// missed writes: it serves reads again only once repaired). It also runs
// the repair loop (repair.go), which commits recovering -> active. Only the
// leader runs one, so each transition is decided once; every peer also
// avoids a node locally (suspect) as soon as a call to it fails.
type HealthChecker struct {
	p      *Proxy
	mu     sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
	rep    *repairer

	// Owned by the loop goroutine.
	fails, oks map[string]int
}

// NewHealthChecker returns a checker over p's state and nodes; it starts
// nothing.
func (p *Proxy) NewHealthChecker() *HealthChecker {
	return &HealthChecker{p: p, fails: map[string]int{}, oks: map[string]int{}, rep: newRepairer(p)}
}

// Start probes every HealthInterval and repairs recovering nodes every
// RepairInterval until ctx ends or Close.
func (h *HealthChecker) Start(ctx context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.cancel != nil {
		return errors.New("proxy: health checker already started")
	}
	ctx, h.cancel = context.WithCancel(ctx)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(h.p.cfg.HealthInterval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				h.round(ctx)
			}
		}
	}()
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		h.rep.run(ctx)
	}()
	return nil
}

// Close stops probing and waits for the loop.
func (h *HealthChecker) Close() error {
	h.mu.Lock()
	if h.cancel != nil {
		h.cancel()
	}
	h.mu.Unlock()
	h.wg.Wait()
	return nil
}

// round probes all active, recovering and failed nodes concurrently and
// commits the transitions their streaks call for.
func (h *HealthChecker) round(ctx context.Context) {
	var nodes []store.Node
	h.p.state.Read(func(s *store.State) {
		for _, n := range s.Nodes() {
			if n.State == store.NodeActive || n.State == store.NodeFailed || n.State == store.NodeRecovering {
				nodes = append(nodes, n)
			}
		}
	})
	ok := make([]bool, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok[i] = h.p.probe(ctx, n)
		}()
	}
	wg.Wait()
	for i, n := range nodes {
		if to, change := h.observe(n, ok[i]); change {
			if to == store.NodeRecovering {
				// Before the commit: the repair must not see n recovering
				// without knowing it missed a whole downtime.
				h.rep.noteDowntime(n.ID)
			}
			if err := h.p.catalog.SetNodeState(ctx, n.ID, to); err != nil {
				h.p.log.Warn("committing node state failed", "node", n.ID, "to", to, "err", err)
				continue
			}
			h.p.log.Info("node state changed", "node", n.ID, "from", n.State, "to", to)
		}
	}
}

// observe records one probe and reports the transition due, if any. A
// failed node that answers again goes to recovering, never straight to
// active: it missed every write of its downtime.
func (h *HealthChecker) observe(n store.Node, healthy bool) (store.NodeState, bool) {
	if healthy {
		h.fails[n.ID] = 0
		h.oks[n.ID]++
		return store.NodeRecovering, n.State == store.NodeFailed && h.oks[n.ID] >= h.p.cfg.RecoverAfter
	}
	h.oks[n.ID] = 0
	h.fails[n.ID]++
	due := (n.State == store.NodeActive || n.State == store.NodeRecovering) && h.fails[n.ID] >= h.p.cfg.FailAfter
	return store.NodeFailed, due
}

// probe asks a node's /health within one health interval.
func (p *Proxy) probe(ctx context.Context, n store.Node) bool {
	ctx, cancel := context.WithTimeout(ctx, min(p.cfg.HealthInterval, p.cfg.NodeTimeout))
	defer cancel()
	err := p.nodes.do(ctx, n.Addr, request{method: http.MethodGet, path: "/health"}, nil)
	if err == nil {
		p.nodes.clearSuspect(n.Addr)
	}
	return err == nil
}
