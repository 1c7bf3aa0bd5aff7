package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/cluster/clustertest"
	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/store"
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
				report(b, benchApply(b, node, proposers, func(i int64) []byte {
					return clustertest.Set(fmt.Sprintf("%s%d", prefix, i), "v")
				}))
			})
		}
	}
	c.EnsureSame(b)
}

// BenchmarkRegisterTasksConcurrent measures task registrations through
// raft with the real fsm (one RegisterTasks of one task per Apply), with
// the leader's coalescing off (batch=1: one entry per command) and on
// (batch=128: concurrent commands share a CmdBatch entry), on the leader and
// forwarded from a follower. cmds/entry is raft entries per command, inverted.
func BenchmarkRegisterTasksConcurrent(b *testing.B) {
	var run atomic.Int64
	for _, maxBatch := range []int{1, 128} {
		c := clustertest.MakeCluster(b, 3,
			clustertest.WithFSM(func() cluster.FSM { return fsm.New(nil) }),
			clustertest.WithConfig(func(cfg *cluster.Config) { cfg.MaxBatch = maxBatch }))
		c.WaitForLeader(b, leaderWait)
		for _, path := range []string{"leader", "follower"} {
			for _, proposers := range []int{1, 8, 64} {
				b.Run(fmt.Sprintf("batch=%d/%s/proposers=%d", maxBatch, path, proposers), func(b *testing.B) {
					leader := c.WaitForLeader(b, leaderWait)
					node := leader
					if path == "follower" {
						node = c.Followers()[0]
					}
					prefix := fmt.Sprintf("r%d-", run.Add(1))
					now := time.Now().UTC()
					first, term := leader.Peer.AppliedIndex(), leader.Peer.Stats().Term
					report(b, benchApply(b, node, proposers, func(i int64) []byte {
						cmd, _ := fsm.Encode(fsm.CmdRegisterTasks, fsm.RegisterTasks{
							Meta:  fsm.Meta{RequestID: fmt.Sprintf("%s%d", prefix, i), Time: now},
							Tasks: []store.NewTask{{Type: "documentAdditionOrUpdate", IndexUID: "movies", Details: []byte(`{"receivedDocuments":1}`)}}})
						return cmd
					}))
					// Elections during the run (the loaded machine flaps
					// leaders) explain latency tails of seconds.
					b.ReportMetric(float64(node.Peer.Stats().Term-term), "elections")
					if entries := leader.Peer.AppliedIndex() - first; entries > 0 {
						b.ReportMetric(float64(b.N)/float64(entries), "cmds/entry")
					}
				})
			}
		}
		c.EnsureSame(b)
		c.Close()
	}
}

func report(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "commits/s")
	b.ReportMetric(float64(percentile(lat, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds())/1000, "p99-ms")
}

func benchApply(b *testing.B, node *clustertest.Node, proposers int, cmd func(i int64) []byte) []time.Duration {
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
				_, err := node.Peer.Apply(context.Background(), cmd(i))
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
