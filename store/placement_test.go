package store

import (
	"fmt"
	"slices"
	"strconv"
	"testing"
)

func nodeIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("node-%d", i+1)
	}
	return ids
}

func shareCounts(shards int, ids []string, rf int) map[string]int {
	c := map[string]int{}
	for sh := range shards {
		for _, id := range Rendezvous(sh, ids, rf) {
			c[id]++
		}
	}
	return c
}

func TestPlacementGivesEachNodeAFairShare(t *testing.T) {
	tests := []struct {
		shards, nodes, rf int
		slack             float64 // allowed deviation from the mean, as a fraction
	}{
		// Few shards: the spread is binomial, so the bound is loose.
		{64, 3, 2, 0.25},
		{64, 5, 3, 0.30},
		{1024, 4, 2, 0.10},
		{1024, 7, 3, 0.10},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("S%d_N%d_RF%d", tc.shards, tc.nodes, tc.rf), func(t *testing.T) {
			ids := nodeIDs(tc.nodes)
			mean := float64(tc.shards*tc.rf) / float64(tc.nodes)
			for id, n := range shareCounts(tc.shards, ids, tc.rf) {
				if dev := (float64(n) - mean) / mean; dev > tc.slack || dev < -tc.slack {
					t.Errorf("%s holds %d shards, mean %.1f (deviation %.0f%%)", id, n, mean, dev*100)
				}
			}
		})
	}
}

func TestPlacementReplicasAreDistinct(t *testing.T) {
	ids := nodeIDs(4)
	for sh := range 256 {
		got := Rendezvous(sh, ids, 3)
		if len(got) != 3 || got[0] == got[1] || got[1] == got[2] || got[0] == got[2] {
			t.Fatalf("shard %d: owners %v", sh, got)
		}
	}
	if got := Rendezvous(0, ids[:1], 3); len(got) != 1 {
		t.Fatalf("rf above node count: %v", got)
	}
}

func TestAddingANodeMovesOnlyShardsItWins(t *testing.T) {
	const shards, rf = 1024, 2
	before, after := nodeIDs(4), nodeIDs(5)
	moved := 0
	for sh := range shards {
		old, cur := Rendezvous(sh, before, rf), Rendezvous(sh, after, rf)
		if slices.Equal(sortedCopy(old), sortedCopy(cur)) {
			continue
		}
		moved++
		if !slices.Contains(cur, "node-5") || len(diff(old, cur)) != 1 {
			t.Fatalf("shard %d: %v -> %v is not one replica handed to the new node", sh, old, cur)
		}
	}
	// The new node should win about rf/5 of the shard slots.
	if want := shards * rf / 5; moved < want*8/10 || moved > want*12/10 {
		t.Fatalf("moved %d shards, want about %d", moved, want)
	}
}

func TestRemovingANodeMovesOnlyItsShards(t *testing.T) {
	const shards, rf = 1024, 2
	before := nodeIDs(5)
	after := slices.DeleteFunc(slices.Clone(before), func(id string) bool { return id == "node-3" })
	for sh := range shards {
		old, cur := Rendezvous(sh, before, rf), Rendezvous(sh, after, rf)
		had := slices.Contains(old, "node-3")
		same := slices.Equal(sortedCopy(old), sortedCopy(cur))
		if had == same || (had && len(diff(old, cur)) != 1) {
			t.Fatalf("shard %d: %v -> %v after removing node-3", sh, old, cur)
		}
	}
}

func sortedCopy(s []string) []string { c := slices.Clone(s); slices.Sort(c); return c }

// diff returns the members of a missing from b.
func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func TestOwnersFollowNodeStates(t *testing.T) {
	s := newTestState(t)
	for i, st := range []NodeState{NodeActive, NodeActive, NodeActive, NodeJoining} {
		id := "n" + strconv.Itoa(i)
		if err := s.AddNode(Node{ID: id, Addr: "http://" + id, Group: "g1", State: st}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetNodeState("n0", NodeFailed, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetNodeState("n1", NodeDraining, t0); err != nil {
		t.Fatal(err)
	}
	for sh := range 64 {
		cur := s.Owners("idx", sh, "g1")
		if want := Rendezvous(sh, []string{"n0", "n1", "n2"}, 2); !slices.Equal(cur, want) {
			t.Fatalf("shard %d: owners %v, want %v (joining excluded, failed and draining kept)", sh, cur, want)
		}
		tgt := s.TargetOwners("idx", sh, "g1")
		if want := Rendezvous(sh, []string{"n2", "n3"}, 2); !slices.Equal(tgt, want) {
			t.Fatalf("shard %d: targets %v, want %v", sh, tgt, want)
		}
	}
	if got := s.Owners("idx", 0, "nope"); got != nil {
		t.Fatalf("unknown group: %v", got)
	}
}

func TestShardOfIsStableAndSpread(t *testing.T) {
	if ShardOf("1", 64) != ShardOf("1", 64) {
		t.Fatal("ShardOf is not stable")
	}
	counts := make([]int, 16)
	for i := range 16000 {
		counts[ShardOf(strconv.Itoa(i), 16)]++
	}
	for sh, n := range counts {
		if n < 800 || n > 1200 {
			t.Errorf("shard %d got %d of 16000 ids", sh, n)
		}
	}
}
