package main

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/cobra"
)

// run is the whole program; main only supplies the process's environment.
// Exit codes: 0 clean exit, 1 runtime failure, 2 invalid configuration or
// usage.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	root := &cobra.Command{
		Use:           "miroir",
		Short:         "A highly available, sharded cluster in front of Meilisearch nodes",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(serveCmd(getenv, stdout, stderr), nodeCmd(getenv, stderr), devCmd(getenv, stdout, stderr), versionCmd(stdout))
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(stderr, "miroir:", err)
	if _, ok := err.(usageError); ok {
		return 2
	}
	return 1
}

// usageError marks errors in the command line or the configuration.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func versionCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(stdout, "miroir %s (%s, %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
