package proxy

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/miroir-search/miroir/store"
)

// resilience is the state of read failover and replica repair that lives
// on every peer: its metrics and the coalescing of write-failure marks.
type resilience struct {
	hedges      *prometheus.CounterVec // outcome: won (the hedge answered first) or lost
	retries     prometheus.Counter
	marks       *prometheus.CounterVec // result: committed, error
	repairs     *prometheus.CounterVec // result: ok, error
	repairDocs  *prometheus.CounterVec // action: copied, deleted
	repairTime  prometheus.Histogram
	recovering  prometheus.Gauge
	repairShard prometheus.Counter

	hedging atomic.Int64 // hedges in flight (hedge.go)

	mu         sync.Mutex
	marking    map[string]chan struct{} // node id -> closed when its mark commit is done
	activating map[string]chan struct{} // node id -> closed when its repair's commit to active is done
	missedAt   map[string]time.Time     // node id -> last write it failed on this peer
	wg         sync.WaitGroup           // mark commits in flight
}

func newResilience(reg prometheus.Registerer) (*resilience, error) {
	r := &resilience{
		hedges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "miroir_proxy_hedged_reads_total",
			Help: "Read parts sent again to other replicas after HedgeDelay, by which attempt answered first (won: the hedge).",
		}, []string{"outcome"}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "miroir_proxy_read_retries_total",
			Help: "Read parts retried on another replica after their node failed (no answer, timeout or 5xx).",
		}),
		marks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "miroir_proxy_nodes_marked_recovering_total",
			Help: "Active nodes marked recovering because a write to them failed, by commit result.",
		}, []string{"result"}),
		repairs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "miroir_repair_runs_total", Help: "Repairs of recovering nodes by the leader, by result.",
		}, []string{"result"}),
		repairDocs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "miroir_repair_documents_total", Help: "Documents copied to or deleted from recovering nodes.",
		}, []string{"action"}),
		repairTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "miroir_repair_duration_seconds", Help: "Duration of one node repair (successful or not).",
			Buckets: prometheus.ExponentialBuckets(0.01, 4, 10),
		}),
		recovering: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "miroir_repair_nodes_recovering", Help: "Nodes in state recovering, as the leader's repair loop last saw them.",
		}),
		repairShard: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "miroir_repair_shards_total", Help: "Shard replicas compared with a donor by repairs.",
		}),
		marking:    map[string]chan struct{}{},
		activating: map[string]chan struct{}{},
		missedAt:   map[string]time.Time{},
	}
	if reg == nil {
		return r, nil
	}
	for _, c := range []prometheus.Collector{r.hedges, r.retries, r.marks, r.repairs, r.repairDocs, r.repairTime, r.recovering, r.repairShard} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// markMissed records that writes to nodes failed (they may now lack an
// acknowledged write): each node is suspect at once on this peer, and one
// that is active in the local state is committed recovering, so no peer
// reads from it until the leader's repair is done. It returns once those
// commits are applied locally (or failed, or ctx ended): the write that
// missed is acknowledged only after, so no read that starts after the
// acknowledgement finds the node active (suspicion alone is only a
// preference of reads). It is cheap on the write path: nodes already
// recovering or failed cost a state read, and at most one commit per node
// is in flight (a burst of failed writes makes one raft entry, which every
// write of the burst waits for). A node whose repair is committing it
// active is waited for too: the repair sees this miss and marks it
// recovering again (repairer.activate).
func (p *Proxy) markMissed(ctx context.Context, nodes []store.Node) {
	now := time.Now()
	var waits []chan struct{}
	for _, n := range nodes {
		p.nodes.markSuspect(n.Addr)
		var cur store.NodeState
		p.state.Read(func(s *store.State) {
			if got, ok := s.Node(n.ID); ok {
				cur = got.State
			}
		})
		r := p.res
		r.mu.Lock()
		r.missedAt[n.ID] = now
		if ch, ok := r.activating[n.ID]; ok {
			waits = append(waits, ch)
		}
		ch, inFlight := r.marking[n.ID]
		if !inFlight && cur == store.NodeActive {
			ch = make(chan struct{})
			r.marking[n.ID] = ch
			r.wg.Add(1)
			go p.commitMark(n, ch)
		}
		r.mu.Unlock()
		if ch != nil {
			waits = append(waits, ch)
		}
	}
	for _, ch := range waits {
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
	}
}

// commitMark commits n recovering and closes done. Its context is its own
// (bounded by NodeTimeout): a write whose client went away must not leave
// the node active.
func (p *Proxy) commitMark(n store.Node, done chan struct{}) {
	r := p.res
	defer r.wg.Done()
	defer func() {
		r.mu.Lock()
		delete(r.marking, n.ID)
		r.mu.Unlock()
		close(done)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.NodeTimeout)
	defer cancel()
	if err := p.catalog.SetNodeState(ctx, n.ID, store.NodeRecovering); err != nil {
		r.marks.WithLabelValues("error").Inc()
		p.log.Warn("marking a node that missed a write recovering failed", "node", n.ID, "err", err)
		return
	}
	r.marks.WithLabelValues("committed").Inc()
	p.log.Info("node missed a write; recovering until repaired", "node", n.ID)
}

// missedSince reports whether a write to node failed on this peer at or
// after t (a repair pass that started before it is not clean).
func (r *resilience) missedSince(node string, t time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	at, ok := r.missedAt[node]
	return ok && !at.Before(t)
}

// waitMarks waits for mark commits in flight (Close).
func (r *resilience) waitMarks() { r.wg.Wait() }
