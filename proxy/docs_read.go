package proxy

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// getDocument reads one document from one replica of its shard.
func (p *Proxy) getDocument(c echo.Context) error {
	t, err := p.loadIndex(c.Param("uid"))
	if err != nil {
		return err
	}
	id := c.Param("id")
	path := "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/documents/" + url.PathEscape(id)
	if q := c.Request().URL.RawQuery; q != "" {
		path += "?" + q
	}
	shard := store.ShardOf(id, t.index.Shards)
	docs, missing, err := scatter(c.Request().Context(), p, t, []int{shard}, func(ctx context.Context, part readPart) ([]byte, error) {
		raw, err := p.nodes.raw(ctx, part.node.Addr, request{method: http.MethodGet, path: path})
		p.countCall("get", err)
		return raw, err
	})
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		_, err := p.shardsGone(t.index.UID, missing)
		if err == nil {
			err = meili.Errorf(meili.CodeMiroirShardUnavailable, "No replica of shard %d of index `%s` answered; retry when the nodes are back.", shard, t.index.UID)
		}
		return err
	}
	out, err := stripHit(nil, docs[0], &stripSpec{keepScore: true, keepDetails: true})
	if err != nil {
		return meili.Errorf(meili.CodeInternal, "reading a node's document: %v", err)
	}
	return c.JSONBlob(http.StatusOK, out)
}

// fetchQuery is the body of POST /documents/fetch (and the GET parameters).
type fetchQuery struct {
	Offset          int      `json:"offset"`
	Limit           int      `json:"limit"`
	Fields          []string `json:"fields,omitempty"`
	Filter          any      `json:"filter,omitempty"`
	IDs             []any    `json:"ids,omitempty"`
	RetrieveVectors bool     `json:"retrieveVectors,omitempty"`
	Sort            []string `json:"sort,omitempty"`
}

func decodeFetch(c echo.Context) (*fetchQuery, error) {
	q := &fetchQuery{Limit: 20}
	if c.Request().Method == http.MethodPost {
		body, err := io.ReadAll(io.LimitReader(c.Request().Body, 10<<20))
		if err != nil {
			return nil, err
		}
		if len(strings.TrimSpace(string(body))) > 0 {
			if err := json.Unmarshal(body, q); err != nil {
				return nil, meili.Errorf(meili.CodeBadRequest, "Invalid documents fetch payload: %v", err)
			}
		}
		return q, nil
	}
	offset, limit, err := page(c, meili.CodeInvalidDocumentOffset, meili.CodeInvalidDocumentLimit)
	if err != nil {
		return nil, err
	}
	q.Offset, q.Limit = offset, limit
	list := func(v string) []string {
		if v == "" {
			return nil
		}
		return strings.Split(v, ",")
	}
	q.Fields, q.Sort = list(c.QueryParam("fields")), list(c.QueryParam("sort"))
	for _, id := range list(c.QueryParam("ids")) {
		q.IDs = append(q.IDs, id)
	}
	if f := c.QueryParam("filter"); f != "" {
		q.Filter = f
	}
	q.RetrieveVectors = c.QueryParam("retrieveVectors") == "true"
	return q, nil
}

// browseDocuments serves GET /documents and POST /documents/fetch: every
// shard is asked for offset+limit documents and the lists are merged by the
// sort fields when given, then in primary-key order (integers before
// strings), so pages are stable.
func (p *Proxy) browseDocuments(c echo.Context) error {
	q, err := decodeFetch(c)
	if err != nil {
		return err
	}
	t, err := p.loadIndex(c.Param("uid"))
	if err != nil {
		return err
	}
	nq := *q
	nq.Offset, nq.Limit = 0, q.Offset+q.Limit
	var extra []string
	pk := t.index.PrimaryKey
	fields := keyFields{primaryKey: pk}
	need := []string{pk}
	for _, s := range q.Sort {
		name, dir, _ := strings.Cut(s, ":")
		fields.sorts = append(fields.sorts, sortField{name: name, asc: dir != "desc"})
		need = append(need, name)
	}
	if len(q.Fields) > 0 && !slices.Contains(q.Fields, "*") {
		nq.Fields = slices.Clone(q.Fields)
		for _, f := range need {
			if f != "" && !slices.Contains(nq.Fields, f) {
				nq.Fields = append(nq.Fields, f)
				extra = append(extra, f)
			}
		}
	}
	type page struct {
		Results []json.RawMessage `json:"results"`
		Total   int64             `json:"total"`
	}
	path := "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/documents/fetch"
	pages, missing, err := scatter(c.Request().Context(), p, t, allShards(t.index.Shards), func(ctx context.Context, part readPart) (*page, error) {
		pq := nq
		if part.restrict {
			pq.Filter = meili.AndFilters(nq.Filter, shardFilter(part.shards))
		}
		var pg page
		err := p.nodes.do(ctx, part.node.Addr, request{method: http.MethodPost, path: path, body: mustJSON(pq)}, &pg)
		p.countCall("fetch", err)
		return &pg, err
	})
	if err != nil {
		return err
	}
	degraded, err := p.shardsGone(t.index.UID, missing)
	if err != nil {
		return err
	}
	srcs := make([]source, len(pages))
	var total int64
	for i, pg := range pages {
		srcs[i] = source{Hits: pg.Results, Fields: fields}
		total += pg.Total
	}
	merged, err := mergeHits(srcs, q.Offset, q.Limit, false)
	if err != nil {
		return meili.Errorf(meili.CodeInternal, "merging documents: %v", err)
	}
	docs, err := stripHits(merged, &stripSpec{keepScore: true, keepDetails: true, extra: extra})
	if err != nil {
		return meili.Errorf(meili.CodeInternal, "merging documents: %v", err)
	}
	if degraded != "" {
		c.Response().Header().Set(HeaderDegraded, degraded)
	}
	if docs == nil {
		docs = []json.RawMessage{}
	}
	return c.JSON(http.StatusOK, map[string]any{"results": docs, "offset": q.Offset, "limit": q.Limit, "total": total})
}
