package proxy

import (
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/miroir-search/miroir/store"
)

// topology is what routing needs from the state, copied out of a Read so
// requests never hold the state lock while they talk to nodes.
type topology struct {
	index store.Index
	nodes map[string]store.Node
	place *placement
}

// placement lists the owners of every shard of one index per replica group.
type placement struct {
	shards int
	groups []groupPlacement // writable groups, sorted by id
}

type groupPlacement struct {
	id       string
	readable bool       // group state active: serves reads
	owners   [][]string // per shard, best first (store.State.Owners)
	held     map[string]int
}

// placementCache memoises placements: they change only with the topology,
// and computing 64 shards x rendezvous per request would cost more than the
// merge.
type placementCache struct {
	mu sync.Mutex
	m  map[string]*placement
}

const placementCacheMax = 1024

func (c *placementCache) get(s *store.State, idx store.Index) *placement {
	key := placementKey(s, idx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.m[key]; ok {
		return p
	}
	if c.m == nil || len(c.m) >= placementCacheMax {
		c.m = map[string]*placement{}
	}
	p := buildPlacement(s, idx)
	c.m[key] = p
	return p
}

// placementKey fingerprints everything placement depends on.
func placementKey(s *store.State, idx store.Index) string {
	var b strings.Builder
	b.WriteString(idx.UID)
	b.WriteByte('/')
	b.WriteString(strconv.Itoa(idx.Shards))
	for _, g := range s.Groups() {
		b.WriteString("|" + g.ID + ":" + strconv.Itoa(g.RF) + ":" + string(g.State))
	}
	for _, n := range s.Nodes() {
		b.WriteString("|" + n.ID + ":" + n.Group + ":" + string(n.State))
	}
	return b.String()
}

func buildPlacement(s *store.State, idx store.Index) *placement {
	p := &placement{shards: idx.Shards}
	for _, g := range s.Groups() {
		if g.State != store.GroupActive && g.State != store.GroupInitializing {
			continue
		}
		gp := groupPlacement{id: g.ID, readable: g.State == store.GroupActive,
			owners: make([][]string, idx.Shards), held: map[string]int{}}
		for shard := range idx.Shards {
			gp.owners[shard] = s.Owners(idx.UID, shard, g.ID)
			for _, id := range gp.owners[shard] {
				gp.held[id]++
			}
		}
		p.groups = append(p.groups, gp)
	}
	return p
}

// readPart is one node's share of a read: the shards it answers for.
type readPart struct {
	node   store.Node
	shards []int
	// restrict: the node holds shards it does not cover here, so its query
	// must carry `_miroir_shard IN [shards]`.
	restrict bool
}

// readPlan covers shards with one replica each.
type readPlan struct {
	parts   []readPart
	missing []int // shards no usable replica covers
}

// planRead picks one usable replica for every shard in shards: groups in
// round-robin order from rr, replicas rotated by rr inside a group, and a
// shard borrowed from another group when its group cannot serve it. avoid
// holds node ids that already failed this request.
func planRead(t *topology, shards []int, rr uint64, usable func(store.Node) bool, avoid map[string]bool) readPlan {
	var plan readPlan
	byNode := map[string]int{}
	var readable []*groupPlacement
	for i := range t.place.groups {
		if t.place.groups[i].readable {
			readable = append(readable, &t.place.groups[i])
		}
	}
	for _, shard := range shards {
		node, group, ok := pickReplica(t, readable, shard, rr, usable, avoid)
		if !ok {
			plan.missing = append(plan.missing, shard)
			continue
		}
		i, seen := byNode[node.ID]
		if !seen {
			i = len(plan.parts)
			byNode[node.ID] = i
			plan.parts = append(plan.parts, readPart{node: node})
		}
		plan.parts[i].shards = append(plan.parts[i].shards, shard)
		plan.parts[i].restrict = group.held[node.ID] != len(plan.parts[i].shards)
	}
	return plan
}

// pickReplica never picks a recovering node for a shard that another
// replica of a readable group holds (active, draining, recovering or
// failed), whatever usable says, even when that replica is avoided,
// suspect or down: the recovering node may lack a write the other replica
// acknowledged (a node back from a failure missed every write of its
// downtime), so its answer (a document not found, a missing hit) would be
// a stale read. Such a shard is rather left missing: retried, hedged
// elsewhere, or answered by the shard policy (503 or degraded) until the
// repair makes a replica active, which for a shard whose every replica is
// recovering takes one pass. A recovering node that is its shard's only
// replica is read: no other node can have taken a write it missed.
func pickReplica(t *topology, groups []*groupPlacement, shard int, rr uint64, usable func(store.Node) bool, avoid map[string]bool) (store.Node, *groupPlacement, bool) {
	for gi := range groups {
		g := groups[(int(rr%uint64(len(groups)))+gi)%len(groups)]
		owners := g.owners[shard]
		for oi := range owners {
			id := owners[(int(rr%uint64(len(owners)))+oi)%len(owners)]
			n, ok := t.nodes[id]
			if !ok || avoid[id] || !usable(n) {
				continue
			}
			if n.State == store.NodeRecovering && otherReplica(t, groups, shard, id) {
				continue
			}
			return n, g, true
		}
	}
	return store.Node{}, nil, false
}

// otherReplica reports whether a node of groups other than id owns shard
// and holds (or held before it failed) its documents.
func otherReplica(t *topology, groups []*groupPlacement, shard int, id string) bool {
	for _, g := range groups {
		for _, o := range g.owners[shard] {
			if o == id {
				continue
			}
			switch t.nodes[o].State {
			case store.NodeActive, store.NodeDraining, store.NodeRecovering, store.NodeFailed:
				return true
			}
		}
	}
	return false
}

// allShards returns 0..n-1.
func allShards(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// shardFilter is the `_miroir_shard IN [...]` restriction of a read part.
func shardFilter(shards []int) string {
	var b strings.Builder
	b.WriteString(reservedShardField + " IN [")
	for i, s := range slices.Sorted(slices.Values(shards)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(s))
	}
	b.WriteByte(']')
	return b.String()
}

// Reserved document fields stamped by the write path.
const (
	reservedShardField   = "_miroir_shard"
	reservedVersionField = "_miroir_version"
)
