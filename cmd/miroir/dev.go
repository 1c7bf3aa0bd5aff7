package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/miroir-search/miroir/admin"
	"github.com/spf13/cobra"
)

// devPeers is the size of the dev cluster.
const devPeers = 3

// devLayout is what `miroir dev` persists in <data-dir>/dev.json, so that a
// restarted dev cluster finds its peers at the same addresses (raft keeps
// them in its configuration) and keeps its admin key.
type devLayout struct {
	AdminKey   string    `json:"adminKey"`
	ClusterKey string    `json:"clusterKey"`
	NodeKey    string    `json:"nodeKey"`
	Peers      []devPeer `json:"peers"`
	Nodes      []devNode `json:"nodes"`
}

// devNode is one embedded engine node of the dev cluster.
type devNode struct {
	ID       string `json:"id"`
	HTTPAddr string `json:"httpAddr"`
}

type devPeer struct {
	ID         string `json:"id"`
	HTTPAddr   string `json:"httpAddr"`
	RaftAddr   string `json:"raftAddr"`
	GossipAddr string `json:"gossipAddr"`
}

type devOptions struct {
	dataDir     string
	adminKey    string
	logLevel    string
	randomPorts bool
}

func devCmd(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	o := devOptions{}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run a whole cluster (3 peers, 3 engine nodes) in one process on loopback",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.adminKey == "" {
				o.adminKey = getenv("MIROIR_ADMIN_KEY")
			}
			if _, err := parseLevel(o.logLevel); err != nil {
				return usageError{err}
			}
			return runDev(cmd.Context(), o, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&o.dataDir, "data-dir", "./data/dev", "directory for all peers' state")
	cmd.Flags().StringVar(&o.adminKey, "admin-key", "", "admin key (env MIROIR_ADMIN_KEY; default: generated once and kept in the data dir)")
	cmd.Flags().StringVar(&o.logLevel, "log-level", "warn", "debug, info, warn or error")
	cmd.Flags().BoolVar(&o.randomPorts, "random-ports", false, "use free ports instead of 7700-7702 and 7800-7802 (tests)")
	_ = cmd.Flags().MarkHidden("random-ports")
	return cmd
}

func runDev(ctx context.Context, o devOptions, stdout, stderr io.Writer) error {
	logger := newLogger(stderr, o.logLevel, "text")
	layout, err := loadDevLayout(o.dataDir, o.adminKey, o.randomPorts)
	if err != nil {
		return err
	}
	nodes, err := startDevNodes(o.dataDir, layout, logger)
	defer stopDevNodes(nodes, logger)
	if err != nil {
		return err
	}
	peers, err := startDevPeers(ctx, o.dataDir, layout, logger)
	defer stopDevPeers(peers, logger)
	if err != nil {
		return err
	}
	if err := waitDevLeader(ctx, peers); err != nil {
		return err
	}
	if err := registerDevNodes(ctx, layout); err != nil {
		return err
	}
	printDev(stdout, o.dataDir, layout)
	<-ctx.Done()
	fmt.Fprintln(stdout, "miroir dev: shutting down")
	return nil
}

func startDevPeers(ctx context.Context, dir string, l devLayout, logger *slog.Logger) ([]*peer, error) {
	var peers []*peer
	for i, dp := range l.Peers {
		cfg := defaultPeerConfig()
		cfg.ID, cfg.DataDir = dp.ID, filepath.Join(dir, dp.ID)
		cfg.HTTPAddr, cfg.RaftAddr, cfg.GossipAddr = dp.HTTPAddr, dp.RaftAddr, dp.GossipAddr
		cfg.AdminKey, cfg.ClusterKey, cfg.NodeKey = l.AdminKey, l.ClusterKey, l.NodeKey
		cfg.BootstrapExpect = devPeers
		if i > 0 {
			cfg.Join = []string{l.Peers[0].GossipAddr}
		}
		if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
			return peers, err
		}
		p, err := newPeer(cfg, logger)
		if err != nil {
			return peers, fmt.Errorf("%s: %w (if the port is taken, stop what uses it or remove %s)", dp.ID, err, dir)
		}
		if err := p.start(ctx); err != nil {
			return peers, fmt.Errorf("%s: %w", dp.ID, err)
		}
		peers = append(peers, p)
	}
	return peers, nil
}

// stopDevPeers shuts followers down before the leader, so leadership does
// not bounce between peers that are all going away.
func stopDevPeers(peers []*peer, logger *slog.Logger) {
	var leader *peer
	for _, p := range peers {
		if p.cl.IsLeader() {
			leader = p
			continue
		}
		stopDevPeer(p, logger)
	}
	if leader != nil {
		stopDevPeer(leader, logger)
	}
}

func stopDevPeer(p *peer, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := p.shutdown(ctx); err != nil {
		logger.Warn("peer shutdown", "peer", p.id, "err", err)
	}
}

func waitDevLeader(ctx context.Context, peers []*peer) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(60 * time.Second)
	for {
		if id, _ := peers[0].cl.Leader(); id != "" {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-deadline:
			return errors.New("no leader elected within 60 s; run with --log-level debug to see why")
		case <-tick.C:
		}
	}
}

func printDev(w io.Writer, dir string, l devLayout) {
	fmt.Fprintf(w, "miroir dev: %d peers on loopback, data in %s\n\n", len(l.Peers), dir)
	for _, p := range l.Peers {
		fmt.Fprintf(w, "  %-6s http://%-16s raft %-16s gossip %s\n", p.ID, p.HTTPAddr, p.RaftAddr, p.GossipAddr)
	}
	for _, n := range l.Nodes {
		fmt.Fprintf(w, "  %-6s http://%-16s (engine node, replica group %s)\n", n.ID, n.HTTPAddr, admin.DefaultGroup)
	}
	fmt.Fprintf(w, "\nadmin key: %s   (kept in %s)\n", l.AdminKey, filepath.Join(dir, "dev.json"))
	fmt.Fprintf(w, "try:       MIROIR_ADMIN_KEY=%s miroirctl --addr http://%s status\n", l.AdminKey, l.Peers[0].HTTPAddr)
	fmt.Fprintf(w, "SDK URL:   http://%s (any peer; no master key, the API is open)\n", l.Peers[0].HTTPAddr)
	fmt.Fprintln(w, "Ctrl-C stops the cluster; running it again resumes it.")
}

// loadDevLayout reads <dir>/dev.json, or creates it with fresh keys and
// ports (HTTP 7700..7702 when free). A given admin key wins and is saved.
func loadDevLayout(dir, adminKey string, randomPorts bool) (devLayout, error) {
	path := filepath.Join(dir, "dev.json")
	var l devLayout
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(b, &l); err != nil || len(l.Peers) != devPeers {
			return l, fmt.Errorf("%s is damaged (%v); remove %s to start a fresh dev cluster", path, err, dir)
		}
		if err := completeDevLayout(&l, randomPorts); err != nil {
			return l, err
		}
	case errors.Is(err, os.ErrNotExist):
		if l, err = newDevLayout(randomPorts); err != nil {
			return l, err
		}
		if err := completeDevLayout(&l, randomPorts); err != nil {
			return l, err
		}
	default:
		return l, err
	}
	if adminKey != "" {
		l.AdminKey = adminKey
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return l, err
	}
	out, _ := json.MarshalIndent(l, "", "  ")
	return l, os.WriteFile(path, append(out, '\n'), 0o600)
}

func newDevLayout(randomPorts bool) (devLayout, error) {
	l := devLayout{AdminKey: randomKey(), ClusterKey: randomKey()}
	for i := range devPeers {
		httpAddr := preferredAddr(7700+i, randomPorts)
		raft, gossip := freeAddr(), freeAddr()
		if httpAddr == "" || raft == "" || gossip == "" {
			return l, errors.New("cannot find free loopback ports")
		}
		l.Peers = append(l.Peers, devPeer{ID: "peer" + strconv.Itoa(i+1), HTTPAddr: httpAddr, RaftAddr: raft, GossipAddr: gossip})
	}
	return l, nil
}

// completeDevLayout adds what older layouts lack: the node key and the
// engine nodes (HTTP 7800..7802 when free).
func completeDevLayout(l *devLayout, randomPorts bool) error {
	if l.NodeKey == "" {
		l.NodeKey = randomKey()
	}
	for i := len(l.Nodes); i < devPeers; i++ {
		addr := preferredAddr(7800+i, randomPorts)
		if addr == "" {
			return errors.New("cannot find free loopback ports")
		}
		l.Nodes = append(l.Nodes, devNode{ID: "node" + strconv.Itoa(i+1), HTTPAddr: addr})
	}
	return nil
}

// preferredAddr is 127.0.0.1:port when that port is free, else any free
// loopback address ("" when none).
func preferredAddr(port int, random bool) string {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if random || !portFree(addr) {
		return freeAddr()
	}
	return addr
}

func randomKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// portFree reports whether addr can be bound for TCP and UDP (gossip needs
// both).
func portFree(addr string) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	defer ln.Close()
	pc, err := net.ListenPacket("udp", addr)
	if err != nil {
		return false
	}
	pc.Close()
	return true
}

// freeAddr returns a loopback address free for TCP and UDP right now.
func freeAddr() string {
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return ""
		}
		addr := ln.Addr().String()
		ln.Close()
		if portFree(addr) {
			return addr
		}
	}
	return ""
}
