package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"

	"github.com/miroir-search/miroir/chaos"
	"github.com/miroir-search/miroir/cluster"
	"github.com/spf13/cobra"
)

func serveCmd(getenv func(string) string, stdout, stderr io.Writer) *cobra.Command {
	var flags *configFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run one peer of a miroir cluster",
		Long: "Run one peer. Settings come from defaults, then the YAML file (--config or\n" +
			"MIROIR_CONFIG), then MIROIR_* environment variables, then flags.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := flags.load(getenv)
			if err != nil {
				return usageError{fmt.Errorf("invalid configuration:\n%w", err)}
			}
			return servePeer(cmd.Context(), cfg, stderr)
		},
	}
	flags = bindConfigFlags(cmd.Flags())
	return cmd
}

// servePeer runs one peer until ctx ends (SIGINT/SIGTERM), then shuts it
// down without leaving the cluster.
func servePeer(ctx context.Context, cfg peerConfig, stderr io.Writer) error {
	logger := newLogger(stderr, cfg.LogLevel, cfg.LogFormat)
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	var tune []func(*cluster.Config)
	if cfg.ChaosControl != "" {
		ctl, hook, err := startChaos(ctx, cfg.ChaosControl, logger)
		if err != nil {
			return err
		}
		defer ctl.Close()
		tune = append(tune, hook)
	}
	p, err := newPeer(cfg, logger, tune...)
	if err != nil {
		return err
	}
	logger.Info("starting peer", "id", cfg.ID, "http", p.httpAddr(), "raft", cfg.RaftAddr,
		"gossip", cfg.GossipAddr, "data_dir", cfg.DataDir, "version", version)
	if err := p.start(ctx); err != nil {
		return fmt.Errorf("start peer: %w", err)
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-p.serveErr:
		p.serveErr <- serveErr // stopHTTP reads it again
		logger.Error("http server stopped", "err", serveErr)
	}
	logger.Info("shutting down", "id", cfg.ID)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.ShutdownTimeout)
	defer cancel()
	err = p.shutdown(sctx)
	logger.Info("stopped", "id", cfg.ID, "err", err)
	return errors.Join(serveErr, err)
}

// startChaos serves the chaos control endpoint and returns the cluster hook
// that routes raft and gossip traffic through the fault rules it sets.
// Without rules, traffic passes untouched.
func startChaos(ctx context.Context, addr string, logger *slog.Logger) (*chaos.ControlServer, func(*cluster.Config), error) {
	rules := chaos.NewRules()
	ctl, err := chaos.NewControlServer(addr, rules, logger)
	if err != nil {
		return nil, nil, err
	}
	if err := ctl.Start(ctx); err != nil {
		return nil, nil, err
	}
	hook := func(c *cluster.Config) {
		c.WrapStreamLayer = func(l raft.StreamLayer) raft.StreamLayer { return chaos.NewFaultyStreamLayer(l, rules) }
		c.WrapTransport = func(t memberlist.NodeAwareTransport) memberlist.NodeAwareTransport {
			return chaos.NewFaultyTransport(t, rules)
		}
	}
	return ctl, hook, nil
}
