package history

import (
	"fmt"
	"sort"
)

// checkReplicas checks every replica of each document's shard. A document
// expected absent may be absent from a node; a document expected present
// must be on every owner of its shard; and all owners of a shard must hold
// the same state of each document.
func checkReplicas(obs Observation, exp map[docKey]expectation, check func(string, docKey, DocState), v *Verdict) {
	if obs.Replicas == nil {
		v.note("replicas not observed")
		return
	}
	for index, nodes := range obs.Replicas {
		owners := obs.Owners[index]
		shardOf := shardsOf(nodes)
		if owners == nil {
			owners = inferOwners(nodes)
			checkReplicaCount(index, owners, ackedShards(index, exp, shardOf), obs.RF, v)
		}
		unsharded := 0
		for _, k := range sortedKeys(exp) {
			if k.index != index {
				continue
			}
			shard, known := shardOf[k.id]
			if !known && onSomeNode(nodes, k.id) {
				unsharded++ // stored without _miroir_shard: owners unknown
				continue
			}
			if !known {
				// On no node at all: only fine when absent is allowed, which
				// the get/search checks already judge; count it here too.
				if !exp[k].allows(DocState{}) {
					check("replicas", k, DocState{})
				}
				continue
			}
			for _, node := range owners[shard] {
				check("node "+node, k, nodes[node][k.id])
			}
		}
		if n, ex := divergentDocs(nodes, owners, shardOf); n > 0 {
			v.fail("%s: %d documents differ between the replicas of their shard after healing, e.g. %s (repair must make the replicas equal, DESIGN §5.6)", index, n, ex)
		}
		if unsharded > 0 {
			v.note("%s: %d documents carry no _miroir_shard; their replicas were not checked", index, unsharded)
		}
	}
}

func onSomeNode(nodes map[string]map[string]DocState, id string) bool {
	for _, docs := range nodes {
		if docs[id].Present {
			return true
		}
	}
	return false
}

// inferOwners says a node owns a shard when it holds any document of it.
func inferOwners(nodes map[string]map[string]DocState) map[int][]string {
	owners := map[int][]string{}
	for node, docs := range nodes {
		seen := map[int]bool{}
		for _, s := range docs {
			if s.Present && s.Shard >= 0 && !seen[s.Shard] {
				seen[s.Shard] = true
				owners[s.Shard] = append(owners[s.Shard], node)
			}
		}
	}
	for _, ns := range owners {
		sort.Strings(ns)
	}
	return owners
}

// ackedShards are the shards of index holding a document that must be
// present (acknowledged, and no later write of unknown outcome may have
// removed it): every replica must hold those. A shard whose documents all
// may rightly be absent can sit on fewer replicas (a write reached some and
// failed its quorum).
func ackedShards(index string, exp map[docKey]expectation, shardOf map[string]int) map[int]bool {
	out := map[int]bool{}
	for k, e := range exp {
		if s, ok := shardOf[k.id]; ok && k.index == index && !e.allows(DocState{}) {
			out[s] = true
		}
	}
	return out
}

func checkReplicaCount(index string, owners map[int][]string, acked map[int]bool, rf int, v *Verdict) {
	if rf <= 0 {
		return
	}
	shards := make([]int, 0, len(owners))
	for s := range owners {
		if acked[s] {
			shards = append(shards, s)
		}
	}
	sort.Ints(shards)
	for _, s := range shards {
		if n := len(owners[s]); n < rf {
			v.fail("index %s shard %d is on %d node(s) %v, want RF=%d", index, s, n, owners[s], rf)
		}
	}
}

// shardsOf maps each document id to its shard as any node reports it.
func shardsOf(nodes map[string]map[string]DocState) map[string]int {
	out := map[string]int{}
	for _, docs := range nodes {
		for id, s := range docs {
			if s.Present && s.Shard >= 0 {
				out[id] = s.Shard
			}
		}
	}
	return out
}

// divergentDocs counts documents whose owners do not all hold the same
// state, even states the history allows each (a write of unknown outcome
// applied on one replica only): once healed and repaired, the replicas of a
// shard are equal. ex describes the first such document in id order.
func divergentDocs(nodes map[string]map[string]DocState, owners map[int][]string, shardOf map[string]int) (n int, ex string) {
	ids := make([]string, 0, len(shardOf))
	for id := range shardOf {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		shard := shardOf[id]
		var first *DocState
		for _, node := range owners[shard] {
			st := nodes[node][id]
			st.Shard = 0
			if first == nil {
				first = &st
				continue
			}
			if *first != st {
				if n == 0 {
					ex = fmt.Sprintf("%s (shard %d) is %s on %s, %s on %s", id, shard, *first, owners[shard][0], st, node)
				}
				n++
				break
			}
		}
	}
	return n, ex
}
