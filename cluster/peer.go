package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	"github.com/prometheus/client_golang/prometheus"
)

// Peer is one member of the cluster: raft, gossip, the reconcile loop and
// leader-transparent Apply. New builds it, Start joins, Close shuts down.
type Peer struct {
	cfg     Config
	fsm     FSM
	logger  *slog.Logger
	metrics *metrics
	client  *http.Client
	tracker *appliedTracker
	view    *memberView
	meta    *metaDelegate
	batch   *batcher   // nil: one entry per command (MaxBatch 1, or no BatchEncoder)
	fwd     *forwarder // nil: one forwarding round trip per command (MaxBatch 1)
	// inflight holds the calls waiting on the leader; watchLeader ends
	// them when the leader changes.
	inflight *inflightCalls
	// known remembers peers' gossip addresses under DataDir (set by Start).
	known *knownPeers
	// reads coalesces concurrent ReadIndex calls into leader round trips.
	reads readRounds

	// Set by Start, read-only afterwards until Close.
	raft  *raft.Raft
	trans *raft.NetworkTransport
	layer *tcpStreamLayer // under trans; closed to unblock a stuck shutdown
	bolt  *raftboltdb.BoltStore
	ml    *memberlist.Memberlist
	// gossipAddr is the advertised gossip host:port.
	gossipAddr string
	// hasState and leaving feed this peer's gossip meta.
	hasState, leaving atomic.Bool

	// mu serialises Start and Close; state says which ran.
	mu      sync.Mutex
	state   lifecycle
	started chan struct{} // closed when Start succeeded
	closed  chan struct{} // closed when Close (or Kill) begins
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// New validates cfg and builds a peer. It starts nothing: no listener, no
// goroutine, no file is opened until Start. reg receives the peer's metrics
// (nil: not registered); logger nil means slog.Default().
func New(cfg Config, f FSM, logger *slog.Logger, reg prometheus.Registerer) (*Peer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if f == nil {
		return nil, fmt.Errorf("%w: fsm is nil", ErrInvalidConfig)
	}
	if logger == nil {
		logger = slog.Default()
	}
	logger = logger.With("peer", cfg.PeerID)
	cfg.warn(logger)
	p := &Peer{
		cfg:      cfg,
		fsm:      f,
		logger:   logger,
		client:   newForwardClient(cfg),
		tracker:  newAppliedTracker(),
		view:     newMemberView(),
		meta:     &metaDelegate{},
		inflight: newInflightCalls(),
		started:  make(chan struct{}),
		closed:   make(chan struct{}),
	}
	m, err := newMetrics(p, reg)
	if err != nil {
		return nil, err
	}
	p.metrics = m
	if enc, ok := f.(BatchEncoder); ok && cfg.MaxBatch > 1 {
		p.batch = newBatcher(cfg, enc, p.raftApply, m.observeBatch)
	}
	if cfg.MaxBatch > 1 {
		p.fwd = newForwarder(p)
	}
	return p, nil
}

// Start opens raft state under DataDir, starts raft and gossip, joins the
// peers in Config.Join, and starts the peer's loop. It returns once the
// peer is reachable; it does not wait for a leader (see WaitForLeader in
// clustertest, or Apply's hold). ctx bounds the join; the loops live until
// Close. Start may be called once.
func (p *Peer) Start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.state != stateNew {
		return ErrClosed
	}
	p.state = stateStarted
	if err := p.start(ctx); err != nil {
		p.state = stateClosed
		close(p.closed)
		p.tracker.close()
		return err
	}
	return nil
}

type lifecycle int

const (
	stateNew lifecycle = iota
	stateStarted
	stateClosed
)

func (p *Peer) start(ctx context.Context) error {
	hasState, err := p.openRaft()
	if err != nil {
		_ = p.shutdownRaft()
		_ = p.closeStores()
		return err
	}
	if p.known, err = loadKnownPeers(p.cfg.DataDir); err != nil {
		_ = p.shutdownRaft()
		_ = p.closeStores()
		return fmt.Errorf("read remembered gossip peers: %w", err)
	}
	if err := p.openGossip(hasState); err != nil {
		_ = p.shutdownRaft()
		_ = p.closeStores()
		return err
	}
	loopCtx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	if p.batch != nil {
		go p.batch.run(loopCtx) // waited for in stop, after raft shut down
	}
	if p.fwd != nil {
		go p.fwd.run(loopCtx) // its calls end with loopCtx; waited for in stop
	}
	close(p.started)
	p.wg.Add(3)
	go p.loop(loopCtx, hasState)
	go p.watchLeader(loopCtx)
	go p.rejoinLoop(loopCtx)
	if err := p.join(ctx); err != nil {
		_ = p.stop(false)
		return err
	}
	return nil
}

func (p *Peer) join(ctx context.Context) error {
	if len(p.cfg.Join) == 0 {
		return nil
	}
	for {
		n, err := p.ml.Join(p.cfg.Join)
		if n > 0 {
			p.logger.Info("joined gossip", "contacted", n)
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("join %v: %w (last error: %v)", p.cfg.Join, ctx.Err(), err)
		case <-time.After(p.cfg.GossipProbeInterval):
		}
	}
}

// Join contacts the given gossip addresses (host:port, DNS names allowed)
// once, on an operator's request, and returns how many answered. The
// leader then adds the new peers as voters. Errors only when none did.
func (p *Peer) Join(ctx context.Context, addrs []string) (int, error) {
	if !p.isStarted() {
		return 0, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := p.ml.Join(addrs)
	if n > 0 {
		return n, nil
	}
	if err == nil {
		err = errors.New("no address given")
	}
	return 0, fmt.Errorf("join %v: %w", addrs, err)
}

func (p *Peer) isStarted() bool {
	select {
	case <-p.started:
		return true
	default:
		return false
	}
}

// Close shuts the peer down without leaving the cluster (the peer stays a
// voter and is expected back; see Leave). Order: stop the loop, transfer
// leadership if this peer leads (best effort, bounded by raft's election
// timeout), shut raft down, shut gossip down, close the bolt store. It
// waits for every goroutine the peer owns and is safe to call twice.
func (p *Peer) Close() error {
	return p.shutdown(true)
}

// Kill stops the peer as a crash would: like Close but without the
// leadership transfer. For in-process tests of leader loss.
func (p *Peer) Kill() error {
	return p.shutdown(false)
}

func (p *Peer) shutdown(transfer bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	prev := p.state
	p.state = stateClosed
	if prev != stateClosed {
		close(p.closed)
	}
	if prev != stateStarted {
		p.tracker.close()
		return nil
	}
	return p.stop(transfer)
}

// stop tears down what start built; p.mu is held.
func (p *Peer) stop(transfer bool) error {
	p.cancel()
	p.wg.Wait()
	if transfer && p.raft.State() == raft.Leader {
		if err := p.raft.LeadershipTransfer().Error(); err != nil {
			p.logger.Warn("leadership transfer on close failed", "err", err)
		}
	}
	errs := []error{p.shutdownRaft()}
	p.reads.wg.Wait() // their holds end with p.closed, their raft calls with raft
	if p.batch != nil {
		<-p.batch.stopped // raft's shutdown resolved its entries
	}
	if p.fwd != nil {
		<-p.fwd.stopped
	}
	if err := p.ml.Shutdown(); err != nil {
		errs = append(errs, fmt.Errorf("memberlist shutdown: %w", err))
	}
	errs = append(errs, p.closeStores())
	p.tracker.close()
	p.client.CloseIdleConnections()
	return errors.Join(errs...)
}
