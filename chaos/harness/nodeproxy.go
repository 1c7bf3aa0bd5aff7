package harness

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// NodeProxy sits between the peers and one engine node, so node faults the
// OS cannot give (added latency, error answers) can be injected. The peers
// know the node by the proxy's address; the chaos checkers read the node
// straight, bypassing it.
type NodeProxy struct {
	Addr string // where the peers reach the node

	rp   *httputil.ReverseProxy
	srv  *http.Server
	done chan struct{}

	mu        sync.Mutex
	latency   time.Duration
	errorRate float64
}

// StartNodeProxy serves a proxy to target (host:port) on a free loopback port.
func StartNodeProxy(target string) (*NodeProxy, error) {
	u, err := url.Parse("http://" + target)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &NodeProxy{Addr: ln.Addr().String(), rp: httputil.NewSingleHostReverseProxy(u), done: make(chan struct{})}
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		defer close(p.done)
		if err := p.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return
		}
	}()
	return p, nil
}

// SetFaults sets the latency added to every request and the share (0..1)
// of requests answered with a 503 instead of reaching the node.
func (p *NodeProxy) SetFaults(latency time.Duration, errorRate float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency, p.errorRate = latency, errorRate
}

func (p *NodeProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	latency, errorRate := p.latency, p.errorRate
	p.mu.Unlock()
	if latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	if errorRate > 0 && rand.Float64() < errorRate {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"message":"chaos: injected node error","code":"chaos_injected_error","type":"system","link":""}`))
		return
	}
	p.rp.ServeHTTP(w, r)
}

// Close stops the proxy and waits for it.
func (p *NodeProxy) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err := p.srv.Shutdown(ctx)
	if err != nil {
		err = p.srv.Close()
	}
	<-p.done
	return err
}
