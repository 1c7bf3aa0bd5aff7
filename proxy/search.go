package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
)

// searchIndex serves GET and POST /indexes/{uid}/search.
func (p *Proxy) searchIndex(c echo.Context) error {
	start := time.Now()
	q, err := decodeSearch(c)
	if err != nil {
		return err
	}
	t, err := p.loadIndex(c.Param("uid"))
	if err != nil {
		return err
	}
	if err := p.authorizeSearch(c, t.index.UID, q); err != nil {
		return err
	}
	resp, degraded, err := p.search(c.Request().Context(), t, q)
	if err != nil {
		return err
	}
	if degraded != "" {
		c.Response().Header().Set(HeaderDegraded, degraded)
		p.metrics.degraded.WithLabelValues("search").Inc()
	}
	if c.Request().Header.Get("Meili-Include-Metadata") == "true" {
		resp.Metadata = &searchMetadata{QueryUID: newUUID(), IndexUID: t.index.UID, PrimaryKey: t.index.PrimaryKey}
	}
	p.metrics.requests.WithLabelValues("search").Observe(time.Since(start).Seconds())
	err = writeSearch(c, &p.nodes.bufs, resp)
	p.nodes.bufs.release(resp.bodies)
	return err
}

func decodeSearch(c echo.Context) (*meili.SearchQuery, error) {
	if c.Request().Method == http.MethodGet {
		return meili.ParseSearchQueryValues(c.QueryParams())
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, 10<<20))
	if err != nil {
		return nil, meili.Errorf(meili.CodeBadRequest, "Error while receiving the payload. `%v`.", err)
	}
	return meili.DecodeSearchQuery(body)
}

// searchPlan is a client query turned into node queries and merge options.
type searchPlan struct {
	node *meili.SearchQuery // template of every node's query
	opt  mergeOptions
}

// planSearch derives the node query: offset 0 and limit offset+limit (so
// every shard returns every hit that may make the page), ranking fields
// forced, the primary key and distinct attribute retrieved for the merge.
func planSearch(t *topology, o *indexOptions, q *meili.SearchQuery) *searchPlan {
	sp := &searchPlan{opt: mergeOptions{MaxTotalHits: o.maxTotalHits, Facets: o.facets}}
	w := window{Offset: q.Offset, Limit: q.Limit}
	if q.IsPaged() {
		w = window{PageMode: true, Page: 1, HitsPerPage: meili.DefaultSearchLimit}
		if q.Page != nil {
			w.Page = *q.Page
		}
		if q.HitsPerPage != nil {
			w.HitsPerPage = *q.HitsPerPage
		}
	}
	sp.opt.Window = w
	skip, take := w.span(o.maxTotalHits)
	n := min(skip+take, o.maxTotalHits)
	nq := *q
	if w.PageMode {
		one := 1
		nq.Page, nq.HitsPerPage, nq.Offset, nq.Limit = &one, &n, 0, n
	} else {
		nq.Offset, nq.Limit = 0, n
	}
	distinct := q.Distinct
	if distinct == "" {
		distinct = o.distinctAttribute
	}
	sp.opt.Distinct = distinct != ""
	sp.opt.Fields = keyFields{primaryKey: t.index.PrimaryKey, distinct: distinct}
	sp.opt.Strip = stripSpec{keepScore: q.ShowRankingScore, keepDetails: q.ShowRankingScoreDetails}
	nq.ShowRankingScore = true
	nq.ShowRankingScoreDetails = q.ShowRankingScoreDetails || len(q.Sort) > 0 || o.customSortRules ||
		len(q.Vector) > 0 || len(q.Hybrid) > 0
	if len(q.AttributesToRetrieve) > 0 && !slices.Contains(q.AttributesToRetrieve, "*") {
		nq.AttributesToRetrieve = slices.Clone(q.AttributesToRetrieve)
		for _, f := range []string{t.index.PrimaryKey, distinct} {
			if f != "" && !slices.Contains(nq.AttributesToRetrieve, f) {
				nq.AttributesToRetrieve = append(nq.AttributesToRetrieve, f)
				sp.opt.Strip.extra = append(sp.opt.Strip.extra, f)
			}
		}
	}
	sp.node = &nq
	return sp
}

// search scatters q over one replica per shard and merges the answers.
func (p *Proxy) search(ctx context.Context, t *topology, q *meili.SearchQuery) (*searchResponse, string, error) {
	sp := planSearch(t, p.opts.get(t.index), q)
	parts, missing, err := p.scatterSearch(ctx, t, sp)
	if err != nil {
		return nil, "", err
	}
	degraded, err := p.shardsGone(t.index.UID, missing)
	if err != nil {
		return nil, "", err
	}
	start := time.Now()
	resp, err := mergeSearch(parts, &sp.opt)
	p.metrics.merge.Observe(time.Since(start).Seconds())
	if err != nil {
		return nil, "", meili.Errorf(meili.CodeInternal, "merging shard answers: %v", err)
	}
	resp.Query = q.Q
	return resp, degraded, nil
}

// scatterSearch sends the plan's node query to a covering set; a node
// answering for part of its shards gets `_miroir_shard IN [...]` ANDed into
// its filter. Each answer is read in one pass (parseNodeSearch) with the
// plan's key fields and strip spec, which the merge must then use.
func (p *Proxy) scatterSearch(ctx context.Context, t *topology, sp *searchPlan) ([]*nodeSearchResult, []int, error) {
	nq := sp.node
	path := "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/search"
	whole, err := json.Marshal(nq)
	if err != nil {
		return nil, nil, err
	}
	return scatter(ctx, p, t, allShards(t.index.Shards), func(ctx context.Context, part readPart) (*nodeSearchResult, error) {
		body := whole
		if part.restrict {
			q := *nq
			q.Filter = meili.AndFilters(nq.Filter, shardFilter(part.shards))
			var err error
			if body, err = json.Marshal(&q); err != nil {
				return nil, err
			}
		}
		raw, err := p.nodes.search(ctx, part.node.Addr, path, body)
		p.countCall("search", err)
		if err != nil {
			return nil, err
		}
		res := nodeSearchResult{body: raw}
		if err := parseNodeSearch(raw, sp.opt.Fields, &sp.opt.Strip, nodeLimit(nq), &res); err != nil {
			p.nodes.bufs.put(raw)
			return nil, fmt.Errorf("%w: %s answered invalid JSON: %v", ErrNodeUnavailable, part.node.Addr, err)
		}
		return &res, nil
	})
}

// nodeLimit is how many hits a node query asks for.
func nodeLimit(nq *meili.SearchQuery) int {
	if nq.HitsPerPage != nil {
		return *nq.HitsPerPage
	}
	return nq.Limit
}

func (p *Proxy) countCall(op string, err error) {
	result := "ok"
	if err != nil {
		result = "error"
	}
	p.metrics.nodeCalls.WithLabelValues(op, result).Inc()
}
