package proxy

import (
	"context"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// instantTask registers a task miroir finishes at once with outcome:
// index compaction succeeds (nodes compact their storage on their own);
// dumps and snapshots fail with not_implemented, because a cluster's state
// is raft plus every node's storage and miroir cannot write one
// Meilisearch-importable file yet. The task still exists, as SDKs expect.
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
		reg, _, err := p.register(ctx, store.NewTask{Type: typ, IndexUID: uid, RequestID: requestID(c)})
		if err != nil {
			return err
		}
		p.finish(context.WithoutCancel(ctx), reg.UID, nil, outcome)
		return accepted(c, reg, uid, typ)
	}
}

// errNoDumps is the outcome of dump and snapshot tasks.
var errNoDumps = meili.Errorf(meili.CodeNotImplemented,
	"miroir does not create dumps or snapshots; back up each node and the peers' raft data directories instead.")
