package workload

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// health is the clients' view of which peers answer, kept by a prober the
// way a load balancer's health checks would: GET /health on every peer
// each HealthInterval, with that interval as the timeout. Clients pick
// among the peers that answered the last probe, so a paused (SIGSTOPped)
// peer stops receiving new requests within about one interval instead of
// holding every client that picks it for a whole RequestTimeout; that is
// what the leader-loss budget measures, writes through the surviving
// peers, not a client pinned to a frozen process.
type health struct {
	mu   sync.Mutex
	down []bool
}

// up returns the indexes of the peers that answered the last probe, or
// every peer when none did (or before the first probe).
func (h *health) up(n int) []int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]int, 0, n)
	for i := range n {
		if i >= len(h.down) || !h.down[i] {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		for i := range n {
			out = append(out, i)
		}
	}
	return out
}

func (h *health) set(i int, down bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for len(h.down) <= i {
		h.down = append(h.down, false)
	}
	h.down[i] = down
}

// probe runs until ctx ends.
func (w *Workload) probe(ctx context.Context) {
	if w.cfg.HealthInterval <= 0 {
		return
	}
	hc := &http.Client{Timeout: w.cfg.HealthInterval}
	t := time.NewTicker(w.cfg.HealthInterval)
	defer t.Stop()
	for {
		var wg sync.WaitGroup
		for i, p := range w.cfg.Peers {
			wg.Go(func() { w.health.set(i, !probeOnce(ctx, hc, p)) })
		}
		wg.Wait()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func probeOnce(ctx context.Context, hc *http.Client, peer string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+peer+"/health", nil)
	if err != nil {
		return false
	}
	resp, err := hc.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// peer picks the SDK client of a random peer among those that answer.
func (w *Workload) peer(rng *rand.Rand) (int, meilisearch.ServiceManager) {
	up := w.health.up(len(w.sdk))
	i := up[rng.IntN(len(up))]
	return i, w.sdk[i]
}
