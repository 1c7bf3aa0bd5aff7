package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// promSample sums the samples of a metric whose labels contain every
// given label pair, from the peer's /metrics text exposition.
func promSample(text []byte, name string, labels ...string) float64 {
	var sum float64
	sc := bufio.NewScanner(bytes.NewReader(text))
	sc.Buffer(make([]byte, 1<<16), 1<<22)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || (len(line) > len(name) && line[len(name)] != '{' && line[len(name)] != ' ') {
			continue
		}
		match := true
		for _, l := range labels {
			match = match && strings.Contains(line, l)
		}
		f := strings.Fields(line)
		if !match || len(f) < 2 {
			continue
		}
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			sum += v
		}
	}
	return sum
}

// proxyCounters are the peer's own view of its search work.
type proxyCounters struct {
	reqSum, reqCount     float64 // miroir_proxy_request_seconds{op="search"}
	mergeSum, mergeCount float64
	nodeCalls            float64
}

func scrapeProxy(ctx context.Context, p *peerProc) (proxyCounters, error) {
	out, err := p.c.do(ctx, http.MethodGet, "/metrics", "", nil)
	if err != nil {
		return proxyCounters{}, err
	}
	return proxyCounters{
		reqSum:     promSample(out, "miroir_proxy_request_seconds_sum", `op="search"`),
		reqCount:   promSample(out, "miroir_proxy_request_seconds_count", `op="search"`),
		mergeSum:   promSample(out, "miroir_proxy_merge_seconds_sum"),
		mergeCount: promSample(out, "miroir_proxy_merge_seconds_count"),
		nodeCalls:  promSample(out, "miroir_proxy_node_calls_total", `op="search"`),
	}, nil
}

// describe compares two scrapes: mean handler and merge time, node calls
// per search.
func (a proxyCounters) describe(b proxyCounters) string {
	n := b.reqCount - a.reqCount
	if n <= 0 {
		return "the peer's metrics counted no searches"
	}
	mergeN := max(b.mergeCount-a.mergeCount, 1)
	return fmt.Sprintf("The peer's own histograms over these searches: mean %.2f ms in the search handler, of which %.3f ms merging; %.1f node calls per search.",
		1000*(b.reqSum-a.reqSum)/n, 1000*(b.mergeSum-a.mergeSum)/mergeN, (b.nodeCalls-a.nodeCalls)/n)
}
