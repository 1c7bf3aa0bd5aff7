package proxy

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// instantTask registers a task miroir finishes at once with outcome
// (nil: succeeded). Index compaction succeeds (nodes compact their storage
// on their own).
func (p *Proxy) instantTask(typ string, withIndex bool, outcome error) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		uid := ""
		if withIndex {
			idx, ok := p.resolveUID(c.Param("uid"))
			if !ok {
				return indexNotFound(c.Param("uid"))
			}
			uid = idx.UID
		}
		reg, _, err := p.register(ctx, store.NewTask{Type: typ, IndexUID: uid, RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata")})
		if err != nil {
			return err
		}
		p.finish(context.WithoutCancel(ctx), reg.UID, nil, outcome)
		return accepted(c, reg, uid, typ)
	}
}

// nodeExport serves POST /dumps and /snapshots: every live node writes its
// own export of what it holds, as one client task; the task's dumpUid is
// the first node's (by node id).
func (p *Proxy) nodeExport(typ, path string) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		var details []byte
		if typ == "dumpCreation" {
			details = mustJSON(map[string]any{"dumpUid": nil})
		}
		reg, _, err := p.register(ctx, store.NewTask{Type: typ, Details: details, RequestID: requestID(c),
			CustomMetadata: c.QueryParam("customMetadata")})
		if err != nil {
			return err
		}
		ctx = context.WithoutCancel(ctx)
		var batches []*nodeBatch
		for _, n := range p.liveNodes() {
			batches = append(batches, &nodeBatch{node: n, reqs: []request{{method: http.MethodPost, path: path}}})
		}
		_, uids := acked(p.send(ctx, typ, batches))
		if len(uids) == 0 {
			p.finish(ctx, reg.UID, nil, meili.Errorf(meili.CodeMiroirShardUnavailable, "No node accepted the %s; retry when the nodes are back.", typ))
			return accepted(c, reg, "", typ)
		}
		if err := p.rec.record(ctx, store.NodeTasks{TaskUID: reg.UID, NodeTasks: uids}, p.isStarted()); err != nil {
			p.log.Error("node tasks not recorded", "task", reg.UID, "err", err)
		}
		return accepted(c, reg, "", typ)
	}
}
