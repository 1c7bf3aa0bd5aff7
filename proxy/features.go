package proxy

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// Experimental features change node behaviour (containsFilter, ...), so they
// live on the nodes: PATCH goes to every node, GET reads one. A node that
// missed a PATCH (down at the time) keeps its old flags until the next one.

func (p *Proxy) getFeatures(c echo.Context) error {
	for _, n := range p.liveNodes() {
		raw, err := p.nodes.raw(c.Request().Context(), n.Addr, request{method: http.MethodGet, path: "/experimental-features"})
		if err == nil {
			return c.JSONBlob(http.StatusOK, raw)
		}
		if !unavailable(err) {
			return err
		}
	}
	return c.JSON(http.StatusOK, meili.ExperimentalFeatures{})
}

func (p *Proxy) patchFeatures(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, 1<<20))
	if err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Error while receiving the payload. `%v`.", err)
	}
	if _, err := meili.PatchFeatures(meili.ExperimentalFeatures{}, body); err != nil {
		return err
	}
	var answer json.RawMessage
	ctx := context.WithoutCancel(c.Request().Context())
	for _, n := range p.liveNodes() {
		raw, err := p.nodes.raw(ctx, n.Addr, request{method: http.MethodPatch, path: "/experimental-features", body: body})
		if err != nil {
			p.log.Warn("experimental features not applied on node", "node", n.ID, "err", err)
			continue
		}
		if answer == nil {
			answer = raw
		}
	}
	if answer == nil {
		return meili.Errorf(meili.CodeMiroirShardUnavailable, "No node answered; retry when the nodes are back.")
	}
	return c.JSONBlob(http.StatusOK, answer)
}

// liveNodes lists the nodes in a state that holds data, sorted by id.
func (p *Proxy) liveNodes() []store.Node {
	var out []store.Node
	p.state.Read(func(s *store.State) {
		for _, n := range s.Nodes() {
			if n.State == store.NodeActive || n.State == store.NodeDraining || n.State == store.NodeJoining {
				out = append(out, n)
			}
		}
	})
	return out
}
