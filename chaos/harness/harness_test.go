package harness

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as a fake miroir: with HARNESS_FAKE=1 it serves a
// minimal admin API, so the harness is proven on real processes before the
// real binary exists. peer1 claims leadership; the applied index is the number
// of boots recorded in the data dir, which tells restarts from wipes.
func TestMain(m *testing.M) {
	if os.Getenv("HARNESS_FAKE") == "1" && len(os.Args) > 1 && (os.Args[1] == "serve" || os.Args[1] == "node") {
		os.Exit(fakeMain(os.Args[1:]))
	}
	os.Exit(m.Run())
}

func fakeMain(args []string) int {
	fs := flag.NewFlagSet(args[0], flag.ContinueOnError)
	id := fs.String("id", "node", "")
	httpAddr := fs.String("http-addr", "", "")
	dataDir := fs.String("data-dir", "", "")
	fs.String("raft-addr", "", "")
	fs.String("gossip-addr", "", "")
	fs.String("bootstrap-expect", "", "")
	fs.String("join", "", "")
	fs.String("admin-key", "", "")
	fs.String("master-key", "", "")
	fs.String("node-key", "", "")
	fs.String("log-format", "", "")
	fs.String("cluster-key", "", "")
	fs.String("chaos-control", "", "")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	bootsFile := filepath.Join(*dataDir, "boots")
	b, _ := os.ReadFile(bootsFile)
	boots := len(b) + 1
	if err := os.WriteFile(bootsFile, []byte(strings.Repeat("x", boots)), 0o644); err != nil {
		return 1
	}
	state := "Follower"
	if *id == "peer1" {
		state = "Leader"
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("/_miroir/ready", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+DefaultConfig().AdminKey {
			w.WriteHeader(http.StatusUnauthorized)
		}
	})
	mux.HandleFunc("/_miroir/cluster", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"raft":{"state":%q,"term":3,"applied_index":%d},"digest":"abc"}`, state, boots)
	})
	fmt.Println("fake", args[0], *id, "listening on", *httpAddr)
	if err := http.ListenAndServe(*httpAddr, mux); err != nil {
		fmt.Println(err)
		return 1
	}
	return 0
}

func fakeCluster(t *testing.T) (*Cluster, context.Context) {
	t.Helper()
	t.Setenv("HARNESS_FAKE", "1")
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Dir, cfg.Binary, cfg.Timeout = t.TempDir(), bin, 10*time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return StartT(t, ctx, cfg), ctx
}

func TestStartWaitsForReadyPeersAndALeader(t *testing.T) {
	c, ctx := fakeCluster(t)
	leader, err := c.WaitLeader(ctx)
	if err != nil || leader != c.Peers[0] {
		t.Fatalf("leader = %v, %v; want peer1", leader, err)
	}
	sts, err := c.WaitConverged(ctx)
	if err != nil || len(sts) != 3 {
		t.Fatalf("converged: %v %v", sts, err)
	}
	for _, p := range c.Procs() {
		if !p.Running() || p.Pid() == 0 {
			t.Fatalf("%s not running", p.Name)
		}
	}
}

func TestKillReapsTheProcessAndRestartKeepsTheDataDir(t *testing.T) {
	c, ctx := fakeCluster(t)
	p := c.Peers[1]
	if err := p.Kill(); err != nil {
		t.Fatal(err)
	}
	if p.Running() || c.Admin.Ready(ctx, p.HTTPAddr) {
		t.Fatal("killed peer still running or answering")
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReady(ctx, p); err != nil {
		t.Fatal(err)
	}
	s, err := c.Admin.Status(ctx, p.HTTPAddr)
	if err != nil || s.AppliedIndex != 2 {
		t.Fatalf("after restart applied=%d err=%v; want 2 boots on the same data dir", s.AppliedIndex, err)
	}
	if p.Starts() != 2 || strings.Count(Tail(p, 100), "=== harness: start #") != 2 {
		t.Fatalf("log does not record two starts:\n%s", Tail(p, 100))
	}
}

func TestWipeRestartsOnAnEmptyDataDir(t *testing.T) {
	c, ctx := fakeCluster(t)
	p := c.Peers[2]
	if err := p.Wipe(); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReady(ctx, p); err != nil {
		t.Fatal(err)
	}
	s, err := c.Admin.Status(ctx, p.HTTPAddr)
	if err != nil || s.AppliedIndex != 1 {
		t.Fatalf("after wipe applied=%d err=%v; want a first boot", s.AppliedIndex, err)
	}
}

func TestPausedPeerAnswersNothingUntilResumed(t *testing.T) {
	c, ctx := fakeCluster(t)
	p := c.Peers[0]
	if err := p.Pause(); err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	ready := c.Admin.Ready(short, p.HTTPAddr)
	cancel()
	if ready || !p.Paused() || !p.Running() {
		t.Fatalf("paused peer: ready=%v paused=%v running=%v", ready, p.Paused(), p.Running())
	}
	if sts := c.Statuses(ctx); len(sts) != 2 {
		t.Fatalf("statuses should skip the paused peer, got %d", len(sts))
	}
	if err := p.Resume(); err != nil {
		t.Fatal(err)
	}
	if err := c.WaitReady(ctx, p); err != nil {
		t.Fatal(err)
	}
	// Killing a paused process must not hang.
	if err := p.Pause(); err != nil {
		t.Fatal(err)
	}
	if err := p.Terminate(time.Second); err != nil || p.Running() {
		t.Fatalf("terminate paused: %v running=%v", err, p.Running())
	}
}

func TestSignalsOnADeadProcessReportNotRunning(t *testing.T) {
	c, _ := fakeCluster(t)
	p := c.Nodes[0]
	_ = p.Kill()
	if err := p.Pause(); err == nil {
		t.Fatal("pause of a dead process succeeded")
	}
	if err := p.Kill(); err != nil {
		t.Fatalf("second kill: %v", err)
	}
}

func TestParseStatusAcceptsNestedSnakeAndCamelFields(t *testing.T) {
	cases := map[string]Status{
		`{"state":"Leader","term":4,"appliedIndex":10,"commitIndex":11,"digest":"d","leader":"p1"}`:                           {State: "Leader", Term: 4, AppliedIndex: 10, CommitIndex: 11, Digest: "d", Leader: "p1"},
		`{"raft":{"state":"Follower","term":2,"applied_index":5,"commit_index":6},"fsm":{"digest":"x"},"leader":{"id":"p2"}}`: {State: "Follower", Term: 2, AppliedIndex: 5, CommitIndex: 6, Digest: "x", Leader: "p2"},
	}
	for in, want := range cases {
		got, err := parseStatus([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		got.Raw = nil
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("parseStatus(%s) = %+v, want %+v", in, got, want)
		}
	}
}

func TestNodeProxyAddsLatencyAndErrorsInFrontOfANode(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "node") }))
	defer target.Close()
	px, err := StartNodeProxy(strings.TrimPrefix(target.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer px.Close()
	get := func() (int, string) {
		resp, err := http.Get("http://" + px.Addr + "/health")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(); code != 200 || body != "node" {
		t.Fatalf("passthrough: %d %q", code, body)
	}
	px.SetFaults(0, 1)
	if code, body := get(); code != http.StatusServiceUnavailable || !strings.Contains(body, "chaos_injected_error") {
		t.Fatalf("injected error: %d %q", code, body)
	}
	px.SetFaults(time.Millisecond, 0)
	if code, _ := get(); code != 200 {
		t.Fatalf("with latency: %d", code)
	}
}
