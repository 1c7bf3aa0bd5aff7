package cluster

import (
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/raft"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the peer's own; raft's go-metrics globals are not used. Raft
// state is read at scrape time by raftCollector.
type metrics struct {
	forwardedTotal *prometheus.CounterVec
	applySeconds   *prometheus.HistogramVec
	reconciles     prometheus.Counter
	batchCommands  prometheus.Histogram
}

func newMetrics(p *Peer, reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		forwardedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "miroir_cluster_forwarded_commands_total",
			Help: "Commands this peer forwarded to the leader, by outcome (ok, retry, timeout, error).",
		}, []string{"outcome"}),
		applySeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "miroir_cluster_apply_duration_seconds",
			Help:    "Time from Apply to the command applied (or failed), by path (local on the leader, forwarded).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"path"}),
		reconciles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "miroir_cluster_reconciles_total",
			Help: "Passes of the leader's reconcile loop (membership against the raft configuration).",
		}),
		batchCommands: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "miroir_cluster_batch_commands",
			Help:    "Commands the leader proposed together in one raft entry (coalesced Applies; 1 = alone).",
			Buckets: prometheus.ExponentialBuckets(1, 2, 11),
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.forwardedTotal, m.applySeconds, m.reconciles, m.batchCommands, &raftCollector{p: p}} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register cluster metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) forwarded(err error) {
	outcome := "ok"
	switch {
	case err == nil:
	case errors.Is(err, errRetry):
		outcome = "retry"
	case errors.Is(err, ErrTimeout):
		outcome = "timeout"
	default:
		outcome = "error"
	}
	m.forwardedTotal.WithLabelValues(outcome).Inc()
}

func (m *metrics) observeBatch(commands int) {
	m.batchCommands.Observe(float64(commands))
}

func (m *metrics) observeApply(path string, d time.Duration) {
	m.applySeconds.WithLabelValues(path).Observe(d.Seconds())
}

var (
	descState       = prometheus.NewDesc("miroir_raft_state", "Raft state of this peer: 0 follower, 1 candidate, 2 leader, 3 shutdown.", nil, nil)
	descLeader      = prometheus.NewDesc("miroir_raft_leader", "1 if this peer is the raft leader.", nil, nil)
	descTerm        = prometheus.NewDesc("miroir_raft_term", "Current raft term.", nil, nil)
	descLastIndex   = prometheus.NewDesc("miroir_raft_last_log_index", "Last index in the raft log.", nil, nil)
	descCommitIndex = prometheus.NewDesc("miroir_raft_commit_index", "Raft commit index.", nil, nil)
	descApplied     = prometheus.NewDesc("miroir_raft_applied_index", "Last index applied by the local FSM.", nil, nil)
	descContact     = prometheus.NewDesc("miroir_raft_last_contact_seconds", "Seconds since last contact with the leader (0 on the leader, -1 never).", nil, nil)
	descPeers       = prometheus.NewDesc("miroir_raft_voters", "Voters in the raft configuration.", nil, nil)
)

// raftCollector reads raft at scrape time.
type raftCollector struct{ p *Peer }

func (c *raftCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descState, descLeader, descTerm, descLastIndex, descCommitIndex, descApplied, descContact, descPeers} {
		ch <- d
	}
}

func (c *raftCollector) Collect(ch chan<- prometheus.Metric) {
	p := c.p
	if !p.isStarted() {
		ch <- prometheus.MustNewConstMetric(descState, prometheus.GaugeValue, float64(raft.Shutdown))
		return
	}
	state := p.raft.State()
	leader := 0.0
	if state == raft.Leader {
		leader = 1
	}
	contact := p.lastContact().Seconds()
	if contact < 0 {
		contact = -1
	}
	voters := 0
	if servers, err := p.Servers(); err == nil {
		for _, s := range servers {
			if s.Voter {
				voters++
			}
		}
	}
	gauge := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v)
	}
	gauge(descState, float64(state))
	gauge(descLeader, leader)
	gauge(descTerm, float64(p.raft.CurrentTerm()))
	gauge(descLastIndex, float64(p.raft.LastIndex()))
	gauge(descCommitIndex, float64(p.raft.CommitIndex()))
	gauge(descApplied, float64(p.tracker.get()))
	gauge(descContact, contact)
	gauge(descPeers, float64(voters))
}
