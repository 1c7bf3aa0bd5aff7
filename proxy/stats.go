package proxy

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/store"
)

// indexStatsView is Meilisearch's per-index stats object.
type indexStatsView struct {
	NumberOfDocuments         int64            `json:"numberOfDocuments"`
	RawDocumentDbSize         int64            `json:"rawDocumentDbSize"`
	AvgDocumentSize           int64            `json:"avgDocumentSize"`
	IsIndexing                bool             `json:"isIndexing"`
	NumberOfEmbeddings        int64            `json:"numberOfEmbeddings"`
	NumberOfEmbeddedDocuments int64            `json:"numberOfEmbeddedDocuments"`
	FieldDistribution         map[string]int64 `json:"fieldDistribution"`
}

// nodeStats is one node's answer for one index, reduced to the shards it
// covers in the plan.
type nodeStats struct {
	indexStatsView
	covered int64 // documents of the covered shards
}

func (p *Proxy) indexStats(c echo.Context) error {
	t, err := p.loadIndex(c.Param("uid"))
	if err != nil {
		return err
	}
	st, err := p.statsOf(c.Request().Context(), t)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, st)
}

// statsOf sums one replica per shard: a node covering all it holds counts
// its own stats; a node covering part of them is counted by a facet count
// on `_miroir_shard` over its covered shards, and its field distribution is
// scaled to that share.
func (p *Proxy) statsOf(ctx context.Context, t *topology) (*indexStatsView, error) {
	base := "/indexes/" + url.PathEscape(t.index.PhysicalName)
	parts, _, err := scatter(ctx, p, t, allShards(t.index.Shards), func(ctx context.Context, part readPart) (*nodeStats, error) {
		var ns nodeStats
		if err := p.nodes.do(ctx, part.node.Addr, request{method: http.MethodGet, path: base + "/stats"}, &ns.indexStatsView); err != nil {
			return nil, err
		}
		ns.covered = ns.NumberOfDocuments
		if !part.restrict {
			return &ns, nil
		}
		var res nodeSearchResult
		q := map[string]any{"q": "", "limit": 0, "facets": []string{reservedShardField}, "filter": shardFilter(part.shards)}
		if err := p.nodes.do(ctx, part.node.Addr, request{method: http.MethodPost, path: base + "/search", body: mustJSON(q)}, &res); err != nil {
			return nil, err
		}
		ns.covered = 0
		for _, n := range res.FacetDistribution[reservedShardField] {
			ns.covered += n
		}
		return &ns, nil
	})
	if err != nil {
		return nil, err
	}
	out := &indexStatsView{FieldDistribution: map[string]int64{}}
	for _, ns := range parts {
		share := 1.0
		if ns.NumberOfDocuments > 0 {
			share = float64(ns.covered) / float64(ns.NumberOfDocuments)
		}
		out.NumberOfDocuments += ns.covered
		out.RawDocumentDbSize += int64(float64(ns.RawDocumentDbSize) * share)
		out.NumberOfEmbeddings += int64(float64(ns.NumberOfEmbeddings) * share)
		out.NumberOfEmbeddedDocuments += int64(float64(ns.NumberOfEmbeddedDocuments) * share)
		out.IsIndexing = out.IsIndexing || ns.IsIndexing
		for f, n := range ns.FieldDistribution {
			if !strings.HasPrefix(f, reservedPrefix) {
				out.FieldDistribution[f] += int64(float64(n)*share + 0.5)
			}
		}
	}
	for f, n := range out.FieldDistribution {
		out.FieldDistribution[f] = min(n, out.NumberOfDocuments)
	}
	if out.NumberOfDocuments > 0 {
		out.AvgDocumentSize = out.RawDocumentDbSize / out.NumberOfDocuments
	}
	return out, nil
}

// globalStats serves GET /stats over every index of the catalog.
func (p *Proxy) globalStats(c echo.Context) error {
	var all []store.Index
	p.state.Read(func(s *store.State) { all = s.Indexes() })
	indexes := map[string]*indexStatsView{}
	var size int64
	var last time.Time
	for _, idx := range all {
		t, err := p.loadIndex(idx.UID)
		if err != nil {
			continue
		}
		st, err := p.statsOf(c.Request().Context(), t)
		if err != nil {
			return err
		}
		indexes[idx.UID] = st
		size += st.RawDocumentDbSize
		if idx.UpdatedAt.After(last) {
			last = idx.UpdatedAt
		}
	}
	var lastUpdate any
	if !last.IsZero() {
		lastUpdate = last
	}
	return c.JSON(http.StatusOK, map[string]any{"databaseSize": size, "usedDatabaseSize": size,
		"lastUpdate": lastUpdate, "indexes": indexes})
}
