package proxy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// indexView is Meilisearch's index object.
type indexView struct {
	UID        string    `json:"uid"`
	PrimaryKey *string   `json:"primaryKey"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

func viewIndex(idx store.Index) indexView {
	v := indexView{UID: idx.UID, CreatedAt: idx.CreatedAt, UpdatedAt: idx.UpdatedAt}
	if idx.PrimaryKey != "" {
		pk := idx.PrimaryKey
		v.PrimaryKey = &pk
	}
	return v
}

// page reads offset/limit query parameters with Meilisearch's defaults.
func page(c echo.Context, offsetCode, limitCode meili.Code) (int, int, error) {
	offset, limit := 0, 20
	if v := c.QueryParam("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, meili.Errorf(offsetCode, "Invalid value in parameter `offset`: could not parse `%s` as a positive integer", v)
		}
		offset = n
	}
	if v := c.QueryParam("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, meili.Errorf(limitCode, "Invalid value in parameter `limit`: could not parse `%s` as a positive integer", v)
		}
		limit = n
	}
	return offset, limit, nil
}

func (p *Proxy) listIndexes(c echo.Context) error {
	offset, limit, err := page(c, meili.Code("invalid_index_offset"), meili.Code("invalid_index_limit"))
	if err != nil {
		return err
	}
	if err := p.readBarrier(c.Request().Context()); err != nil {
		return err
	}
	var all []store.Index
	p.state.Read(func(s *store.State) { all = s.Indexes() })
	results := []indexView{}
	for i := offset; i < len(all) && i < offset+limit; i++ {
		results = append(results, viewIndex(all[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"results": results, "offset": offset, "limit": limit, "total": len(all)})
}

func (p *Proxy) getIndex(c echo.Context) error {
	if err := p.readBarrier(c.Request().Context()); err != nil {
		return err
	}
	idx, ok := p.resolveUID(c.Param("uid"))
	if !ok {
		return indexNotFound(c.Param("uid"))
	}
	return c.JSON(http.StatusOK, viewIndex(idx))
}

// createIndex registers an indexCreation task that creates the catalog
// entry, then creates the index on every node that will hold it.
func (p *Proxy) createIndex(c echo.Context) error {
	ctx := c.Request().Context()
	var body struct {
		UID        string  `json:"uid"`
		PrimaryKey *string `json:"primaryKey"`
	}
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Invalid index creation payload: %v", err)
	}
	if body.UID == "" {
		return meili.Errorf(meili.Code("missing_index_uid"), "Missing field `uid`")
	}
	if err := validIndexUID(body.UID); err != nil {
		return err
	}
	pk := ""
	if body.PrimaryKey != nil {
		pk = *body.PrimaryKey
	}
	details := mustJSON(map[string]any{"primaryKey": body.PrimaryKey})
	_, exists := p.resolveUID(body.UID)
	nt := store.NewTask{Type: kindIndexCreation, IndexUID: body.UID, Details: details, RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata")}
	if !exists {
		nt.EnsureIndex = &store.NewIndex{UID: body.UID, PrimaryKey: pk, Shards: p.cfg.DefaultShards}
	}
	reg, applied, err := p.register(ctx, nt)
	if err != nil {
		return err
	}
	if exists || !reg.IndexCreated {
		if reg.Status == store.TaskEnqueued {
			p.finish(ctx, reg.UID, nil, meili.Errorf(meili.CodeIndexAlreadyExists, "Index `%s` already exists.", body.UID))
		}
		return accepted(c, reg, body.UID, nt.Type)
	}
	ctx = context.WithoutCancel(ctx)
	t, err := p.routeAt(ctx, body.UID, applied)
	if err != nil {
		p.finish(ctx, reg.UID, nil, err)
		return err
	}
	return p.completeWrite(c, ctx, t, reg, nt.Type, broadcastBatches(t, prepareRequests(t)...), allShards(t.index.Shards))
}

// prepareRequests create the index on a node and make `_miroir_shard`
// filterable there.
func prepareRequests(t *topology) []request {
	filterable := append(catalogFilterable(t.index.Settings), reservedShardField)
	return []request{
		{method: http.MethodPost, path: "/indexes",
			body: mustJSON(map[string]any{"uid": t.index.PhysicalName, "primaryKey": nullable(t.index.PrimaryKey)})},
		{method: http.MethodPatch, path: "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/settings",
			body: mustJSON(map[string]any{"filterableAttributes": filterable})},
	}
}

// updateIndex renames the index (a catalog change: the physical index on
// the nodes keeps its name) and/or changes the primary key on every node;
// the watcher commits a new primary key once every node succeeded.
func (p *Proxy) updateIndex(c echo.Context) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var body struct {
		PrimaryKey *string `json:"primaryKey"`
		UID        *string `json:"uid"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Invalid index update payload: %v", err)
	}
	if body.UID != nil && *body.UID != c.Param("uid") {
		return p.renameIndex(c, *body.UID, body.PrimaryKey)
	}
	details := mustJSON(map[string]any{"primaryKey": body.PrimaryKey})
	return p.broadcastTask(c, kindIndexUpdate, details, func(t *topology) []request {
		return []request{{method: http.MethodPatch, path: "/indexes/" + url.PathEscape(t.index.PhysicalName),
			body: mustJSON(map[string]any{"primaryKey": body.PrimaryKey})}}
	})
}

// renameIndex is one atomic catalog change, as a task.
func (p *Proxy) renameIndex(c echo.Context, to string, pk *string) error {
	ctx := c.Request().Context()
	from := c.Param("uid")
	if err := validIndexUID(to); err != nil {
		return err
	}
	details := mustJSON(map[string]any{"primaryKey": pk, "oldIndexUid": from, "newIndexUid": to})
	reg, _, err := p.register(ctx, store.NewTask{Type: kindIndexUpdate, IndexUID: from, Details: details,
		RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata")})
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	err = p.catalog.SwapIndexes(ctx, []store.Swap{{Indexes: [2]string{from, to}, Rename: true}})
	if err == nil && pk != nil {
		_, err = p.catalog.SetPrimaryKey(ctx, to, *pk, false)
	}
	p.finish(ctx, reg.UID, nil, err)
	return accepted(c, reg, from, kindIndexUpdate)
}

// deleteIndex deletes the index on every node; the watcher removes the
// catalog entry once they all succeeded.
func (p *Proxy) deleteIndex(c echo.Context) error {
	return p.broadcastTask(c, kindIndexDeletion, mustJSON(map[string]any{"deletedDocuments": 0}), func(t *topology) []request {
		return []request{{method: http.MethodDelete, path: "/indexes/" + url.PathEscape(t.index.PhysicalName)}}
	})
}

// broadcastTask registers a task on an existing index (failing it with
// index_not_found otherwise, as Meilisearch does) and sends reqs to every
// node holding the index.
func (p *Proxy) broadcastTask(c echo.Context, typ string, details json.RawMessage, reqs func(*topology) []request) error {
	ctx := c.Request().Context()
	uid := c.Param("uid")
	idx, exists := p.resolveUID(uid)
	if exists {
		uid = idx.UID
	}
	reg, applied, err := p.register(ctx, store.NewTask{Type: typ, IndexUID: uid, Details: details, RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata")})
	if err != nil {
		return err
	}
	if !exists {
		p.finish(ctx, reg.UID, nil, indexNotFound(uid))
		return accepted(c, reg, uid, typ)
	}
	ctx = context.WithoutCancel(ctx)
	t, err := p.routeAt(ctx, uid, applied)
	if err != nil {
		p.finish(ctx, reg.UID, nil, err)
		return accepted(c, reg, uid, typ)
	}
	return p.completeWrite(c, ctx, t, reg, typ, broadcastBatches(t, reqs(t)...), allShards(t.index.Shards))
}

// swapIndexes is one atomic catalog change: the physical indexes behind the
// uids are exchanged; no node is touched.
func (p *Proxy) swapIndexes(c echo.Context) error {
	ctx := c.Request().Context()
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var body []struct {
		Indexes []string `json:"indexes"`
		Rename  bool     `json:"rename"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return meili.Errorf(meili.CodeInvalidSwapIndexes, "Invalid swap payload: %v", err)
	}
	swaps := make([]store.Swap, 0, len(body))
	for _, s := range body {
		if len(s.Indexes) != 2 {
			return meili.Errorf(meili.CodeInvalidSwapIndexes, "Two indexes must be given for each swap. The list `%v` contains %d indexes.", s.Indexes, len(s.Indexes))
		}
		swaps = append(swaps, store.Swap{Indexes: [2]string{s.Indexes[0], s.Indexes[1]}, Rename: s.Rename})
	}
	reg, _, err := p.register(ctx, store.NewTask{Type: kindIndexSwap, Details: mustJSON(map[string]any{"swaps": body}), RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata")})
	if err != nil {
		return err
	}
	p.finish(ctx, reg.UID, nil, p.catalog.SwapIndexes(context.WithoutCancel(ctx), swaps))
	return accepted(c, reg, "", kindIndexSwap)
}
