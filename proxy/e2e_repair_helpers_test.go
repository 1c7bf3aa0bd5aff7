package proxy_test

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meilisearch/meilisearch-go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/miroir-search/miroir/proxy"
	"github.com/miroir-search/miroir/proxy/proxytest"
	"github.com/miroir-search/miroir/store"
)

// faultProxy stands in front of one engine node and injects faults: every
// second request answered 503 (as a broken node or chaos' fault proxy
// does), requests that hang until released, or a dead node (connections
// closed without an answer).
type faultProxy struct {
	rp       *httputil.ReverseProxy
	srv      *httptest.Server
	flaky    atomic.Bool
	down     atomic.Bool
	n        atomic.Int64
	hung     atomic.Int64 // requests that hung
	mu       sync.Mutex
	blocked  chan struct{} // non-nil: requests wait for it to close
	released bool
}

func newFaultProxy(t testing.TB, target string) *faultProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	f := &faultProxy{rp: httputil.NewSingleHostReverseProxy(u)}
	f.rp.ErrorLog = log.New(io.Discard, "", 0)
	f.srv = httptest.NewServer(f)
	t.Cleanup(func() {
		f.unblock()
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

func (f *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.down.Load() {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	f.mu.Lock()
	block := f.blocked
	f.mu.Unlock()
	if block != nil {
		f.hung.Add(1)
		select {
		case <-block:
		case <-r.Context().Done():
			return
		}
	}
	if f.flaky.Load() && f.n.Add(1)%2 == 0 {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"message":"injected node error","code":"injected_error","type":"system","link":""}`))
		return
	}
	f.rp.ServeHTTP(w, r)
}

// block makes requests hang until unblock.
func (f *faultProxy) block() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.blocked, f.released = make(chan struct{}), false
}

func (f *faultProxy) unblock() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.blocked != nil && !f.released {
		close(f.blocked)
		f.released = true
	}
	f.blocked = nil
}

// faultyCluster is a proxy in front of engine nodes that each sit behind
// a faultProxy, in one or more replica groups, with the leader loops
// (task watcher, health checker with repair) running.
type faultyCluster struct {
	t      testing.TB
	cat    *proxytest.Catalog
	proxy  *proxy.Proxy
	reg    *prometheus.Registry
	url    string
	faults []*faultProxy
	engine []string // engine addresses behind the faults
	client meilisearch.ServiceManager
}

// startFaultyCluster starts groups[i] nodes in group "g<i+1>" with rf.
func startFaultyCluster(t testing.TB, groups []int, rf, shards int, opts ...func(*proxy.Config)) *faultyCluster {
	t.Helper()
	fc := &faultyCluster{t: t, cat: proxytest.New(), reg: prometheus.NewRegistry()}
	id := 0
	for gi, count := range groups {
		g := "g" + strconv.Itoa(gi+1)
		if err := fc.cat.AddGroup(g, rf); err != nil {
			t.Fatal(err)
		}
		for range count {
			id++
			_, addr := startEngine(t, t.TempDir(), "127.0.0.1:0")
			f := newFaultProxy(t, addr)
			fc.faults, fc.engine = append(fc.faults, f), append(fc.engine, addr)
			if err := fc.cat.AddNode("n"+strconv.Itoa(id), f.srv.URL, g); err != nil {
				t.Fatal(err)
			}
		}
	}
	cfg := proxy.DefaultConfig()
	cfg.MasterKey, cfg.NodeKey, cfg.DefaultShards = testMasterKey, testNodeKey, shards
	cfg.NodeTimeout = 3 * time.Second
	cfg.HealthInterval, cfg.FailAfter, cfg.RecoverAfter = 500*time.Millisecond, 3, 2
	cfg.RepairInterval = 50 * time.Millisecond
	for _, o := range opts {
		o(&cfg)
	}
	p, err := proxy.New(cfg, proxy.Deps{State: fc.cat, Catalog: fc.cat}, slog.New(slog.DiscardHandler), fc.reg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	watcher, health := p.NewTaskWatcher(), p.NewHealthChecker()
	for _, w := range []interface{ Start(context.Context) error }{watcher, health} {
		if err := w.Start(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range proxy.DefaultKeys() {
		if _, err := fc.cat.CreateKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	e := echo.New()
	e.HTTPErrorHandler = proxytest.ErrorHandler
	p.Register(e.Group(""))
	hs := httptest.NewServer(e)
	t.Cleanup(func() {
		hs.Close()
		cancel()
		_ = health.Close()
		_ = watcher.Close()
		_ = p.Close()
	})
	fc.proxy, fc.url = p, hs.URL
	fc.client = meilisearch.New(hs.URL, meilisearch.WithAPIKey(testMasterKey))
	return fc
}

func (fc *faultyCluster) nodeState(id string) store.NodeState {
	var st store.NodeState
	fc.cat.Read(func(s *store.State) { n, _ := s.Node(id); st = n.State })
	return st
}

// counter reads a counter of the proxy's registry, summed over labels.
func (fc *faultyCluster) counter(name string) float64 {
	fc.t.Helper()
	mfs, err := fc.reg.Gather()
	if err != nil {
		fc.t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

// wait waits for a task through the SDK and requires it succeeded.
func (fc *faultyCluster) succeed(info *meilisearch.TaskInfo, err error) {
	fc.t.Helper()
	if err != nil {
		fc.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	task, err := fc.client.WaitForTask(ctx, info.TaskUID, 20*time.Millisecond)
	if err != nil || task.Status != meilisearch.TaskStatusSucceeded {
		fc.t.Fatalf("task %d: %v %+v", info.TaskUID, err, task)
	}
}
