package store

import "testing"

// BenchmarkRendezvous places one shard over 12 nodes with RF 3.
func BenchmarkRendezvous(b *testing.B) {
	ids := nodeIDs(12)
	b.ReportAllocs()
	for i := range b.N {
		Rendezvous(i&63, ids, 3)
	}
}

func BenchmarkShardOf(b *testing.B) {
	for i := range b.N {
		ShardOf("document-identifier-000123", 64+i&1)
	}
}
