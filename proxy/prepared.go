package proxy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"

	"github.com/miroir-search/miroir/meili"
)

// preparedCache remembers the (node, index incarnation) pairs this peer saw
// prepared: the physical index exists there with `_miroir_shard`
// filterable. A node that missed an index's creation would otherwise create
// it itself on the first document write (as Meilisearch does), without the
// shard field filterable nor the catalog's settings.
type preparedCache struct {
	mu sync.Mutex
	ok map[string]bool
}

func preparedKey(addr string, t *topology) string {
	return addr + "\x00" + t.index.PhysicalName + "\x00" + strconv.FormatInt(t.index.CreatedAt.UnixNano(), 10)
}

func (c *preparedCache) has(k string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ok[k]
}

func (c *preparedCache) set(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ok == nil {
		c.ok = map[string]bool{}
	}
	c.ok[k] = true
}

// ensurePrepared checks, once per node and index incarnation, that every
// node about to receive documents holds the index with `_miroir_shard`
// filterable, and prepares it (create, catalog settings) before the
// documents otherwise; nodes run their tasks in order, so the documents
// land in the prepared index. Unreachable nodes are left to the write.
func (p *Proxy) ensurePrepared(ctx context.Context, t *topology, batches []*nodeBatch) {
	var wg sync.WaitGroup
	for _, b := range batches {
		k := preparedKey(b.node.Addr, t)
		if p.prepared.has(k) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var filterable []json.RawMessage
			err := p.nodes.do(ctx, b.node.Addr, request{method: http.MethodGet,
				path: "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/settings/filterable-attributes"}, &filterable)
			switch {
			case err == nil && slices.ContainsFunc(filterable, func(r json.RawMessage) bool { return string(r) == `"`+reservedShardField+`"` }):
				p.prepared.set(k)
				return
			case err != nil && !isCode(err, meili.CodeIndexNotFound):
				return
			}
			nb := &nodeBatch{node: b.node, reqs: repairRequests(t)}
			for _, r := range p.send(ctx, "prepareIndex", []*nodeBatch{nb}) {
				if r.err != nil {
					p.log.Warn("preparing index on node failed", "index", t.index.UID, "node", r.node.ID, "err", r.err)
					return
				}
			}
			p.prepared.set(k)
		}()
	}
	wg.Wait()
}
