package proxy

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// Proxy serves the Meilisearch API of one peer.
type Proxy struct {
	cfg     Config
	state   State
	catalog Catalog
	log     *slog.Logger
	nodes   *nodeClient
	places  placementCache
	opts    optionsCache
	rr      atomic.Uint64
	metrics *metrics
	res     *resilience // read failover and repair (repair_state.go)
	rec     *recorder
	// stuckCommit is a commit index a task read waited for in vain.
	stuckCommit atomic.Uint64
	// prepared is the (node, index) pairs seen ready for documents.
	prepared preparedCache

	mu      sync.Mutex
	started bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New builds a Proxy. It validates cfg and registers metrics; it starts
// nothing (see Start).
func New(cfg Config, deps Deps, logger *slog.Logger, reg prometheus.Registerer) (*Proxy, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.State == nil || deps.Catalog == nil {
		return nil, errors.New("proxy: Deps.State and Deps.Catalog are required")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	res, err := newResilience(reg)
	if err != nil {
		return nil, err
	}
	p := &Proxy{cfg: cfg, state: deps.State, catalog: deps.Catalog, log: logger,
		nodes: newNodeClient(cfg), metrics: m, res: res}
	p.rec = newRecorder(deps.Catalog, cfg.RecordInterval, logger)
	return p, nil
}

// Start runs the proxy's own background work on every peer: the batched
// recorder of node task uids. The leader-only loops (TaskWatcher,
// HealthChecker) are separate objects the admin starts on the leader.
func (p *Proxy) Start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return errors.New("proxy: already started")
	}
	ctx, p.cancel = context.WithCancel(ctx)
	p.started = true
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		p.rec.run(ctx)
	}()
	return nil
}

// Close stops background work, flushes pending records and closes idle
// node connections.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.cancel != nil {
		p.cancel()
	}
	p.mu.Unlock()
	p.wg.Wait()
	p.res.waitMarks()
	p.nodes.close()
	return nil
}

// loadIndex resolves an index uid (or alias) and copies what routing needs
// out of the state.
func (p *Proxy) loadIndex(uid string) (*topology, error) {
	var t *topology
	p.state.Read(func(s *store.State) {
		idx, ok := s.ResolveIndex(uid)
		if !ok {
			return
		}
		t = &topology{index: idx, nodes: nodeMap(s), place: p.places.get(s, idx)}
	})
	if t == nil {
		return nil, indexNotFound(uid)
	}
	return t, nil
}

func nodeMap(s *store.State) map[string]store.Node {
	nodes := s.Nodes()
	m := make(map[string]store.Node, len(nodes))
	for _, n := range nodes {
		m[n.ID] = n
	}
	return m
}

func indexNotFound(uid string) error {
	return meili.Errorf(meili.CodeIndexNotFound, "Index `%s` not found.", uid)
}

// readable reports whether reads may use the node now: active or draining
// in the state, and not suspect locally.
func (p *Proxy) readable(n store.Node) bool {
	if n.State != store.NodeActive && n.State != store.NodeDraining {
		return false
	}
	return !p.nodes.isSuspect(n.Addr)
}
