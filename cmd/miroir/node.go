package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"

	"github.com/miroir-search/miroir/engine"
	"github.com/spf13/cobra"
)

// nodeOptions are the flags of `miroir node`.
type nodeOptions struct {
	httpAddr, dataDir, masterKey, logLevel, logFormat string
}

func nodeCmd(getenv func(string) string, stderr io.Writer) *cobra.Command {
	o := nodeOptions{}
	cmd := &cobra.Command{
		Use:   "node",
		Short: "Run one search node (the embedded Meilisearch-compatible engine)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.masterKey == "" {
				o.masterKey = getenv("MIROIR_NODE_MASTER_KEY")
			}
			if _, err := parseLevel(o.logLevel); err != nil {
				return usageError{err}
			}
			return runNode(cmd.Context(), o, newLogger(stderr, o.logLevel, o.logFormat))
		},
	}
	def := engine.DefaultConfig()
	cmd.Flags().StringVar(&o.httpAddr, "http-addr", def.HTTPAddr, "host:port the node listens on")
	cmd.Flags().StringVar(&o.dataDir, "data-dir", "./data/node", "directory for the node's tasks and indexes")
	cmd.Flags().StringVar(&o.masterKey, "master-key", "", "master key protecting every route (env MIROIR_NODE_MASTER_KEY; empty = open)")
	cmd.Flags().StringVar(&o.logLevel, "log-level", "info", "debug, info, warn or error")
	cmd.Flags().StringVar(&o.logFormat, "log-format", "json", "json or text")
	return cmd
}

// runNode serves one engine node until ctx ends.
func runNode(ctx context.Context, o nodeOptions, logger *slog.Logger) error {
	n, err := startNode(o, logger)
	if err != nil {
		return err
	}
	select {
	case <-ctx.Done():
	case <-n.done:
	}
	return n.shutdown(context.WithoutCancel(ctx))
}

// node is one running engine with its listener.
type node struct {
	srv      *engine.Server
	ln       net.Listener
	done     chan struct{} // closed when Serve returned
	serveErr error         // valid after done
}

func startNode(o nodeOptions, logger *slog.Logger) (*node, error) {
	cfg := engine.DefaultConfig()
	cfg.HTTPAddr, cfg.DataDir, cfg.MasterKey = o.httpAddr, o.dataDir, o.masterKey
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	srv, err := engine.New(cfg, logger)
	if err != nil {
		ln.Close()
		return nil, err
	}
	n := &node{srv: srv, ln: ln, done: make(chan struct{})}
	go func() {
		defer close(n.done)
		n.serveErr = srv.Serve(ln)
	}()
	return n, nil
}

// shutdown stops the engine, then closes the listener too, in case Serve
// had not registered its server yet, and waits for Serve to return.
func (n *node) shutdown(ctx context.Context) error {
	err := n.srv.Shutdown(ctx)
	_ = n.ln.Close()
	<-n.done
	if n.serveErr != nil && !errors.Is(n.serveErr, net.ErrClosed) {
		err = errors.Join(err, n.serveErr)
	}
	return err
}
