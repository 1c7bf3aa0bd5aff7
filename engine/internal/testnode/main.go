// Command testnode runs one engine node; the crash test and
// scripts/conformance.sh use it when no miroir binary with a node subcommand
// is around.
//
//	testnode -http-addr 127.0.0.1:7700 -data-dir /tmp/x -master-key masterKey
//
// It prints "listening on <addr>" once it accepts connections.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/miroir-search/miroir/engine"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("testnode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := engine.DefaultConfig()
	fs.StringVar(&cfg.HTTPAddr, "http-addr", cfg.HTTPAddr, "listen address")
	fs.StringVar(&cfg.DataDir, "data-dir", "", "data directory")
	fs.StringVar(&cfg.MasterKey, "master-key", "", "master key (empty: open)")
	level := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(*level))
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lv}))
	srv, err := engine.New(cfg, logger)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		_ = srv.Shutdown(context.Background())
		return 1
	}
	fmt.Fprintf(stdout, "listening on %s\n", ln.Addr())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(stderr, err)
		stop()
		<-done
		return 1
	}
	<-done
	return 0
}
