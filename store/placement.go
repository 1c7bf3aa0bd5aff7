package store

import (
	"cmp"
	"encoding/binary"
	"slices"
	"strings"

	"github.com/zeebo/xxh3"
)

// ShardOf returns the shard of a document: xxh3 of its canonical primary
// key (integers as their decimal string) modulo the index's shard count,
// which must be positive (the catalog guarantees it).
func ShardOf(canonicalID string, shards int) int {
	if shards <= 0 {
		panic("store.ShardOf: shard count must be positive")
	}
	return int(xxh3.HashString(canonicalID) % uint64(shards))
}

// Score is the rendezvous score of a node for a shard: xxh3 over the shard
// number (8 bytes, little endian) followed by the node id.
func Score(shard int, nodeID string) uint64 {
	var arr [64]byte // node ids are short: no allocation in the common case
	buf := arr[:8]
	binary.LittleEndian.PutUint64(buf, uint64(shard))
	return xxh3.Hash(append(buf, nodeID...))
}

// Rendezvous returns the rf nodes with the highest scores for shard, best
// first (ties broken by node id). Fewer nodes than rf yields them all.
// Adding a node moves only the shards it wins; removing one moves only the
// shards it held: the minimal movement rendezvous hashing is chosen for.
func Rendezvous(shard int, nodeIDs []string, rf int) []string {
	type scored struct {
		id    string
		score uint64
	}
	all := make([]scored, len(nodeIDs))
	for i, id := range nodeIDs {
		all[i] = scored{id, Score(shard, id)}
	}
	slices.SortFunc(all, func(a, b scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	if rf > len(all) {
		rf = len(all)
	}
	out := make([]string, rf)
	for i := range out {
		out[i] = all[i].id
	}
	return out
}

// Owners returns the nodes of group that currently own shard of index, best
// first: the top RF by rendezvous over the group's nodes that hold data now
// (active, draining, failed and recovering). Health does not move data: a
// failed node keeps its shards (readers skip it, writes count it as a
// missed replica) until a migration moves them, a recovering node keeps
// them while it is repaired, and a draining node keeps them until each
// move cuts over. Migrations will override this per (index, shard); index
// is in the signature for that reason.
func (s *State) Owners(index string, shard int, group string) []string {
	return s.placeOver(shard, group, NodeActive, NodeDraining, NodeFailed, NodeRecovering)
}

// TargetOwners returns where shard should live once topology changes
// settle: the top RF over the group's active and joining nodes, without
// draining or failed ones. Where it differs from Owners, a move is due.
func (s *State) TargetOwners(index string, shard int, group string) []string {
	return s.placeOver(shard, group, NodeActive, NodeJoining)
}

func (s *State) placeOver(shard int, group string, states ...NodeState) []string {
	g, ok := s.groups[group]
	if !ok {
		return nil
	}
	nodes := s.GroupNodes(group, states...)
	ids := make([]string, len(nodes))
	for i, n := range nodes {
		ids[i] = n.ID
	}
	return Rendezvous(shard, ids, g.RF)
}
