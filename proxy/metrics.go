package proxy

import (
	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	nodeCalls *prometheus.CounterVec   // op, result
	merge     prometheus.Histogram     // seconds spent merging
	degraded  *prometheus.CounterVec   // op
	requests  *prometheus.HistogramVec // op
	webhooks  *prometheus.CounterVec   // result: ok, error, dropped
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		nodeCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "miroir_proxy_node_calls_total", Help: "Calls from the proxy to nodes, by operation and result.",
		}, []string{"op", "result"}),
		merge: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "miroir_proxy_merge_seconds", Help: "Time spent merging shard answers.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 10),
		}),
		degraded: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "miroir_proxy_degraded_total", Help: "Answers sent with X-Miroir-Degraded, by operation.",
		}, []string{"op"}),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "miroir_proxy_request_seconds", Help: "Proxy request latency by operation.",
			Buckets: prometheus.ExponentialBuckets(1e-4, 4, 10),
		}, []string{"op"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "miroir_proxy_webhook_deliveries_total", Help: "Finished tasks delivered to webhooks by the leader, by result (ok, error, dropped: queue full).",
		}, []string{"result"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.nodeCalls, m.merge, m.degraded, m.requests, m.webhooks} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
