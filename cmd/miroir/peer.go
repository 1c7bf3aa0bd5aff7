package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/proxy"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// peer is one miroir peer: its HTTP listener, FSM, cluster membership and
// admin server, with one metrics registry.
type peer struct {
	id      string
	ln      net.Listener
	fsm     *fsm.FSM
	cl      *cluster.Peer
	px      *proxy.Proxy
	catalog *admin.Catalog
	// masterKey set means the Meilisearch API is protected and the default
	// keys are created on first start.
	masterKey string
	// taskRetention is how long finished tasks are kept.
	taskRetention time.Duration
	srv           *admin.Server
	logger        *slog.Logger
	serveErr      chan error

	// loops runs the proxy's background work and the leader-only loops.
	loopCancel context.CancelFunc
	loops      sync.WaitGroup

	stopOnce sync.Once
	stopErr  error
}

// newPeer binds the HTTP listener (so the advertised HTTP address is known
// even with port 0) and builds everything; it starts nothing.
func newPeer(cfg peerConfig, logger *slog.Logger, tune ...func(*cluster.Config)) (*peer, error) {
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on http address %s: %w", cfg.HTTPAddr, err)
	}
	p, err := buildPeer(cfg, ln, logger, tune)
	if err != nil {
		ln.Close()
		return nil, err
	}
	return p, nil
}

func buildPeer(cfg peerConfig, ln net.Listener, logger *slog.Logger, tune []func(*cluster.Config)) (*peer, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	ccfg := clusterConfig(cfg, ln.Addr().String())
	for _, t := range tune {
		t(&ccfg)
	}
	fm, err := fsm.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	f := fsm.New(logger.With("peer", cfg.ID), fsm.WithMetrics(fm))
	cl, err := cluster.New(ccfg, f, logger, reg)
	if err != nil {
		return nil, err
	}
	plog := logger.With("peer", cfg.ID)
	pcfg := proxy.DefaultConfig()
	pcfg.MasterKey, pcfg.NodeKey = cfg.MasterKey, cfg.NodeKey
	if cfg.DefaultShards > 0 {
		pcfg.DefaultShards = cfg.DefaultShards
	}
	cat := admin.NewCatalog(consensus{cl}, nil, plog)
	px, err := proxy.New(pcfg, proxy.Deps{State: proxyState{f, cl}, Catalog: cat}, plog, reg)
	if err != nil {
		return nil, err
	}
	acfg := admin.DefaultConfig()
	acfg.AdminKey, acfg.DefaultRF = cfg.AdminKey, cfg.DefaultRF
	deps := admin.Deps{Consensus: consensus{cl}, State: fsmState{f}, Commands: commands{}, Gatherer: reg, Data: px}
	srv, err := admin.New(acfg, deps, plog, reg)
	if err != nil {
		return nil, err
	}
	return &peer{id: cfg.ID, ln: ln, fsm: f, cl: cl, px: px, catalog: cat, masterKey: cfg.MasterKey, taskRetention: cfg.TaskRetention,
		srv: srv, logger: plog, serveErr: make(chan error, 1)}, nil
}

// clusterConfig maps the peer's settings onto the cluster's.
func clusterConfig(cfg peerConfig, boundHTTP string) cluster.Config {
	c := cluster.DefaultConfig()
	c.PeerID = cfg.ID
	c.DataDir = cfg.DataDir
	c.RaftBindAddr, c.RaftAdvertiseAddr = cfg.RaftAddr, cfg.RaftAdvertiseAddr
	c.GossipBindAddr, c.GossipAdvertiseAddr = cfg.GossipAddr, cfg.GossipAdvertiseAddr
	c.HTTPAddr = cfg.HTTPAdvertiseAddr
	if c.HTTPAddr == "" {
		c.HTTPAddr = boundHTTP
	}
	c.Join = cfg.Join
	c.BootstrapExpect = cfg.BootstrapExpect
	c.ClusterKey = cfg.ClusterKey
	c.GossipEncrypt = cfg.GossipEncrypt
	c.HoldTimeout = cfg.HoldTimeout
	c.HeartbeatTimeout, c.ElectionTimeout = cfg.RaftHeartbeatTimeout, cfg.RaftElectionTimeout
	c.LeaderLeaseTimeout, c.CommitTimeout = cfg.RaftLeaseTimeout, cfg.RaftCommitTimeout
	c.Version = version
	return c
}

// httpAddr is where this peer's HTTP API listens.
func (p *peer) httpAddr() string { return p.ln.Addr().String() }

// start serves HTTP (readiness answers 503 until raft has a leader) and
// then starts the cluster peer, which joins gossip; ctx bounds the join.
func (p *peer) start(ctx context.Context) error {
	go func() { p.serveErr <- p.srv.Serve(p.ln) }()
	if err := p.cl.Start(ctx); err != nil {
		_ = p.stopHTTP(context.Background())
		return err
	}
	lctx, cancel := context.WithCancel(context.Background())
	p.loopCancel = cancel
	if err := p.px.Start(lctx); err != nil {
		cancel()
		_ = p.stopHTTP(context.Background())
		return errors.Join(err, p.cl.Close())
	}
	p.loops.Add(2)
	go p.leaderLoops(lctx)
	go func() {
		defer p.loops.Done()
		_ = p.srv.CatchUp(lctx) // ends with lctx at shutdown
	}()
	return nil
}

// leaderLoops runs the leader-only work while this peer leads, polling
// leadership every leaderPoll; on gaining leadership it also creates the
// default API keys when needed.
func (p *peer) leaderLoops(ctx context.Context) {
	defer p.loops.Done()
	tick := time.NewTicker(leaderPoll)
	defer tick.Stop()
	var works []leaderWork
	stop := func() {
		for _, w := range works {
			_ = w.Close()
		}
		if works != nil {
			p.logger.Info("leader loops stopped")
		}
		works = nil
	}
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		switch leading := p.cl.IsLeader(); {
		case leading && works == nil:
			works = p.startLeaderWork(ctx)
		case !leading:
			stop()
		}
	}
}

func (p *peer) startLeaderWork(ctx context.Context) []leaderWork {
	var started []leaderWork
	for _, w := range p.leaderWorks() {
		if err := w.Start(ctx); err != nil {
			p.logger.Error("leader loop", "err", err)
			continue
		}
		started = append(started, w)
	}
	p.logger.Info("leader loops started", "loops", len(started))
	if p.masterKey != "" {
		if err := ensureDefaultKeys(ctx, p.fsm, p.catalog); err != nil {
			p.logger.Warn("creating the default API keys", "err", err)
		}
	}
	return started
}

// leaderPoll is how often a peer checks whether it leads.
const leaderPoll = 100 * time.Millisecond

// shutdown follows STYLE.md: readiness 503, HTTP shutdown, the proxy's
// loops (leader loops, then the recorder, which flushes), then the cluster
// peer (stops its loops, transfers leadership, shuts raft down, then
// memberlist, then closes its stores). The peer does not leave the cluster.
// Safe to call more than once; later calls return the first result.
func (p *peer) shutdown(ctx context.Context) error {
	p.stopOnce.Do(func() {
		p.srv.SetDraining()
		httpErr := p.stopHTTP(ctx)
		if p.loopCancel != nil {
			p.loopCancel()
			p.loops.Wait()
			_ = p.px.Close()
		}
		p.stopErr = errors.Join(httpErr, p.closeCluster(ctx))
	})
	return p.stopErr
}

// errShutdownStuck reports a cluster shutdown that did not finish in time.
var errShutdownStuck = errors.New("cluster shutdown did not finish in time; giving up (the raft log is crash-safe)")

// closeCluster closes the cluster peer, waiting at most until ctx ends: a
// raft shutdown can hang on a replication stream to an unresponsive peer,
// and a stuck SIGTERM is worse than an unclean exit, which raft-boltdb
// survives like a crash.
func (p *peer) closeCluster(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- p.cl.Close() }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		p.logger.Error("cluster shutdown stuck", "err", ctx.Err())
		return fmt.Errorf("%w: %w", errShutdownStuck, ctx.Err())
	}
}

func (p *peer) stopHTTP(ctx context.Context) error {
	err := p.srv.Shutdown(ctx)
	if serr := <-p.serveErr; serr != nil {
		err = errors.Join(err, serr)
	}
	return err
}
