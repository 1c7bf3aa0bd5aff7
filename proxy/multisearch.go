package proxy

import (
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
)

// multiSearch serves POST /multi-search, plain (one merged search per
// query) or federated (one merge over every query's shards).
func (p *Proxy) multiSearch(c echo.Context) error {
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, 10<<20))
	if err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Error while receiving the payload. `%v`.", err)
	}
	req, err := meili.DecodeMultiSearchRequest(body)
	if err != nil {
		return err
	}
	tops := make([]*topology, len(req.Queries))
	for i := range req.Queries {
		mq := &req.Queries[i]
		if tops[i], err = p.loadIndex(mq.IndexUID); err != nil {
			return err
		}
		if err := p.authorizeIndex(c, tops[i].index.UID, &mq.SearchQuery); err != nil {
			return err
		}
	}
	if req.Federation != nil {
		return p.federatedSearch(c, req, tops)
	}
	// The queries are independent: run them at once, answer in order.
	type result struct {
		resp     *searchResponse
		degraded string
		err      error
	}
	results := make([]result, len(req.Queries))
	var wg sync.WaitGroup
	for i := range req.Queries {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &results[i]
			r.resp, r.degraded, r.err = p.search(c.Request().Context(), tops[i], &req.Queries[i].SearchQuery)
		}()
	}
	wg.Wait()
	defer func() {
		for _, r := range results {
			if r.resp != nil {
				p.nodes.bufs.release(r.resp.bodies)
			}
		}
	}()
	out := []byte(`{"results":[`)
	for i, r := range results {
		if r.err != nil {
			return r.err
		}
		if r.degraded != "" {
			c.Response().Header().Set(HeaderDegraded, r.degraded)
		}
		if c.Request().Header.Get("Meili-Include-Metadata") == "true" {
			r.resp.Metadata = &searchMetadata{QueryUID: newUUID(), IndexUID: tops[i].index.UID, PrimaryKey: tops[i].index.PrimaryKey}
		}
		if i > 0 {
			out = append(out, ',')
		}
		if out, err = appendSearchResponse(out, r.resp, req.Queries[i].IndexUID); err != nil {
			return meili.Errorf(meili.CodeInternal, "writing the merged answer: %v", err)
		}
	}
	return writeJSON(c, http.StatusOK, append(out, "]}"...))
}

// authorizeIndex checks an API key's index list (the route guard checked
// only the action) and ANDs a tenant token's filter into q.
func (p *Proxy) authorizeIndex(c echo.Context, index string, q *meili.SearchQuery) error {
	g, _ := c.Get(authKey).(*grant)
	if g == nil || g.master {
		return nil
	}
	if g.key != nil && !meili.KeyAllows(meiliKey(p.cfg.MasterKey, *g.key), meili.ActionSearch, index, time.Now()) {
		return invalidKey()
	}
	return p.authorizeSearch(c, index, q)
}

// federatedSearch merges every query's shard answers into one list, with
// weights and query positions as Meilisearch's federated search does.
func (p *Proxy) federatedSearch(c echo.Context, req *meili.MultiSearchRequest, tops []*topology) error {
	fed := req.Federation
	w := window{Offset: fed.Offset, Limit: fed.Limit}
	if fed.Page != nil || fed.HitsPerPage != nil {
		w = window{PageMode: true, Page: 1, HitsPerPage: meili.DefaultSearchLimit}
		if fed.Page != nil {
			w.Page = *fed.Page
		}
		if fed.HitsPerPage != nil {
			w.HitsPerPage = *fed.HitsPerPage
		}
	}
	const maxTotal = 1000
	skip, take := w.span(maxTotal)
	facets, err := newFedFacets(fed, req.Queries)
	if err != nil {
		return err
	}
	var srcs []source
	var strips []*stripSpec
	var bodies [][]byte // the node answers, returned once the hits are copied
	defer func() { p.nodes.bufs.release(bodies) }()
	var total, took int64
	for i := range req.Queries {
		mq := req.Queries[i]
		mq.Offset, mq.Limit, mq.Page, mq.HitsPerPage = 0, skip+take, nil, nil
		mq.Facets = facets.facetsFor(mq.IndexUID)
		sp := planSearch(tops[i], p.opts.get(tops[i].index), &mq.SearchQuery)
		sp.opt.Fields.distinct = fed.Distinct
		parts, missing, err := p.scatterSearch(c.Request().Context(), tops[i], sp)
		if err != nil {
			return err
		}
		if _, err := p.shardsGone(tops[i].index.UID, missing); err != nil {
			return err
		}
		weight := 1.0
		if mq.FederationOptions != nil {
			weight = mq.FederationOptions.Weight
		}
		for _, part := range parts {
			srcs = append(srcs, source{Hits: part.Hits, Fields: sp.opt.Fields, Weight: weight, Position: i, meta: part.meta, strip: part.strip})
			if part.body != nil {
				bodies = append(bodies, part.body)
			}
			strips = append(strips, &sp.opt.Strip)
			if part.EstimatedTotalHits != nil {
				total += *part.EstimatedTotalHits
			}
			took = max(took, part.ProcessingTimeMs)
			facets.add(mq.IndexUID, sp.opt.Facets, part)
		}
	}
	merged, err := mergeHits(srcs, skip, take, fed.Distinct != "")
	if err != nil {
		return meili.Errorf(meili.CodeInternal, "merging shard answers: %v", err)
	}
	hits := make([][]byte, len(merged))
	for i, m := range merged {
		pos := srcs[m.Source].Position
		h, err := stripMerged(nil, &m, strips[m.Source])
		if err != nil {
			return meili.Errorf(meili.CodeInternal, "merging shard answers: %v", err)
		}
		fedField := mustJSON(map[string]any{"indexUid": req.Queries[pos].IndexUID, "queriesPosition": pos,
			"weightedRankingScore": m.Score})
		h = append(h[:len(h)-1], `,"_federation":`...)
		if len(h) == len(`{,"_federation":`) {
			h = append(h[:1], `"_federation":`...)
		}
		hits[i] = append(append(h, fedField...), '}')
	}
	out := federatedResponse(hits, w, took, min(total, maxTotal))
	facets.fill(out, fed.MergeFacets)
	return c.JSON(http.StatusOK, out)
}

func federatedResponse(hits [][]byte, w window, took, total int64) map[string]any {
	raw := make([]rawJSON, len(hits))
	for i, h := range hits {
		raw[i] = h
	}
	out := map[string]any{"hits": raw, "processingTimeMs": took}
	if w.PageMode {
		pages := int64(0)
		if w.HitsPerPage > 0 {
			pages = (total + int64(w.HitsPerPage) - 1) / int64(w.HitsPerPage)
		}
		out["hitsPerPage"], out["page"], out["totalPages"], out["totalHits"] = w.HitsPerPage, w.Page, pages, total
	} else {
		out["limit"], out["offset"], out["estimatedTotalHits"] = w.Limit, w.Offset, total
	}
	return out
}

// rawJSON marshals as itself.
type rawJSON []byte

func (r rawJSON) MarshalJSON() ([]byte, error) { return r, nil }
