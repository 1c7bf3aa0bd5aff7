package chaos

import (
	"context"
	"log/slog"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
	"github.com/miroir-search/miroir/cluster"
)

// Hooks returns the cluster.Config change that routes a peer's raft and
// gossip traffic through the fault decorators governed by rules.
func Hooks(rules *Rules) func(*cluster.Config) {
	return func(c *cluster.Config) {
		c.WrapStreamLayer = func(s raft.StreamLayer) raft.StreamLayer { return NewFaultyStreamLayer(s, rules) }
		c.WrapTransport = func(t memberlist.NodeAwareTransport) memberlist.NodeAwareTransport {
			return NewFaultyTransport(t, rules)
		}
	}
}

// Enable is what `miroir serve --chaos-control <addr>` does: it starts the
// control server on addr and returns the cluster.Config hooks to apply
// before cluster.New, and a stop function for shutdown. With the flag
// unset, a binary calls nothing here and carries no fault path.
func Enable(ctx context.Context, addr string, logger *slog.Logger) (func(*cluster.Config), func() error, error) {
	rules := NewRules()
	srv, err := NewControlServer(addr, rules, logger)
	if err != nil {
		return nil, nil, err
	}
	if err := srv.Start(ctx); err != nil {
		return nil, nil, err
	}
	return Hooks(rules), srv.Close, nil
}
