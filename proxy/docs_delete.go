package proxy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// deleteDocument routes DELETE /indexes/{uid}/documents/{id} to every
// replica of the owning shard.
func (p *Proxy) deleteDocument(c echo.Context) error {
	id := c.Param("id")
	return p.routedDelete(c, []json.RawMessage{mustJSON(id)}, func(physical string, ids []json.RawMessage) request {
		return request{method: http.MethodDelete, path: "/indexes/" + url.PathEscape(physical) + "/documents/" + url.PathEscape(id)}
	})
}

// deleteDocumentBatch splits the ids by shard and sends each replica the
// ids it holds.
func (p *Proxy) deleteDocumentBatch(c echo.Context) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var ids []json.RawMessage
	if err := json.Unmarshal(raw, &ids); err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Invalid value type: expected an array of document ids, but found %s", compactJSON(raw))
	}
	return p.routedDelete(c, ids, func(physical string, ids []json.RawMessage) request {
		return request{method: http.MethodPost, path: "/indexes/" + url.PathEscape(physical) + "/documents/delete-batch", body: mustJSON(ids)}
	})
}

// routedDelete is the write path for deletes by id (DESIGN §5).
func (p *Proxy) routedDelete(c echo.Context, ids []json.RawMessage, req func(physical string, ids []json.RawMessage) request) error {
	ctx := c.Request().Context()
	uid := c.Param("uid")
	idx, exists := p.resolveUID(uid)
	if exists {
		uid = idx.UID
	}
	details := mustJSON(map[string]any{"providedIds": len(ids), "deletedDocuments": nil})
	reg, applied, err := p.register(ctx, store.NewTask{Type: kindDocumentDeletion, IndexUID: uid, Details: details, RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata")})
	if err != nil {
		return err
	}
	if !exists {
		p.finish(ctx, reg.UID, nil, indexNotFound(uid))
		return accepted(c, reg, uid, kindDocumentDeletion)
	}
	canon := make([]string, len(ids))
	for i, raw := range ids {
		if canon[i], err = canonicalID(raw); err != nil {
			p.finish(ctx, reg.UID, nil, err)
			return accepted(c, reg, uid, kindDocumentDeletion)
		}
	}
	ctx = context.WithoutCancel(ctx)
	t, err := p.routeAt(ctx, uid, applied)
	if err != nil {
		p.finish(ctx, reg.UID, nil, err)
		return err
	}
	batches, shards := routeIDs(t, ids, canon, req)
	if len(batches) == 0 {
		p.finish(ctx, reg.UID, mustJSON(map[string]any{"providedIds": len(ids), "deletedDocuments": 0}), nil)
		return accepted(c, reg, uid, kindDocumentDeletion)
	}
	return p.completeWrite(c, ctx, t, reg, kindDocumentDeletion, batches, shards)
}

// routeIDs groups ids by the owner nodes of their shards.
func routeIDs(t *topology, ids []json.RawMessage, canon []string, req func(string, []json.RawMessage) request) ([]*nodeBatch, []int) {
	perNode := map[string][]json.RawMessage{}
	byNode := map[string]*nodeBatch{}
	var order []string
	touched := map[int]bool{}
	var shards []int
	for i, id := range canon {
		shard := store.ShardOf(id, t.index.Shards)
		if !touched[shard] {
			touched[shard] = true
			shards = append(shards, shard)
		}
		for _, g := range t.place.groups {
			for _, nid := range g.owners[shard] {
				n, ok := t.nodes[nid]
				if !ok || !writable(n) {
					continue
				}
				if byNode[nid] == nil {
					byNode[nid] = &nodeBatch{node: n}
					order = append(order, nid)
				}
				byNode[nid].shards = append(byNode[nid].shards, shard)
				perNode[nid] = append(perNode[nid], ids[i])
			}
		}
	}
	out := make([]*nodeBatch, 0, len(order))
	for _, nid := range order {
		b := byNode[nid]
		b.reqs = []request{req(t.index.PhysicalName, perNode[nid])}
		out = append(out, b)
	}
	return out, shards
}

// deleteDocumentsByFilter broadcasts the filter to every node holding the
// index; each deletes what matches among its shards.
func (p *Proxy) deleteDocumentsByFilter(c echo.Context) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var body struct {
		Filter any `json:"filter"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Invalid value type: expected an object, but found %s", compactJSON(raw))
	}
	if body.Filter == nil {
		return meili.Errorf(meili.Code("missing_document_filter"), "Missing field `filter`")
	}
	if _, err := meili.ParseFilterWithCode(body.Filter, meili.CodeInvalidDocumentFilter); err != nil {
		return err
	}
	details := mustJSON(map[string]any{"providedIds": 0, "deletedDocuments": nil, "originalFilter": string(mustJSON(body.Filter))})
	return p.broadcastTask(c, kindDocumentDeletion, details, func(t *topology) []request {
		return []request{{method: http.MethodPost, path: "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/documents/delete", body: raw}}
	})
}

// clearDocuments broadcasts DELETE /documents.
func (p *Proxy) clearDocuments(c echo.Context) error {
	return p.broadcastTask(c, kindDocumentDeletion, mustJSON(map[string]any{"deletedDocuments": nil}), func(t *topology) []request {
		return []request{{method: http.MethodDelete, path: "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/documents"}}
	})
}
