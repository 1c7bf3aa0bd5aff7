package proxy

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// ownedShards lists the shards of t that n owns in its group.
func ownedShards(t *topology, n store.Node) []int {
	var out []int
	for _, g := range t.place.groups {
		if g.id != n.Group {
			continue
		}
		for shard, owners := range g.owners {
			for _, id := range owners {
				if id == n.ID {
					out = append(out, shard)
					break
				}
			}
		}
	}
	return out
}

// donor picks a replica of shard other than n to repair it from, in any
// readable group: an active, non-suspect one when there is one. When every
// other replica is recovering too (a write failed on all of them), it
// picks a recovering one with trusted false: repair then only copies
// newer versions both ways over time and deletes nothing, since neither
// side is known to hold every acknowledged write. ok is false when n is
// the shard's only replica.
func (r *repairer) donor(ctx context.Context, t *topology, shard int, n store.Node) (d store.Node, trusted, ok bool, err error) {
	others := false
	var fallback *store.Node
	for _, g := range t.place.groups {
		for _, id := range g.owners[shard] {
			if id == n.ID {
				continue
			}
			others = true
			c, known := t.nodes[id]
			if !known || !g.readable || r.p.nodes.isSuspect(c.Addr) {
				continue
			}
			switch c.State {
			case store.NodeActive:
				return c, true, true, nil
			case store.NodeRecovering:
				if fallback == nil {
					fallback = &c
				}
			}
		}
	}
	switch {
	case fallback != nil && r.p.probe(ctx, *fallback):
		return *fallback, false, true, nil
	case others:
		return store.Node{}, false, false, errRepairDonor
	}
	return store.Node{}, false, false, nil
}

// boundary is the lowest uid of uid's open tasks (math.MaxUint64 when none
// is open): every write below it has finished on every replica that took
// it.
func (r *repairer) boundary(uid string) uint64 {
	b := uint64(math.MaxUint64)
	r.p.state.Read(func(s *store.State) {
		for _, t := range s.OpenTasks() {
			if t.IndexUID == uid && t.UID < b {
				b = t.UID
			}
		}
	})
	return b
}

// ensureIndex prepares the physical index on n (created, `_miroir_shard`
// filterable, the catalog's settings) when it missed that, as a node that
// was down when the index was created has.
func (r *repairer) ensureIndex(ctx context.Context, t *topology, n store.Node) error {
	var filterable json.RawMessage
	err := r.call(ctx, n, request{method: http.MethodGet,
		path: "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/settings/filterable-attributes"}, &filterable)
	if err == nil && shardFilterable(filterable) {
		return nil
	}
	if err != nil && !isCode(err, meili.CodeIndexNotFound) {
		return err
	}
	w := &repairWriter{r: r, n: n, t: t}
	for _, req := range repairRequests(t) {
		if err := w.do(ctx, req); err != nil {
			return err
		}
	}
	r.p.log.Info("repair prepared an index on a node that missed it", "index", t.index.UID, "node", n.ID)
	return w.wait(ctx)
}
