package workload

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/meilisearch/meilisearch-go"
	"github.com/miroir-search/miroir/chaos/history"
)

// Workload is a set of clients recording into one history.
type Workload struct {
	cfg  Config
	h    *history.History
	sdk  []meilisearch.ServiceManager // one per peer
	http *http.Client

	mu    sync.Mutex
	keys  []string // uids of keys some client tried to create
	nodes []string // ids of nodes some client tried to register

	doomOnce sync.Once
	health   health
}

// New builds the SDK clients; it sends nothing.
func New(cfg Config, h *history.History) (*Workload, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	hc := &http.Client{Timeout: cfg.RequestTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	w := &Workload{cfg: cfg, h: h, http: hc}
	for _, p := range cfg.Peers {
		w.sdk = append(w.sdk, meilisearch.New("http://"+p,
			meilisearch.WithAPIKey(cfg.MasterKey), meilisearch.WithCustomClient(hc), meilisearch.DisableRetries()))
	}
	return w, nil
}

// DocIndexes are the indexes the clients write and search.
func (w *Workload) DocIndexes() []string {
	out := make([]string, w.cfg.DocIndexes)
	for i := range out {
		out[i] = fmt.Sprintf("%s-docs%d", w.cfg.Name, i)
	}
	return out
}

// DoomedIndex is the index deleted mid-run ("" when disabled).
func (w *Workload) DoomedIndex() string {
	if !w.cfg.Doomed {
		return ""
	}
	return w.cfg.Name + "-doomed"
}

// MetaIndexes are the indexes created, deleted and reconfigured.
func (w *Workload) MetaIndexes() []string {
	out := make([]string, w.cfg.MetaIndexes)
	for i := range out {
		out[i] = fmt.Sprintf("%s-meta%d", w.cfg.Name, i)
	}
	return out
}

// Run starts the clients and returns when ctx ends and every client has
// finished its current operation.
func (w *Workload) Run(ctx context.Context) {
	var wg sync.WaitGroup
	pctx, stopProbe := context.WithCancel(ctx)
	defer stopProbe()
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.probe(pctx)
	}()
	for i := range w.cfg.Clients + w.readers() {
		c := w.newClient(i + 1)
		if i >= w.cfg.Clients {
			c.mix = Mix{Search: 1} // readers own no ids to get
			c.interval = 5 * w.cfg.Interval
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.loop(ctx)
		}()
	}
	if w.DoomedIndex() != "" && w.cfg.DoomAfter > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTimer(w.cfg.DoomAfter)
			defer t.Stop()
			select {
			case <-ctx.Done():
			case <-t.C:
				w.doomOnce.Do(func() { w.newClient(0).dropIndex(ctx, w.DoomedIndex()) })
			}
		}()
	}
	wg.Wait()
}

// readers is the number of read-only clients: none when there are no doc
// indexes to read.
func (w *Workload) readers() int {
	if w.cfg.DocIndexes == 0 {
		return 0
	}
	return w.cfg.Readers
}

// pick chooses a random peer for the client's next request and remembers
// it, so the outcome records who answered.
func (c *client) pick() meilisearch.ServiceManager {
	i, sm := c.w.peer(c.rng)
	c.lastPeer = c.w.cfg.Peers[i]
	return sm
}

// done completes p with r, naming the peer of the client's last request.
func (c *client) done(p history.Pending, r history.Result) {
	if r.Peer == "" {
		r.Peer = c.lastPeer
	}
	p.Complete(r)
}

func (w *Workload) addKey(uid string) {
	w.mu.Lock()
	w.keys = append(w.keys, uid)
	w.mu.Unlock()
}

func (w *Workload) randomKey(rng *rand.Rand) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.keys) == 0 {
		return ""
	}
	return w.keys[rng.IntN(len(w.keys))]
}

func (w *Workload) addNode(id string) {
	w.mu.Lock()
	w.nodes = append(w.nodes, id)
	w.mu.Unlock()
}

func (w *Workload) randomNode(rng *rand.Rand) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.nodes) == 0 {
		return ""
	}
	return w.nodes[rng.IntN(len(w.nodes))]
}

// reqCtx bounds one request.
func (w *Workload) reqCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, w.cfg.RequestTimeout)
}
