package proxy

import (
	"context"
	"testing"
	"time"
)

// BenchmarkScatterThreeNodesAnsweringInTime is the common path of a
// search on three nodes: every part answers before HedgeDelay.
func BenchmarkScatterThreeNodesAnsweringInTime(b *testing.B) {
	f := newHedgeFixture(&testing.T{}, 1, 100*time.Millisecond)
	f.t = testTopology(&testing.T{}, 3, map[string]int{"g1": 1}, 3)
	call := func(_ context.Context, part readPart) (int, error) { return len(part.shards), nil }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := scatter(ctx, f.p, f.t, allShards(3), call); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScatterTwoReplicasAnsweringInTime arms (and stops) a hedge
// timer per part: another replica could take it.
func BenchmarkScatterTwoReplicasAnsweringInTime(b *testing.B) {
	f := newHedgeFixture(&testing.T{}, 2, 100*time.Millisecond)
	f.t = testTopology(&testing.T{}, 4, map[string]int{"g1": 2}, 2)
	call := func(_ context.Context, part readPart) (int, error) { return len(part.shards), nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := scatter(context.Background(), f.p, f.t, allShards(4), call); err != nil {
			b.Fatal(err)
		}
	}
}
