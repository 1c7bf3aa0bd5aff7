package proxy

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
)

// facetSearch scatters a facet search over one replica per shard, sums the
// counts per value and orders and truncates them per the faceting settings.
func (p *Proxy) facetSearch(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, 10<<20))
	if err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Error while receiving the payload. `%v`.", err)
	}
	q, err := meili.DecodeFacetSearchQuery(body)
	if err != nil {
		return err
	}
	t, err := p.loadIndex(c.Param("uid"))
	if err != nil {
		return err
	}
	g, _ := c.Get(authKey).(*grant)
	f, err := g.tenantFilter(t.index.UID)
	if err != nil {
		return err
	}
	if f != nil {
		q.Filter = meili.AndFilters(q.Filter, f)
	}
	path := "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/facet-search"
	parts, missing, err := scatter(c.Request().Context(), p, t, allShards(t.index.Shards), func(ctx context.Context, part readPart) (*meili.FacetSearchResult, error) {
		nq := *q
		if part.restrict {
			nq.Filter = meili.AndFilters(q.Filter, shardFilter(part.shards))
		}
		var res meili.FacetSearchResult
		err := p.nodes.do(ctx, part.node.Addr, request{method: http.MethodPost, path: path, body: mustJSON(&nq)}, &res)
		p.countCall("facetSearch", err)
		return &res, err
	})
	if err != nil {
		return err
	}
	degraded, err := p.shardsGone(t.index.UID, missing)
	if err != nil {
		return err
	}
	o := p.opts.get(t.index)
	sums := map[string]int64{}
	var took int64
	for _, r := range parts {
		for _, h := range r.FacetHits {
			sums[h.Value] += int64(h.Count)
		}
		took = max(took, r.ProcessingTimeMs)
	}
	ordered := orderFacet(sums, o.facets.sortBy(q.FacetName), o.facets.MaxValuesPerFacet)
	hits := make([]meili.FacetHit, len(ordered))
	for i, v := range ordered {
		hits[i] = meili.FacetHit{Value: v.Value, Count: int(v.Count)}
	}
	if degraded != "" {
		c.Response().Header().Set(HeaderDegraded, degraded)
	}
	return c.JSON(http.StatusOK, map[string]any{"facetHits": hits, "facetQuery": q.FacetQuery, "processingTimeMs": took})
}
