package proxy_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/meilisearch/meilisearch-go"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/miroir-search/miroir/engine"
	"github.com/miroir-search/miroir/proxy"
	"github.com/miroir-search/miroir/proxy/proxytest"
)

const (
	testMasterKey = "masterKey"
	testNodeKey   = "node-secret"
)

// testCluster is a proxy in front of in-process engine nodes, with the
// in-memory catalog standing in for raft.
type testCluster struct {
	t       testing.TB
	cat     *proxytest.Catalog
	proxy   *proxy.Proxy
	url     string
	nodes   []*engine.Server
	addrs   []string
	client  meilisearch.ServiceManager
	watcher *proxy.TaskWatcher
	cancel  context.CancelFunc
	dirs    []string
}

func startCluster(t testing.TB, nodes, rf, shards int, opts ...func(*proxy.Config)) *testCluster {
	t.Helper()
	tc := &testCluster{t: t, cat: proxytest.New()}
	if err := tc.cat.AddGroup("g1", rf); err != nil {
		t.Fatal(err)
	}
	for i := range nodes {
		dir := t.TempDir()
		srv, addr := startEngine(t, dir, "127.0.0.1:0")
		tc.nodes, tc.addrs, tc.dirs = append(tc.nodes, srv), append(tc.addrs, addr), append(tc.dirs, dir)
		if err := tc.cat.AddNode("n"+strconv.Itoa(i+1), addr, "g1"); err != nil {
			t.Fatal(err)
		}
	}
	cfg := proxy.DefaultConfig()
	cfg.MasterKey, cfg.NodeKey, cfg.DefaultShards = testMasterKey, testNodeKey, shards
	cfg.NodeTimeout = 3 * time.Second
	for _, o := range opts {
		o(&cfg)
	}
	p, err := proxy.New(cfg, proxy.Deps{State: tc.cat, Catalog: tc.cat}, slog.New(slog.DiscardHandler), prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.Start(ctx); err != nil {
		t.Fatal(err)
	}
	tc.watcher = p.NewTaskWatcher()
	if err := tc.watcher.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, k := range proxy.DefaultKeys() {
		if _, err := tc.cat.CreateKey(ctx, k); err != nil {
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
		_ = tc.watcher.Close()
		_ = p.Close()
	})
	tc.proxy, tc.url, tc.cancel = p, hs.URL, cancel
	tc.client = meilisearch.New(hs.URL, meilisearch.WithAPIKey(testMasterKey))
	return tc
}

// wait waits for a task through the SDK, as an application would.
func (tc *testCluster) wait(info *meilisearch.TaskInfo, err error) *meilisearch.Task {
	tc.t.Helper()
	if err != nil {
		tc.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	task, err := tc.client.WaitForTask(ctx, info.TaskUID, 20*time.Millisecond)
	if err != nil {
		tc.t.Fatalf("waiting for task %d: %v", info.TaskUID, err)
	}
	return task
}

// succeed waits for a task and requires it succeeded.
func (tc *testCluster) succeed(info *meilisearch.TaskInfo, err error) *meilisearch.Task {
	tc.t.Helper()
	task := tc.wait(info, err)
	if task.Status != meilisearch.TaskStatusSucceeded {
		tc.t.Fatalf("task %d: %s %+v", task.UID, task.Status, task.Error)
	}
	return task
}

// nodeGet reads a node directly with the node key.
func (tc *testCluster) nodeGet(i int, path string) (*http.Response, error) {
	req, _ := http.NewRequest(http.MethodGet, tc.addrs[i]+path, nil)
	req.Header.Set("Authorization", "Bearer "+testNodeKey)
	return http.DefaultClient.Do(req)
}

func waitFor(t testing.TB, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in time")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// restartNode starts node i again on its old address and data.
func (tc *testCluster) restartNode(i int) {
	tc.t.Helper()
	tc.nodes[i], _ = startEngine(tc.t, tc.dirs[i], strings.TrimPrefix(tc.addrs[i], "http://"))
}

// startEngine runs an engine node on addr with the node key and returns
// it with its base URL; it stops with the test.
func startEngine(t testing.TB, dir, addr string) (*engine.Server, string) {
	t.Helper()
	cfg := engine.DefaultConfig()
	cfg.DataDir, cfg.MasterKey = dir, testNodeKey
	srv, err := engine.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := listenAgain(addr)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv, "http://" + ln.Addr().String()
}

// listenAgain listens on addr; a restarted node's old port can be held
// for a while by an outgoing connection that the kernel gave the same
// port number (ports 0 and ephemeral ones share a range), so it retries
// for a few seconds before giving up.
func listenAgain(addr string) (net.Listener, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil || !errors.Is(err, syscall.EADDRINUSE) || time.Now().After(deadline) {
			return ln, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// rawRequest sends a request with the master key and returns the response.
func (tc *testCluster) rawRequest(method, path, body string) *http.Response {
	tc.t.Helper()
	req, _ := http.NewRequest(method, tc.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testMasterKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tc.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }
