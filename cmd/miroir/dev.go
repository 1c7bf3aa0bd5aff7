package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/miroir-search/miroir/store"
	"github.com/spf13/cobra"
)

type devOptions struct {
	dataDir     string
	adminKey    string
	masterKey   string
	logLevel    string
	randomPorts bool
	topology    devTopology
}

func devCmd(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	o := devOptions{}
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run a whole cluster (3 peers, engine nodes in replica groups) in one process on loopback",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.adminKey == "" {
				o.adminKey = getenv("MIROIR_ADMIN_KEY")
			}
			if o.masterKey == "" {
				o.masterKey = getenv("MIROIR_MASTER_KEY")
			}
			if _, err := parseLevel(o.logLevel); err != nil {
				return usageError{err}
			}
			if o.masterKey != "" && len(o.masterKey) < 16 {
				// As Meilisearch in its development environment: a short key
				// works (SDK test suites hard-code "masterKey"), with a warning.
				fmt.Fprintln(stderr, "warning: a master key shorter than 16 bytes is fine for development only")
			}
			o.topology.set = cmd.Flags().Changed
			if err := o.topology.validate(); err != nil {
				return usageError{err}
			}
			return runDev(cmd.Context(), o, stdout, stderr)
		},
	}
	cmd.Flags().StringVar(&o.dataDir, "data-dir", "./data/dev", "directory for all peers' state")
	cmd.Flags().StringVar(&o.adminKey, "admin-key", "", "admin key (env MIROIR_ADMIN_KEY; default: generated once and kept in the data dir)")
	cmd.Flags().StringVar(&o.masterKey, "master-key", "", "Meilisearch master key SDKs use (env MIROIR_MASTER_KEY; default: generated once and kept in the data dir)")
	cmd.Flags().IntVar(&o.topology.groups, "replica-groups", devDefaultGroups, "replica groups, each holding every shard (fixed when the data dir is created)")
	cmd.Flags().IntVar(&o.topology.nodes, "nodes", devDefaultNodes, "engine nodes per replica group (fixed when the data dir is created)")
	cmd.Flags().IntVar(&o.topology.rf, "rf", devDefaultRF, "replicas of each shard inside a group, 1 to 3 and at most --nodes (fixed when the data dir is created)")
	cmd.Flags().IntVar(&o.topology.shards, "shards", store.DefaultShards, "shard count of new indexes")
	cmd.Flags().StringVar(&o.logLevel, "log-level", "warn", "debug, info, warn or error")
	cmd.Flags().BoolVar(&o.randomPorts, "random-ports", false, "use free ports instead of 7700-7702 and 7800-7802 (tests)")
	_ = cmd.Flags().MarkHidden("random-ports")
	return cmd
}

func runDev(ctx context.Context, o devOptions, stdout, stderr io.Writer) error {
	logger := newLogger(stderr, o.logLevel, "text")
	layout, err := loadDevLayout(o.dataDir, o)
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
	printDev(stdout, o.dataDir, layout, defaultKeys(ctx, layout))
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
		cfg.AdminKey, cfg.ClusterKey, cfg.NodeKey, cfg.MasterKey = l.AdminKey, l.ClusterKey, l.NodeKey, l.MasterKey
		cfg.DefaultRF, cfg.DefaultShards = l.RF, l.Shards
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
