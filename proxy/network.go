package proxy

import (
	"cmp"
	"context"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// GET /network answers Meilisearch's unconfigured network, the same on
// every peer and at every call: miroir is the network (its peers, groups
// and shards are under /_miroir), so it exposes no Meilisearch remotes.
// The version is the nil UUID, a fresh Meilisearch's. PATCH /network would
// configure Meilisearch's own sharding, which miroir replaces: it answers
// not_implemented. Neither is ever passed to the nodes.

// networkView is Meilisearch's network object with nothing configured.
type networkView struct {
	Self    *string        `json:"self"`
	Remotes map[string]any `json:"remotes"`
	Shards  map[string]any `json:"shards"`
	Leader  *string        `json:"leader"`
	Version string         `json:"version"`
}

func (p *Proxy) getNetwork(c echo.Context) error {
	on, err := p.featureEnabled(c.Request().Context(), func(f meili.ExperimentalFeatures) bool { return f.Network })
	if err != nil {
		return err
	}
	if !on {
		return meili.Errorf(meili.CodeFeatureNotEnabled, "Using the /network route requires enabling the `network` experimental feature. See https://github.com/orgs/meilisearch/discussions/805")
	}
	return c.JSON(http.StatusOK, networkView{Remotes: map[string]any{}, Shards: map[string]any{}, Version: nilUUID})
}

func (p *Proxy) patchNetwork(c echo.Context) error {
	return meili.Errorf(meili.CodeNotImplemented, "Configuring a Meilisearch network is not supported: miroir is the network (manage its peers, nodes and shards under `/_miroir`).")
}

// featureEnabled reads an experimental flag. Flags live on the nodes
// (features.go): the first live node that answers decides; nodes that just
// failed a call are tried last.
func (p *Proxy) featureEnabled(ctx context.Context, flag func(meili.ExperimentalFeatures) bool) (bool, error) {
	var lastErr error
	nodes := p.liveNodes()
	slices.SortStableFunc(nodes, func(a, b store.Node) int {
		return cmp.Compare(b2i(p.nodes.isSuspect(a.Addr)), b2i(p.nodes.isSuspect(b.Addr)))
	})
	for _, n := range nodes {
		var f meili.ExperimentalFeatures
		err := p.nodes.do(ctx, n.Addr, request{method: http.MethodGet, path: "/experimental-features"}, &f)
		if err == nil {
			return flag(f), nil
		}
		if !unavailable(err) {
			return false, err
		}
		lastErr = err
	}
	if lastErr != nil {
		return false, meili.Errorf(meili.CodeMiroirShardUnavailable, "No node answered; retry when the nodes are back.")
	}
	return false, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
