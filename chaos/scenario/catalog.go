package scenario

import (
	"time"

	"github.com/miroir-search/miroir/chaos"
	"github.com/miroir-search/miroir/chaos/workload"
)

// Smoke is the short scenario `make test` runs: the leader is SIGKILLed
// under load and restarted. Its mix leaves out the deletion of indexes
// (the doomed index is still deleted once): they used to fail on a node
// that missed the index (finding 1, fixed since); the full suite runs them,
// and CI keeps them out until `make chaos` has run clean with them.
func Smoke() Scenario {
	mix := workload.DataMix()
	mix.DeleteIndex = 0
	return Scenario{Name: "smoke-leader-sigkill", Seed: 1, Duration: 12 * time.Second, Mix: &mix,
		Faults: KillPeer(true, 3*time.Second), Budgets: Budgets{WriteRecovery: 3 * time.Second}}
}

// All is every named scenario, in the order docs/chaos.md lists them.
func All() []Scenario {
	leaderLoss := Budgets{WriteRecovery: 3 * time.Second}
	return []Scenario{
		{Name: "baseline-one-engine-node", Seed: 10, Baseline: true, Duration: 10 * time.Second},
		{Name: "leader-sigkill", Seed: 11, Faults: KillPeer(true, 4*time.Second), Budgets: leaderLoss},
		{Name: "follower-sigkill", Seed: 12, Faults: KillPeer(false, 4*time.Second)},
		{Name: "leader-sigstop", Seed: 13, Faults: PausePeer(true, 5*time.Second), Budgets: leaderLoss},
		{Name: "isolated-leader", Seed: 14, Chaos: true, Budgets: leaderLoss,
			Faults: Partitioned("isolate leader", 5*time.Second, func(l string, o []string) []chaos.Link {
				return chaos.Partition([]string{l}, o)
			})},
		{Name: "minority-partition", Seed: 15, Chaos: true,
			Faults: Partitioned("cut one follower off", 5*time.Second, func(_ string, o []string) []chaos.Link {
				return chaos.Partition(o[:1], o[1:])
			})},
		{Name: "minority-partition-5-peers", Seed: 16, Chaos: true, Peers: 5,
			Faults: Partitioned("split leader+1 | 3", 5*time.Second, func(l string, o []string) []chaos.Link {
				return chaos.Partition(append([]string{l}, o[0]), o[1:])
			})},
		{Name: "one-way-partition", Seed: 17, Chaos: true,
			Faults: Partitioned("one-way: leader cannot send to followers", 5*time.Second, func(l string, o []string) []chaos.Link {
				return chaos.OneWay([]string{l}, o)
			})},
		{Name: "flapping-leader-partition", Seed: 18, Chaos: true, Duration: 16 * time.Second, Faults: Flapping(time.Second, 5)},
		{Name: "slow-peer-links", Seed: 19, Chaos: true,
			Faults: Partitioned("100ms delay on every peer link", 6*time.Second, func(l string, o []string) []chaos.Link {
				all := append([]string{l}, o...)
				return chaos.Slow(all, all, 100*time.Millisecond)
			})},
		{Name: "rolling-restart", Seed: 20, Duration: 20 * time.Second, Faults: RollingRestart},
		{Name: "peer-rejoin-wiped-disk", Seed: 21, Faults: WipeRejoin},
		{Name: "node-sigkill-rf2", Seed: 22, Data: true, Faults: KillNode(5 * time.Second),
			Budgets: Budgets{NoFailedSearches: true}},
		{Name: "node-pause", Seed: 23, Data: true, Faults: PauseNode(5 * time.Second)},
		{Name: "slow-node", Seed: 24, Data: true, Faults: SlowNode(6*time.Second, 150*time.Millisecond, 100*time.Millisecond)},
		{Name: "leader-and-node-sigkill", Seed: 25, Data: true,
			Faults: Together(KillPeer(true, 4*time.Second), KillNode(4*time.Second))},
		{Name: "leader-sigkill-5-peers", Seed: 26, Peers: 5, Faults: KillPeer(true, 4*time.Second), Budgets: leaderLoss},
		{Name: "node-latency", Seed: 27, Data: true, NodeProxies: true,
			Faults: NodeProxyFaults(6*time.Second, 300*time.Millisecond, 0)},
		{Name: "node-errors", Seed: 28, Data: true, NodeProxies: true,
			Faults: NodeProxyFaults(6*time.Second, 0, 0.5)},
		{Name: "node-sigkill-rg2", Seed: 29, Data: true, Nodes: 6, Groups: 2, RF: 1,
			Faults: KillNode(5 * time.Second), Budgets: Budgets{NoFailedSearches: true}},
	}
}
