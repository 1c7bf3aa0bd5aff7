package main

import (
	"fmt"
	"net/url"
	"text/tabwriter"

	"github.com/miroir-search/miroir/admin"
	"github.com/spf13/cobra"
)

func nodesCmd(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nodes",
		Short: "List, add, drain and remove Meilisearch nodes",
	}
	cmd.AddCommand(nodesListCmd(o), nodesAddCmd(o),
		nodeStateCmd(o, "drain", "POST", "/drain", "Mark a node draining (it stops receiving new shards)"),
		nodeStateCmd(o, "remove", "DELETE", "", "Mark a node removed"))
	return cmd
}

func nodesListCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List registered nodes",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var out struct {
				Results []admin.Node `json:"results"`
			}
			raw, err := o.client().do(cmd.Context(), "GET", "/_miroir/nodes", nil, &out)
			if err != nil || o.json {
				return orRaw(o, raw, err)
			}
			tw := tabwriter.NewWriter(o.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NODE\tADDRESS\tGROUP\tSTATE\tSINCE")
			for _, n := range out.Results {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", n.ID, n.Address, n.Group, n.State, ago(n.Since))
			}
			return tw.Flush()
		},
	}
}

func nodesAddCmd(o *options) *cobra.Command {
	var spec admin.NodeSpec
	cmd := &cobra.Command{
		Use:   "add --id ID --address URL [--replica-group N]",
		Short: "Register a node; it becomes active",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if spec.ID == "" || spec.Address == "" {
				return usageError{fmt.Errorf("--id and --address are required")}
			}
			var n admin.Node
			raw, err := o.client().do(cmd.Context(), "POST", "/_miroir/nodes", spec, &n)
			if err != nil || o.json {
				return orRaw(o, raw, err)
			}
			_, err = fmt.Fprintf(o.stdout, "node %s (%s, group %s) is %s\n", n.ID, n.Address, n.Group, n.State)
			return err
		},
	}
	cmd.Flags().StringVar(&spec.ID, "id", "", "node id, unique and never reused")
	cmd.Flags().StringVar(&spec.Address, "address", "", "node base URL, e.g. http://10.0.0.5:7700")
	cmd.Flags().StringVar(&spec.Group, "replica-group", admin.DefaultGroup, "replica group of the node (created on first use)")
	return cmd
}

func nodeStateCmd(o *options, verb, method, suffix, short string) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " NODE_ID",
		Short: short,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var n admin.Node
			path := "/_miroir/nodes/" + url.PathEscape(args[0]) + suffix
			raw, err := o.client().do(cmd.Context(), method, path, nil, &n)
			if err != nil || o.json {
				return orRaw(o, raw, err)
			}
			_, err = fmt.Fprintf(o.stdout, "node %s is %s\n", n.ID, n.State)
			return err
		},
	}
}
