package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
)

const defaultAddr = "http://127.0.0.1:7700"

// options are the global flags.
type options struct {
	addr    string
	key     string
	json    bool
	timeout time.Duration
	stdout  io.Writer
}

func (o *options) client() *client { return newClient(o.addr, o.key, o.timeout) }

// usageError marks errors in how the command was called (exit code 2).
type usageError struct{ error }

// run is the whole program: exit code 0 on success, 1 when the server or
// the network failed, 2 on a usage error.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	root := newRoot(getenv, stdout)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "miroirctl:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func newRoot(getenv func(string) string, stdout io.Writer) *cobra.Command {
	o := &options{stdout: stdout}
	root := &cobra.Command{
		Use:           "miroirctl",
		Short:         "Operate a miroir cluster through any peer's admin API",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	addr := getenv("MIROIR_ADDR")
	if addr == "" {
		addr = defaultAddr
	}
	pf := root.PersistentFlags()
	pf.StringVar(&o.addr, "addr", addr, "peer HTTP address (env MIROIR_ADDR)")
	pf.StringVar(&o.key, "admin-key", getenv("MIROIR_ADMIN_KEY"), "admin key (env MIROIR_ADMIN_KEY)")
	pf.BoolVar(&o.json, "json", false, "print the server's JSON instead of a table")
	pf.DurationVar(&o.timeout, "timeout", 15*time.Second, "per-request timeout")
	root.AddCommand(statusCmd(o), peersCmd(o), nodesCmd(o))
	return root
}

// exactArgs is cobra.ExactArgs with a usage error.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}

func minArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MinimumNArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
