// Package clustertest runs in-process clusters of cluster.Peer on
// loopback for tests: MakeCluster, WaitForLeader, EnsureSame, and kill,
// restart and join helpers. Other packages' tests (admin, chaos) reuse it
// with their own FSM through WithFSM.
package clustertest

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster"
	"github.com/prometheus/client_golang/prometheus"
)

// Option changes how MakeCluster builds peers.
type Option func(*options)

type options struct {
	newFSM    func() cluster.FSM
	configure []func(*cluster.Config)
	logLevel  slog.Level
	handler   func(*Node) http.Handler
}

// WithFSM sets the FSM factory (default NewKV). It is called once per peer
// start, so a restarted peer gets a fresh FSM and rebuilds it from raft.
func WithFSM(f func() cluster.FSM) Option { return func(o *options) { o.newFSM = f } }

// WithConfig changes every peer's config after cluster.TestConfig.
func WithConfig(f func(*cluster.Config)) Option {
	return func(o *options) { o.configure = append(o.configure, f) }
}

// WithLogLevel sets the level of peer logs written to t.Log (default warn;
// MIROIR_TEST_LOG=debug overrides).
func WithLogLevel(l slog.Level) Option { return func(o *options) { o.logLevel = l } }

// WithHandler sets what each peer's HTTP server serves (default the peer's
// internal routes, (*cluster.Peer).Handler). Admin tests mount their own
// routes this way.
func WithHandler(f func(*Node) http.Handler) Option { return func(o *options) { o.handler = f } }

// Cluster is a set of in-process peers. Fields are read-only for tests.
type Cluster struct {
	t     testing.TB
	opts  options
	logs  *testLog
	net   *network
	root  string
	mu    sync.Mutex
	nodes []*Node
}

// Node is one peer of a test cluster, with its HTTP server on loopback.
type Node struct {
	Index    int
	Config   cluster.Config
	Peer     *cluster.Peer
	FSM      cluster.FSM
	Registry *prometheus.Registry
	srv      *http.Server
	live     bool
}

// KV returns the node's FSM as *KV (the default FSM); nil otherwise.
func (n *Node) KV() *KV { kv, _ := n.FSM.(*KV); return kv }

// MakeCluster starts n peers (n = 1 or n >= 3) that bootstrap together with
// bootstrap-expect n, all joining the first one's gossip address. It does
// not wait for a leader. Everything is closed in t.Cleanup.
func MakeCluster(t testing.TB, n int, opts ...Option) *Cluster {
	t.Helper()
	o := options{newFSM: func() cluster.FSM { return NewKV() }, logLevel: slog.LevelWarn}
	for _, opt := range opts {
		opt(&o)
	}
	if lv := os.Getenv("MIROIR_TEST_LOG"); lv != "" {
		_ = o.logLevel.UnmarshalText([]byte(lv))
	}
	c := &Cluster{t: t, opts: o, logs: &testLog{t: t}, net: newNetwork(), root: t.TempDir()}
	t.Cleanup(c.Close)
	for i := range n {
		var join []string
		if i > 0 {
			join = []string{c.nodes[0].Peer.GossipAddr()}
		}
		c.start(c.newConfig(i, n, join))
	}
	return c
}

func (c *Cluster) newConfig(i, expect int, join []string) cluster.Config {
	cfg := cluster.DefaultConfig()
	cluster.TestConfig(&cfg)
	cfg.PeerID = fmt.Sprintf("peer%d", i)
	cfg.DataDir = filepath.Join(c.root, cfg.PeerID)
	cfg.BootstrapExpect = expect
	cfg.Join = join
	cfg.ClusterKey = "test-cluster-key"
	c.net.hooks(cfg.PeerID, &cfg)
	for _, f := range c.opts.configure {
		f(&cfg)
	}
	return cfg
}

// start builds, serves and starts a peer; index len(nodes) appends.
func (c *Cluster) start(cfg cluster.Config) *Node {
	c.t.Helper()
	ln := listen(c.t, cfg.HTTPAddr)
	cfg.HTTPAddr = ln.Addr().String()
	reg := prometheus.NewRegistry()
	f := c.opts.newFSM()
	logger := slog.New(slog.NewTextHandler(c.logs, &slog.HandlerOptions{Level: c.opts.logLevel}))
	p, err := cluster.New(cfg, f, logger, reg)
	if err != nil {
		_ = ln.Close()
		c.t.Fatalf("new peer %s: %v", cfg.PeerID, err)
	}
	node := &Node{Config: cfg, Peer: p, FSM: f, Registry: reg, live: true}
	h := http.Handler(p.Handler())
	if c.opts.handler != nil {
		h = c.opts.handler(node)
	}
	node.srv = &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = node.srv.Serve(ln) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Start(ctx); err != nil {
		_ = node.srv.Close()
		c.t.Fatalf("start peer %s: %v", cfg.PeerID, err)
	}
	// Record the bound ports so a restart binds the same addresses.
	node.Config.RaftBindAddr = p.RaftAddr()
	node.Config.GossipBindAddr = p.GossipAddr()
	c.net.register(cfg.PeerID, p.RaftAddr(), p.GossipAddr())
	c.mu.Lock()
	defer c.mu.Unlock()
	node.Index = c.indexOf(cfg.PeerID)
	if node.Index == len(c.nodes) {
		c.nodes = append(c.nodes, node)
	} else {
		c.nodes[node.Index] = node
	}
	return node
}

func (c *Cluster) indexOf(id string) int {
	for i, n := range c.nodes {
		if n.Config.PeerID == id {
			return i
		}
	}
	return len(c.nodes)
}

func listen(t testing.TB, addr string) net.Listener {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	return ln
}

// Nodes returns every node ever started (live or not), by index.
func (c *Cluster) Nodes() []*Node {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*Node(nil), c.nodes...)
}

// Node returns node i.
func (c *Cluster) Node(i int) *Node { return c.Nodes()[i] }

// Live returns the nodes that are running.
func (c *Cluster) Live() []*Node {
	var out []*Node
	for _, n := range c.Nodes() {
		if n.live {
			out = append(out, n)
		}
	}
	return out
}

// Kill stops node i like a crash (no leadership transfer, no leave).
func (c *Cluster) Kill(i int) { c.stop(i, (*cluster.Peer).Kill) }

// Stop closes node i gracefully without leaving (like SIGTERM).
func (c *Cluster) Stop(i int) { c.stop(i, (*cluster.Peer).Close) }

func (c *Cluster) stop(i int, how func(*cluster.Peer) error) {
	c.t.Helper()
	n := c.Node(i)
	if !n.live {
		return
	}
	if err := how(n.Peer); err != nil {
		c.t.Errorf("stop %s: %v", n.Config.PeerID, err)
	}
	_ = n.srv.Close()
	n.live = false
}

// Restart starts node i again on its data dir and addresses, joining the
// live peers, with a fresh FSM that raft rebuilds from snapshot and log.
func (c *Cluster) Restart(i int) *Node {
	c.t.Helper()
	n := c.Node(i)
	if n.live {
		c.t.Fatalf("restart %s: still running", n.Config.PeerID)
	}
	cfg := n.Config
	cfg.Join = c.gossipAddrs()
	return c.start(cfg)
}

// RestartAsConfigured starts node i again on its data dir and addresses
// with the join addresses it was first started with (none for the first
// peer, the seed), as an operator re-running the same command line would.
func (c *Cluster) RestartAsConfigured(i int) *Node {
	c.t.Helper()
	n := c.Node(i)
	if n.live {
		c.t.Fatalf("restart %s: still running", n.Config.PeerID)
	}
	return c.start(n.Config)
}

// AddPeer starts a new peer (bootstrap-expect 0 unless changed by
// configure) that joins the live peers through gossip.
func (c *Cluster) AddPeer(configure ...func(*cluster.Config)) *Node {
	c.t.Helper()
	cfg := c.newConfig(len(c.Nodes()), 0, c.gossipAddrs())
	for _, f := range configure {
		f(&cfg)
	}
	return c.start(cfg)
}

func (c *Cluster) gossipAddrs() []string {
	var out []string
	for _, n := range c.Live() {
		out = append(out, n.Peer.GossipAddr())
	}
	return out
}

// Close stops every live node; MakeCluster registers it with t.Cleanup.
func (c *Cluster) Close() {
	var wg sync.WaitGroup
	for _, n := range c.Live() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = n.Peer.Kill()
			_ = n.srv.Close()
		}()
	}
	wg.Wait()
	for _, n := range c.Live() {
		n.live = false
	}
	c.logs.stop()
}

// testLog writes peer logs to t.Log until the cluster is closed; goroutines
// of other libraries may log a line after that, which t.Log forbids.
type testLog struct {
	mu   sync.Mutex
	t    testing.TB
	done bool
}

func (l *testLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.done {
		l.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (l *testLog) stop() {
	l.mu.Lock()
	l.done = true
	l.mu.Unlock()
}
