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
// readable group: an active, non-suspect one when there is one, else an
// active suspect one (suspicion is a local hint, a lost hedge say; the
// repair's calls are retried, and it fails and is tried again if that
// replica does not answer). Only when no other replica is active (a write
// failed on all of them) does it pick a recovering one, with trusted
// false: repair then only copies newer versions both ways over time and
// deletes nothing, since neither side is known to hold every acknowledged
// write. An untrusted donor while an active replica exists would let n
// go active without a write that replica acknowledged. A node back from a
// failure waits for a trusted donor unless its untrusted one came back
// from a failure too. ok is false when n is the shard's only replica.
func (r *repairer) donor(ctx context.Context, t *topology, shard int, n store.Node) (d store.Node, trusted, ok bool, err error) {
	others := false
	var suspect, fallback *store.Node
	for _, g := range t.place.groups {
		for _, id := range g.owners[shard] {
			if id == n.ID {
				continue
			}
			others = true
			c, known := t.nodes[id]
			if !known || !g.readable {
				continue
			}
			switch {
			case c.State == store.NodeActive && !r.p.nodes.isSuspect(c.Addr):
				return c, true, true, nil
			case c.State == store.NodeActive:
				if suspect == nil {
					suspect = &c
				}
			case c.State == store.NodeRecovering && fallback == nil && !r.p.nodes.isSuspect(c.Addr):
				fallback = &c
			}
		}
	}
	switch {
	case suspect != nil:
		return *suspect, true, true, nil
	case fallback != nil && r.wasDown(n.ID) && !r.wasDown(fallback.ID):
		// n missed a whole downtime, the fallback at most a few writes:
		// repair the fallback first (it becomes active and n's trusted
		// donor), or n would go active with deletions it missed.
		return store.Node{}, false, false, errRepairDonor
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
