package cluster

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
)

// Config is everything one peer needs to take part in the cluster. Build it
// with DefaultConfig, set the peer-specific fields, and let New validate it.
type Config struct {
	// PeerID names this peer in raft and gossip. Stable for the life of the
	// data dir and never reused by another peer. Required.
	PeerID string

	// DataDir holds raft.db (log and stable store, one bolt file) and
	// snapshots/. Required. A peer with state in DataDir never bootstraps.
	DataDir string

	// RaftBindAddr is the host:port raft's TCP transport listens on.
	// Port 0 picks a free port (tests). Default "127.0.0.1:7010".
	RaftBindAddr string
	// RaftAdvertiseAddr is the host:port other peers dial for raft. Empty
	// means the bound address, which must then not be unspecified (0.0.0.0).
	RaftAdvertiseAddr string

	// GossipBindAddr is the host:port memberlist listens on (TCP and UDP).
	// Port 0 picks a free port (tests). Default "127.0.0.1:7011".
	GossipBindAddr string
	// GossipAdvertiseAddr is the host:port other peers reach memberlist on.
	// Empty means the bound address.
	GossipAdvertiseAddr string

	// HTTPAddr is the host:port of this peer's HTTP API as other peers reach
	// it. It travels in gossip meta and is where followers forward commands
	// (POST /_miroir/internal/apply). Required.
	HTTPAddr string

	// Join lists gossip addresses (host:port, DNS names allowed) of any peers
	// already running. Empty for the first peer. Unreachable entries are
	// skipped; Start fails only when none answers.
	Join []string

	// BootstrapExpect is the number of peers that bootstrap a new cluster
	// together: once that many distinct peers are visible in gossip, each of
	// them bootstraps raft with the same sorted server list. 0 means never
	// bootstrap (join an existing cluster). 2 is refused: two voters cannot
	// lose one. Even sizes are accepted with a warning.
	BootstrapExpect int

	// ClusterKey is the shared secret of the cluster. Followers send it in
	// the X-Miroir-Cluster-Key header on the internal forwarding route and
	// the route rejects requests without it. Empty leaves the route open
	// (dev only; New logs a warning). With GossipEncrypt it also keys
	// memberlist: AES-256 with sha256("miroir-gossip" + ClusterKey).
	ClusterKey string
	// GossipEncrypt encrypts gossip with a key derived from ClusterKey (see
	// there). Every peer must agree. Default false.
	GossipEncrypt bool

	// HoldTimeout is how long Apply waits for a leader to exist (or to be
	// reachable) before failing with ErrNoLeader. Default 5 s.
	HoldTimeout time.Duration
	// ApplyTimeout bounds one attempt to append a command on the leader
	// (raft's enqueue timeout) and one forwarding round trip. Default 10 s.
	ApplyTimeout time.Duration
	// LeaveTimeout bounds each step of a graceful Leave and the leadership
	// transfer in Close. Default 5 s.
	LeaveTimeout time.Duration

	// SnapshotThreshold is how many log entries since the last snapshot
	// trigger a new one. Default 8192.
	SnapshotThreshold uint64
	// SnapshotInterval is how often raft checks SnapshotThreshold.
	// Default 120 s.
	SnapshotInterval time.Duration
	// TrailingLogs is how many entries stay in the log after a snapshot, so
	// a slightly lagging follower catches up without a snapshot install.
	// Default 10240.
	TrailingLogs uint64
	// SnapshotRetain is how many snapshots stay on disk. Default 2.
	SnapshotRetain int

	// HeartbeatTimeout, ElectionTimeout, LeaderLeaseTimeout and
	// CommitTimeout are raft's timers. Defaults 500 ms, 500 ms, 500 ms,
	// 50 ms. hashicorp/raft's own defaults (1 s, 1 s, 500 ms) are meant for
	// WANs and noisy clouds; miroir's peers share a LAN, and DESIGN §12
	// wants writes back within 3 s of losing the leader. A follower starts
	// an election after 1-3 heartbeat timeouts without contact (raft
	// re-arms a random 1-2x timer when the last contact is too recent),
	// so at 1 s elections took 2-2.7 s in the chaos suite (3 and 5 peers)
	// and writes resumed after 2.1-3.1 s; at 500 ms they take 0.8-1.1 s
	// and writes resume after 1.0-1.3 s. The leader still heartbeats every
	// HeartbeatTimeout/10 (50 ms), so a false election needs 10 lost
	// heartbeats in a row, and pre-vote keeps a follower that merely
	// stalled from deposing a healthy leader. The lease stays at raft's
	// 500 ms: shorter would make a CPU-starved leader step down for
	// nothing. Raise all three (serve --raft-*-timeout) on slow or
	// overloaded networks.
	HeartbeatTimeout   time.Duration
	ElectionTimeout    time.Duration
	LeaderLeaseTimeout time.Duration
	CommitTimeout      time.Duration
	// MaxAppendEntries caps the entries raft writes and ships in one batch;
	// concurrent Applies on the leader share one disk write up to this many.
	// Default 256.
	MaxAppendEntries int

	// MaxBatch is how many concurrent Applies the leader may coalesce into
	// one raft entry when the FSM implements BatchEncoder (fsm.FSM does):
	// proposals that queue while earlier entries commit go out together
	// (group commit, no timer: a lone writer is not delayed). 1 turns
	// coalescing off (one entry per command). Default 128.
	MaxBatch int
	// MaxBatchBytes caps the commands' bytes in one coalesced entry; a
	// bigger command goes alone. Default 1 MiB.
	MaxBatchBytes int

	// ReconcileInterval is the leader's periodic sweep of gossip membership
	// against the raft configuration, on top of membership events.
	// Default 30 s.
	ReconcileInterval time.Duration

	// Gossip timers (memberlist). Defaults are memberlist's LAN values:
	// probe interval 1 s, probe timeout 500 ms, gossip interval 200 ms,
	// push/pull 30 s, suspicion multiplier 4.
	GossipProbeInterval  time.Duration
	GossipProbeTimeout   time.Duration
	GossipInterval       time.Duration
	GossipPushPull       time.Duration
	GossipSuspicionMult  int
	GossipDeadReclaim    time.Duration
	GossipToTheDeadTime  time.Duration
	GossipRetransmitMult int

	// Version is this binary's version; it travels in gossip meta.
	Version string

	// RaftTLS, when set, runs raft over TLS: the listener serves with it and
	// dials use it as the client config, so it needs a certificate valid for
	// the raft advertise address and the CA of the other peers (RootCAs and,
	// with ClientAuth tls.RequireAndVerifyClientCert, ClientCAs). Default
	// nil: plain TCP (dev).
	RaftTLS *tls.Config
	// HTTPTLS, when set, makes forwarding use https to the leader's
	// HTTPAddr with this client config. Default nil: plain http.
	HTTPTLS *tls.Config

	// WrapStreamLayer, when set, decorates raft's TCP stream layer (chaos
	// fault injection; a TLS layer fits the same hook). Default nil.
	WrapStreamLayer func(raft.StreamLayer) raft.StreamLayer
	// WrapTransport, when set, decorates memberlist's network transport
	// (chaos fault injection). Default nil: memberlist's own transport.
	WrapTransport func(memberlist.NodeAwareTransport) memberlist.NodeAwareTransport
}

// DefaultConfig returns production defaults. PeerID, DataDir and HTTPAddr
// must still be set.
func DefaultConfig() Config {
	return Config{
		RaftBindAddr:         "127.0.0.1:7010",
		GossipBindAddr:       "127.0.0.1:7011",
		HoldTimeout:          5 * time.Second,
		ApplyTimeout:         10 * time.Second,
		LeaveTimeout:         5 * time.Second,
		SnapshotThreshold:    8192,
		SnapshotInterval:     120 * time.Second,
		TrailingLogs:         10240,
		SnapshotRetain:       2,
		HeartbeatTimeout:     500 * time.Millisecond,
		ElectionTimeout:      500 * time.Millisecond,
		LeaderLeaseTimeout:   500 * time.Millisecond,
		CommitTimeout:        50 * time.Millisecond,
		MaxAppendEntries:     256,
		MaxBatch:             128,
		MaxBatchBytes:        1 << 20,
		ReconcileInterval:    30 * time.Second,
		GossipProbeInterval:  time.Second,
		GossipProbeTimeout:   500 * time.Millisecond,
		GossipInterval:       200 * time.Millisecond,
		GossipPushPull:       30 * time.Second,
		GossipSuspicionMult:  4,
		GossipDeadReclaim:    0,
		GossipToTheDeadTime:  30 * time.Second,
		GossipRetransmitMult: 4,
		Version:              "dev",
	}
}

// TestConfig is a preset for in-process clusters on loopback, in the spirit
// of Consul's test configs: raft heartbeat, election and lease at 300 ms,
// gossip at 50-200 ms, sweeps every 200 ms, the production 5 s hold. Use it
// as an option: TestConfig(&cfg). Raft at 50 ms (Consul's value), and even
// 200 ms with a 100 ms lease, made leaders step down in a loop under -race
// on the shared 2-core machine at load 20-30; 300 ms still elects in about
// a second there and in a few hundred ms on an idle machine. The commit
// timeout stays at raft's 50 ms: at 5 ms idle leaders send 200 RPCs/s per
// follower, which starved the very peers the test waits for.
func TestConfig(c *Config) {
	c.RaftBindAddr = "127.0.0.1:0"
	c.GossipBindAddr = "127.0.0.1:0"
	c.HeartbeatTimeout = 300 * time.Millisecond
	c.ElectionTimeout = 300 * time.Millisecond
	c.LeaderLeaseTimeout = 300 * time.Millisecond
	c.CommitTimeout = 50 * time.Millisecond
	c.HoldTimeout = 5 * time.Second
	c.ApplyTimeout = 5 * time.Second
	c.LeaveTimeout = 2 * time.Second
	c.ReconcileInterval = 200 * time.Millisecond
	c.GossipProbeInterval = 200 * time.Millisecond
	c.GossipProbeTimeout = 100 * time.Millisecond
	c.GossipInterval = 50 * time.Millisecond
	c.GossipPushPull = time.Second
	c.GossipSuspicionMult = 3
	c.GossipDeadReclaim = 0
	c.GossipToTheDeadTime = 2 * time.Second
	c.GossipRetransmitMult = 2
}

// Errors returned by Validate, matched with errors.Is.
var (
	ErrInvalidConfig = errors.New("invalid cluster config")
	// ErrTwoPeers refuses BootstrapExpect == 2: a two-voter cluster stops
	// on the loss of either peer, which is worse than one peer.
	ErrTwoPeers = fmt.Errorf("%w: bootstrap-expect 2 is refused: two peers cannot survive the loss of one; run 3 or 5", ErrInvalidConfig)
)

// Validate checks the config and says what to fix.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
	}
	if c.PeerID == "" {
		bad("peer id is empty: set a stable, unique name for this peer")
	}
	if c.DataDir == "" {
		bad("data dir is empty: set a directory for raft state")
	}
	checkAddr := func(name, v string, required bool) {
		if v == "" {
			if required {
				bad("%s is empty: set host:port", name)
			}
			return
		}
		if _, port, err := net.SplitHostPort(v); err != nil {
			bad("%s %q is not host:port: %v", name, v, err)
		} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			bad("%s %q has a bad port", name, v)
		}
	}
	checkAddr("raft bind address", c.RaftBindAddr, true)
	checkAddr("raft advertise address", c.RaftAdvertiseAddr, false)
	checkAddr("gossip bind address", c.GossipBindAddr, true)
	checkAddr("gossip advertise address", c.GossipAdvertiseAddr, false)
	checkAddr("http address", c.HTTPAddr, true)
	if c.BootstrapExpect == 2 {
		errs = append(errs, ErrTwoPeers)
	}
	if c.BootstrapExpect < 0 {
		bad("bootstrap-expect %d is negative", c.BootstrapExpect)
	}
	if c.GossipEncrypt && c.ClusterKey == "" {
		bad("gossip encryption needs a cluster key")
	}
	for name, d := range map[string]time.Duration{
		"hold timeout": c.HoldTimeout, "apply timeout": c.ApplyTimeout,
		"leave timeout": c.LeaveTimeout, "snapshot interval": c.SnapshotInterval,
		"heartbeat timeout": c.HeartbeatTimeout, "election timeout": c.ElectionTimeout,
		"leader lease timeout": c.LeaderLeaseTimeout, "commit timeout": c.CommitTimeout,
		"reconcile interval": c.ReconcileInterval, "gossip probe interval": c.GossipProbeInterval,
		"gossip probe timeout": c.GossipProbeTimeout, "gossip interval": c.GossipInterval,
		"gossip push/pull interval": c.GossipPushPull,
	} {
		if d <= 0 {
			bad("%s must be positive, got %v", name, d)
		}
	}
	if c.SnapshotThreshold == 0 || c.SnapshotRetain < 1 || c.MaxAppendEntries < 1 {
		bad("snapshot threshold, snapshot retain and max append entries must be positive")
	}
	if c.MaxBatch < 1 || c.MaxBatchBytes < 1 {
		bad("max batch %d and max batch bytes %d must be positive (max batch 1 turns coalescing off)", c.MaxBatch, c.MaxBatchBytes)
	}
	if c.LeaderLeaseTimeout > c.HeartbeatTimeout {
		bad("leader lease timeout %v must not exceed heartbeat timeout %v", c.LeaderLeaseTimeout, c.HeartbeatTimeout)
	}
	return errors.Join(errs...)
}

// warn logs what is legal but unwise.
func (c Config) warn(logger *slog.Logger) {
	if c.BootstrapExpect > 0 && c.BootstrapExpect%2 == 0 {
		logger.Warn("even bootstrap-expect tolerates no more failures than one peer fewer; prefer 3 or 5",
			"bootstrap_expect", c.BootstrapExpect)
	}
	if c.ClusterKey == "" {
		logger.Warn("cluster key is empty: the internal forwarding route is unauthenticated (dev only)")
	}
}
