// Command miroirbench measures miroir against a single engine node in the
// same run: it builds ./cmd/miroir, starts the processes it measures on
// loopback, drives them with the Debian corpus and prints each figure next
// to its budget (DESIGN §12). `miroirbench all` runs every measurement and
// rewrites the generated block of docs/benchmarks.md.
//
// It is a benchmark driver, not a test: it has no timing thresholds that
// fail anything; budgets are only reported.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// command is one subcommand: it parses its own flags and returns the
// report sections it measured.
type command struct {
	name, usage string
	run         func(ctx context.Context, env *benchEnv, args []string) ([]section, error)
}

func commands() []command {
	return []command{
		{"search", "search latency: one node vs one peer in front of 3 nodes, and the latency miroir adds", runSearch},
		{"ingest", "documents/s into one node vs through miroir (RF=1, RF=2), bytes per node", runIngest},
		{"failover", "time from SIGKILL of the leader peer to the first write through a survivor", runFailover},
		{"memory", "RSS of a peer idle and with 100,000 retained tasks", runMemory},
		{"scale", "ingest rate and search latency at 1x, 4x, 16x the corpus on 3 nodes", runScale},
		{"heap", "heap profile of the replicated state holding 100,000 finished tasks (in process)", runHeap},
		{"gobench", "the packages' go test benchmarks (raft, merge, engine, fsm)", runGoBench},
		{"all", "every measurement above, then the generated block of docs/benchmarks.md", runAll},
	}
}

// run is the whole program. Exit codes: 0 done, 1 a measurement failed,
// 2 usage.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "help" || args[0] == "--help" {
		usage(stderr)
		return 2
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		env := &benchEnv{name: c.name, stdout: stdout, stderr: stderr}
		defer env.close()
		secs, err := c.run(ctx, env, args[1:])
		if err != nil {
			fmt.Fprintf(stderr, "miroirbench %s: %v\n", c.name, err)
			return 1
		}
		if err := env.finish(secs); err != nil {
			fmt.Fprintln(stderr, "miroirbench:", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "miroirbench: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: miroirbench <command> [flags]   (miroirbench <command> -h lists flags)")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.usage)
	}
}
