package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config describes the processes of one cluster under test.
type Config struct {
	// Dir holds every process's data dir and log file. Required.
	Dir string
	// Binary is the miroir binary (see Build). Required.
	Binary string
	// Peers is the number of `miroir serve` processes. Default 3.
	Peers int
	// Nodes is the number of `miroir node` engine processes. Default 3.
	Nodes int
	// RF is the replication factor passed to the peers. Default 2.
	RF int
	// Groups is the number of replica groups nodes are spread over. Default 1.
	Groups int
	// AdminKey guards /_miroir/*; MasterKey is the client-facing master key;
	// NodeKey is the internal key every engine node is started with.
	AdminKey, MasterKey, NodeKey string
	// ClusterKey is the peers' shared secret (internal routes).
	ClusterKey string
	// Chaos gives every peer a chaos control endpoint (ControlAddr) through
	// which the network fault rules of package chaos are set.
	Chaos bool
	// PeerArgs and NodeArgs build the command lines; nil means DefaultPeerArgs
	// and DefaultNodeArgs. They are called at every (re)start.
	PeerArgs func(c *Cluster, p *Proc) []string
	NodeArgs func(c *Cluster, n *Proc) []string
	// Timeout bounds each wait of Start (ready, leader). Default 30 s.
	Timeout time.Duration
	// NodeProxies puts a NodeProxy in front of every engine node and
	// registers the nodes under the proxies' addresses, for latency and
	// error injection.
	NodeProxies bool
}

// DefaultConfig returns a 3-peer, 3-node, RF=2 cluster description with
// fixed test keys; Dir and Binary must still be set.
func DefaultConfig() Config {
	return Config{
		Peers: 3, Nodes: 3, RF: 2, Groups: 1,
		AdminKey:   "chaos-admin-key-0123456789",
		MasterKey:  "chaos-master-key-0123456789",
		NodeKey:    "chaos-node-key-0123456789",
		ClusterKey: "chaos-cluster-key-0123456789",
		Timeout:    30 * time.Second,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.Dir == "":
		return errors.New("harness: Config.Dir is required")
	case c.Binary == "":
		return errors.New("harness: Config.Binary is required (see Build)")
	case c.Peers < 0 || c.Peers+c.Nodes == 0:
		return errors.New("harness: Config.Peers must be >= 0, with at least one process")
	case c.Nodes < 0:
		return errors.New("harness: Config.Nodes must be >= 0")
	case c.Timeout <= 0:
		return errors.New("harness: Config.Timeout must be > 0")
	}
	return nil
}

// Cluster is a set of peer and node processes started from one Config.
type Cluster struct {
	Cfg   Config
	Peers []*Proc
	Nodes []*Proc
	Admin AdminClient

	// Proxies[i] fronts Nodes[i] when Config.NodeProxies is set.
	Proxies []*NodeProxy

	// RFFlag is the binary's flag for the replication factor of new replica
	// groups ("" when it has none: groups then get the binary's default).
	RFFlag string

	faults linkState
}

// rfFlag finds the replication-factor flag of `miroir serve`, if any.
func rfFlag(binary string) string {
	for _, f := range []string{"--default-rf", "--replication-factor", "--rf"} {
		if Supports(binary, "serve", f+" ") {
			return f
		}
	}
	return ""
}

// New lays out the processes (names, ports, dirs) and starts nothing.
func New(cfg Config) (*Cluster, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.PeerArgs == nil {
		cfg.PeerArgs = DefaultPeerArgs
	}
	if cfg.NodeArgs == nil {
		cfg.NodeArgs = DefaultNodeArgs
	}
	addrs, err := freeAddrs(cfg.Peers*4 + cfg.Nodes)
	if err != nil {
		return nil, err
	}
	c := &Cluster{Cfg: cfg, Admin: AdminClient{Key: cfg.AdminKey}, RFFlag: rfFlag(cfg.Binary)}
	for i := range cfg.Peers {
		p := newProc(fmt.Sprintf("peer%d", i+1), RolePeer, cfg.Dir, cfg.Binary)
		p.HTTPAddr, p.RaftAddr, p.GossipAddr, p.ControlAddr = addrs[4*i], addrs[4*i+1], addrs[4*i+2], addrs[4*i+3]
		p.args = func() []string { return c.Cfg.PeerArgs(c, p) }
		c.Peers = append(c.Peers, p)
	}
	for i := range cfg.Nodes {
		n := newProc(fmt.Sprintf("node%d", i+1), RoleNode, cfg.Dir, cfg.Binary)
		n.HTTPAddr = addrs[4*cfg.Peers+i]
		n.args = func() []string { return c.Cfg.NodeArgs(c, n) }
		c.Nodes = append(c.Nodes, n)
	}
	return c, nil
}

// DefaultPeerArgs is the `miroir serve` command line for p.
func DefaultPeerArgs(c *Cluster, p *Proc) []string {
	joins := make([]string, 0, len(c.Peers))
	for _, o := range c.Peers {
		if o != p {
			joins = append(joins, o.GossipAddr)
		}
	}
	args := []string{"serve",
		"--id", p.Name,
		"--http-addr", p.HTTPAddr,
		"--raft-addr", p.RaftAddr,
		"--gossip-addr", p.GossipAddr,
		"--data-dir", p.DataDir,
		"--bootstrap-expect", fmt.Sprint(len(c.Peers)),
		"--join", strings.Join(joins, ","),
		"--admin-key", c.Cfg.AdminKey,
		"--cluster-key", c.Cfg.ClusterKey,
		"--master-key", c.Cfg.MasterKey,
		"--node-key", c.Cfg.NodeKey,
		"--log-format", "text",
	}
	if c.Cfg.Chaos {
		args = append(args, "--chaos-control", p.ControlAddr)
	}
	if c.RFFlag != "" && c.Cfg.RF > 0 {
		args = append(args, c.RFFlag, fmt.Sprint(c.Cfg.RF))
	}
	return args
}

// DefaultNodeArgs is the `miroir node` command line for n.
func DefaultNodeArgs(c *Cluster, n *Proc) []string {
	return []string{"node",
		"--http-addr", n.HTTPAddr,
		"--data-dir", n.DataDir,
		"--master-key", c.Cfg.NodeKey,
	}
}

// Procs returns peers then nodes.
func (c *Cluster) Procs() []*Proc {
	return append(append([]*Proc{}, c.Peers...), c.Nodes...)
}

// Start launches every node and peer and waits until every peer is ready and
// a leader is elected.
func (c *Cluster) Start(ctx context.Context) error {
	for _, n := range c.Nodes {
		if err := n.Start(); err != nil {
			return err
		}
		if c.Cfg.NodeProxies {
			px, err := StartNodeProxy(n.HTTPAddr)
			if err != nil {
				return err
			}
			c.Proxies = append(c.Proxies, px)
		}
	}
	for _, p := range c.Peers {
		if err := p.Start(); err != nil {
			return err
		}
	}
	for _, n := range c.Nodes {
		if err := c.WaitNodeHealthy(ctx, n); err != nil {
			return err
		}
	}
	if len(c.Peers) == 0 {
		return nil // nodes only: a baseline without miroir
	}
	for _, p := range c.Peers {
		if err := c.WaitReady(ctx, p); err != nil {
			return err
		}
	}
	_, err := c.WaitLeader(ctx)
	return err
}

// Close kills every process and stops the node proxies. It is safe to
// call more than once.
func (c *Cluster) Close() {
	for _, p := range c.Procs() {
		_ = p.Kill()
	}
	for _, px := range c.Proxies {
		_ = px.Close()
	}
	c.Proxies = nil
}

// Tail returns the last n lines of a process's log.
func Tail(p *Proc, n int) string {
	b, err := os.ReadFile(p.LogPath)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// LogDir is where process logs are written.
func (c *Cluster) LogDir() string { return filepath.Clean(c.Cfg.Dir) }
