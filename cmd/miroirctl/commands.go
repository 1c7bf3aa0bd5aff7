package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/miroir-search/miroir/admin"
	"github.com/spf13/cobra"
)

func statusCmd(o *options) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the cluster as the addressed peer sees it: leader, term, indexes, voters",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var v admin.ClusterView
			raw, err := o.client().do(cmd.Context(), "GET", "/_miroir/cluster", nil, &v)
			if err != nil {
				return err
			}
			if o.json {
				return writeRaw(o.stdout, raw)
			}
			return printStatus(o.stdout, v)
		},
	}
}

func printStatus(w io.Writer, v admin.ClusterView) error {
	leader := v.Leader.ID
	if leader == "" {
		leader = "(none)"
	}
	fmt.Fprintf(w, "peer:      %s (%s)\n", v.ID, strings.ToLower(v.State))
	fmt.Fprintf(w, "leader:    %s\n", leader)
	fmt.Fprintf(w, "term:      %d\n", v.Term)
	fmt.Fprintf(w, "indexes:   commit %d, applied %d, last log %d\n", v.CommitIndex, v.AppliedIndex, v.LastLogIndex)
	fmt.Fprintf(w, "fsm:       digest %s at index %d\n", short(v.FSMDigest), v.FSMAppliedIndex)
	fmt.Fprintf(w, "voters:    %d of %d servers\n", v.Voters, len(v.Servers))
	fmt.Fprintf(w, "nodes:     %d\n\n", v.Nodes)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PEER\tRAFT ADDRESS\tSUFFRAGE\tLEADER")
	for _, s := range v.Servers {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.ID, s.Address, strings.ToLower(s.Suffrage), yes(s.ID == v.Leader.ID))
	}
	return tw.Flush()
}

func peersCmd(o *options) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "peers",
		Short: "List peers (raft configuration joined with gossip); remove or join peers",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var out struct {
				Results []admin.PeerView `json:"results"`
			}
			raw, err := o.client().do(cmd.Context(), "GET", "/_miroir/peers", nil, &out)
			if err != nil || o.json {
				return orRaw(o, raw, err)
			}
			tw := tabwriter.NewWriter(o.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PEER\tRAFT ADDRESS\tHTTP ADDRESS\tSUFFRAGE\tGOSSIP\tLEADER")
			for _, p := range out.Results {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.ID, p.RaftAddr, dash(p.HTTPAddr),
					strings.ToLower(p.Suffrage), p.Gossip, yes(p.Leader))
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "remove PEER_ID",
		Short: "Remove a peer that will not come back from the raft configuration",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := o.client().do(cmd.Context(), "DELETE", "/_miroir/peers/"+url.PathEscape(args[0]), nil, nil)
			if err != nil || o.json {
				return orRaw(o, raw, err)
			}
			_, err = fmt.Fprintf(o.stdout, "peer %s removed\n", args[0])
			return err
		},
	}, &cobra.Command{
		Use:   "leave",
		Short: "Make the addressed peer (--addr) leave the cluster for good; stop it afterwards",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			var out struct{ Left string }
			raw, err := o.client().do(cmd.Context(), "POST", "/_miroir/leave", nil, &out)
			if err != nil || o.json {
				return orRaw(o, raw, err)
			}
			_, err = fmt.Fprintf(o.stdout, "peer %s left the cluster; stop its process now\n", out.Left)
			return err
		},
	}, &cobra.Command{
		Use:   "join GOSSIP_ADDR...",
		Short: "Ask the addressed peer to join gossip at the given addresses",
		Args:  minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			raw, err := o.client().do(cmd.Context(), "POST", "/_miroir/peers", map[string]any{"addresses": args}, nil)
			if err != nil || o.json {
				return orRaw(o, raw, err)
			}
			_, err = fmt.Fprintf(o.stdout, "join requested: %s\n", strings.Join(args, ", "))
			return err
		},
	})
	return cmd
}

func writeRaw(w io.Writer, raw []byte) error {
	_, err := fmt.Fprintln(w, strings.TrimSpace(string(raw)))
	return err
}

// orRaw returns err, or prints the raw answer for --json.
func orRaw(o *options, raw []byte, err error) error {
	if err != nil {
		return err
	}
	return writeRaw(o.stdout, raw)
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func short(digest string) string {
	if len(digest) > 16 {
		return digest[:16]
	}
	return dash(digest)
}

func ago(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
