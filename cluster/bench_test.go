package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster/clustertest"
)

// BenchmarkApplyConcurrent measures commits/s and latency of Apply on a
// 3-peer loopback cluster with 1, 8 and 64 concurrent proposers, on the
// leader (local) and on a follower (forwarded over HTTP).
func BenchmarkApplyConcurrent(b *testing.B) {
	c := clustertest.MakeCluster(b, 3)
	c.WaitForLeader(b, leaderWait)
	var run atomic.Int64
	for _, path := range []string{"leader", "follower"} {
		for _, proposers := range []int{1, 8, 64} {
			b.Run(fmt.Sprintf("%s/proposers=%d", path, proposers), func(b *testing.B) {
				node := c.WaitForLeader(b, leaderWait)
				if path == "follower" {
					node = c.Followers()[0]
				}
				prefix := fmt.Sprintf("r%d-", run.Add(1))
				lat := benchApply(b, node, proposers, prefix)
				slices.Sort(lat)
				b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "commits/s")
				b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(percentile(lat, 99).Microseconds())/1000, "p99-ms")
			})
		}
	}
	c.EnsureSame(b)
}

func benchApply(b *testing.B, node *clustertest.Node, proposers int, prefix string) []time.Duration {
	var next atomic.Int64
	var mu sync.Mutex
	var all []time.Duration
	var wg sync.WaitGroup
	b.ResetTimer()
	for range proposers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					break
				}
				start := time.Now()
				_, err := node.Peer.Apply(context.Background(), clustertest.Set(fmt.Sprintf("%s%d", prefix, i), "v"))
				if err != nil {
					b.Error(err)
					return
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	b.StopTimer()
	return all
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}
