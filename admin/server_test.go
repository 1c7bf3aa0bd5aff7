package admin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/admin/admintest"
	"github.com/prometheus/client_golang/prometheus"
)

const testKey = "test-admin-key-0123456789"

func newTestServer(t *testing.T, f *admintest.Fake, mutate ...func(*admin.Config)) *admin.Server {
	t.Helper()
	cfg := admin.DefaultConfig()
	cfg.AdminKey = testKey
	for _, m := range mutate {
		m(&cfg)
	}
	s, err := admin.New(cfg, f.Deps(), nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func do(t *testing.T, s *admin.Server, method, path, body string, headers ...string) response {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	out := response{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	_ = json.Unmarshal(rec.Body.Bytes(), &out.body)
	return out
}

func asAdmin(t *testing.T, s *admin.Server, method, path, body string, headers ...string) response {
	t.Helper()
	return do(t, s, method, path, body, append([]string{"Authorization", "Bearer " + testKey}, headers...)...)
}

func wantError(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status || r.body["code"] != code {
		t.Fatalf("got %d %s, want %d %s", r.status, r.raw, status, code)
	}
	for _, k := range []string{"message", "code", "type", "link"} {
		if _, ok := r.body[k].(string); !ok {
			t.Fatalf("error body lacks string %q: %s", k, r.raw)
		}
	}
	if len(r.body) != 4 {
		t.Fatalf("error body has extra fields: %s", r.raw)
	}
}

func TestAdminRoutesRequireTheAdminKey(t *testing.T) {
	s := newTestServer(t, admintest.New())
	wantError(t, do(t, s, "GET", "/_miroir/cluster", ""), 401, "missing_authorization_header")
	wantError(t, do(t, s, "GET", "/_miroir/nodes", "", "Authorization", "Bearer nope"), 403, "invalid_api_key")
	wantError(t, do(t, s, "GET", "/_miroir/nodes", "", "X-Admin-Key", "nope"), 403, "invalid_api_key")
	wantError(t, do(t, s, "GET", "/_miroir/nodes", "", "Authorization", "Basic abc"), 403, "invalid_api_key")
	if r := do(t, s, "GET", "/_miroir/nodes", "", "X-Admin-Key", testKey); r.status != 200 {
		t.Fatalf("X-Admin-Key: %d %s", r.status, r.raw)
	}
	if r := asAdmin(t, s, "GET", "/_miroir/peers", ""); r.status != 200 {
		t.Fatalf("Bearer: %d %s", r.status, r.raw)
	}
}

func TestHealthAndMetricsNeedNoKey(t *testing.T) {
	s := newTestServer(t, admintest.New())
	r := do(t, s, "GET", "/health", "")
	if r.status != 200 || r.body["status"] != "available" {
		t.Fatalf("health: %d %s", r.status, r.raw)
	}
	r = do(t, s, "GET", "/metrics", "")
	if r.status != 200 || !strings.Contains(r.raw, `miroir_http_requests_total{code="200",method="GET",route="/health"} 1`) {
		t.Fatalf("metrics: %d %s", r.status, r.raw)
	}
}

func TestMalformedJSONIsBadRequest(t *testing.T) {
	s := newTestServer(t, admintest.New())
	wantError(t, asAdmin(t, s, "POST", "/_miroir/nodes", `{"id": "n1",`), 400, "bad_request")
	wantError(t, asAdmin(t, s, "POST", "/_miroir/nodes", `{"id": "n1", "bogus": 1}`), 400, "bad_request")
	wantError(t, asAdmin(t, s, "POST", "/_miroir/nodes", `{"id": "n1"} {}`), 400, "bad_request")
	wantError(t, asAdmin(t, s, "POST", "/_miroir/nodes", `{"id": "n1"}`), 400, "miroir_invalid_request")
	wantError(t, asAdmin(t, s, "POST", "/_miroir/nodes", `{"id": "n 1", "address": "http://x"}`), 400, "miroir_invalid_request")
}

func TestUnknownNodeIsNotFound(t *testing.T) {
	s := newTestServer(t, admintest.New())
	wantError(t, asAdmin(t, s, "GET", "/_miroir/nodes/ghost", ""), 404, "miroir_node_not_found")
	wantError(t, asAdmin(t, s, "POST", "/_miroir/nodes/ghost/drain", ""), 404, "miroir_node_not_found")
	wantError(t, asAdmin(t, s, "DELETE", "/_miroir/nodes/ghost", ""), 404, "miroir_node_not_found")
}

func TestNoLeaderIs503WithRetryAfter(t *testing.T) {
	f := admintest.New()
	f.SetApplyError(fmt.Errorf("apply: %w", admin.ErrNoLeader))
	s := newTestServer(t, f)
	r := asAdmin(t, s, "POST", "/_miroir/nodes", `{"id":"n1","address":"http://127.0.0.1:7710"}`)
	wantError(t, r, 503, "miroir_no_leader")
	if r.header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q", r.header.Get("Retry-After"))
	}
}

func TestRouteAndMethodErrorsAreMeilisearchShaped(t *testing.T) {
	s := newTestServer(t, admintest.New())
	wantError(t, do(t, s, "GET", "/nope", ""), 404, "not_found")
	wantError(t, do(t, s, "PUT", "/health", "{}"), 405, "method_not_allowed")
}

func TestBodyOverTheLimitIsPayloadTooLarge(t *testing.T) {
	s := newTestServer(t, admintest.New(), func(c *admin.Config) { c.BodyLimit = 16 })
	wantError(t, asAdmin(t, s, "POST", "/_miroir/nodes", `{"id":"n1","address":"http://127.0.0.1:7710"}`), 413, "payload_too_large")
}

func TestNodeLifecycleThroughTheAPI(t *testing.T) {
	f := admintest.New()
	s := newTestServer(t, f)
	r := asAdmin(t, s, "POST", "/_miroir/nodes", `{"id":"n1","address":"http://127.0.0.1:7710"}`, "X-Request-Id", "req-1")
	if r.status != 201 || r.body["state"] != "active" || r.body["replicaGroup"] != "0" || r.header.Get(admin.HeaderIndex) != "3" {
		t.Fatalf("register: %d %v %s", r.status, r.header, r.raw)
	}
	if got := fmt.Sprint(f.AppliedRequestIDs()); got != "[req-1/group req-1 req-1/activate]" {
		t.Fatalf("request ids stamped: %s", got)
	}
	wantError(t, asAdmin(t, s, "POST", "/_miroir/nodes", `{"id":"n1","address":"http://127.0.0.1:7710"}`), 409, "miroir_node_already_exists")
	if r = asAdmin(t, s, "POST", "/_miroir/nodes/n1/drain", ""); r.status != 200 || r.body["state"] != "draining" {
		t.Fatalf("drain: %d %s", r.status, r.raw)
	}
	if r = asAdmin(t, s, "DELETE", "/_miroir/nodes/n1", ""); r.status != 200 || r.body["state"] != "removed" {
		t.Fatalf("remove: %d %s", r.status, r.raw)
	}
	if r = asAdmin(t, s, "GET", "/_miroir/nodes", ""); r.body["total"] != 1.0 {
		t.Fatalf("list: %s", r.raw)
	}
}

func TestConsistentReadCommitsABarrierFirst(t *testing.T) {
	f := admintest.New()
	s := newTestServer(t, f)
	if r := asAdmin(t, s, "GET", "/_miroir/nodes?consistent=true", ""); r.status != 200 || len(f.AppliedRequestIDs()) != 1 {
		t.Fatalf("consistent read: %d %s %v", r.status, r.raw, f.AppliedRequestIDs())
	}
	f.SetApplyError(fmt.Errorf("hold: %w", admin.ErrNoLeader))
	wantError(t, asAdmin(t, s, "GET", "/_miroir/nodes?consistent=true", ""), 503, "miroir_no_leader")
}

func TestReadWithIndexWaitsForTheLocalFSM(t *testing.T) {
	s := newTestServer(t, admintest.New())
	wantError(t, asAdmin(t, s, "GET", "/_miroir/nodes?index=x", ""), 400, "miroir_invalid_request")
	wantError(t, asAdmin(t, s, "GET", "/_miroir/nodes?index=7", ""), 504, "miroir_timeout")
	if r := asAdmin(t, s, "GET", "/_miroir/nodes", "", admin.HeaderIndex, "0"); r.status != 200 {
		t.Fatalf("index 0: %d %s", r.status, r.raw)
	}
}

func TestReadyNeedsMembershipALeaderAndACaughtUpLog(t *testing.T) {
	f := admintest.New()
	s := newTestServer(t, f)
	if r := do(t, s, "GET", "/_miroir/ready", ""); r.status != 503 || r.body["reason"] != "catching up with the cluster log" {
		t.Fatalf("before catch-up: %d %s", r.status, r.raw)
	}
	if err := s.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := do(t, s, "GET", "/_miroir/ready", ""); r.status != 200 {
		t.Fatalf("ready: %d %s", r.status, r.raw)
	}
	st := admintest.DefaultStatus()
	st.Leader = admin.PeerRef{}
	f.SetStatus(st)
	if r := do(t, s, "GET", "/_miroir/ready", ""); r.status != 503 {
		t.Fatalf("no leader: %d %s", r.status, r.raw)
	}
	st = admintest.DefaultStatus()
	st.Servers = nil
	f.SetStatus(st)
	if r := do(t, s, "GET", "/_miroir/ready", ""); r.status != 503 {
		t.Fatalf("not a member: %d %s", r.status, r.raw)
	}
	f.SetStatus(admintest.DefaultStatus())
	s.SetDraining()
	if r := do(t, s, "GET", "/_miroir/ready", ""); r.status != 503 {
		t.Fatalf("draining: %d %s", r.status, r.raw)
	}
}

func TestClusterAndPeersViews(t *testing.T) {
	f := admintest.New()
	s := newTestServer(t, f)
	r := asAdmin(t, s, "GET", "/_miroir/cluster", "")
	if r.status != 200 || r.body["voters"] != 3.0 || r.body["fsmDigest"] != "d1g35t" || r.body["leader"].(map[string]any)["id"] != "p1" {
		t.Fatalf("cluster: %d %s", r.status, r.raw)
	}
	r = asAdmin(t, s, "GET", "/_miroir/peers", "")
	peers := r.body["results"].([]any)
	if len(peers) != 3 || peers[2].(map[string]any)["gossip"] != "failed" || peers[0].(map[string]any)["leader"] != true {
		t.Fatalf("peers: %s", r.raw)
	}
	wantError(t, asAdmin(t, s, "DELETE", "/_miroir/peers/p9", ""), 404, "miroir_peer_not_found")
	if r = asAdmin(t, s, "DELETE", "/_miroir/peers/p3", ""); r.status != 200 || fmt.Sprint(f.Removed()) != "[p3]" {
		t.Fatalf("remove peer: %d %s %v", r.status, r.raw, f.Removed())
	}
	wantError(t, asAdmin(t, s, "POST", "/_miroir/peers", `{"addresses":["127.0.0.1:1"]}`), 501, "not_implemented")
}

func TestInternalRoutesGoToTheClusterHandler(t *testing.T) {
	s := newTestServer(t, admintest.New())
	if r := do(t, s, "POST", "/_miroir/internal/apply", "x"); r.status != http.StatusTeapot {
		t.Fatalf("internal: %d %s", r.status, r.raw)
	}
}

func TestServeAndShutdownOnALoopbackListener(t *testing.T) {
	s := newTestServer(t, admintest.New())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	resp, err := http.Get("http://" + ln.Addr().String() + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Request-Id") == "" {
		t.Fatal("no request id header")
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	cfg := admin.DefaultConfig()
	if err := cfg.Validate(); err == nil {
		t.Fatal("empty admin key accepted")
	}
	cfg.AdminKey = "short"
	if err := cfg.Validate(); err == nil {
		t.Fatal("short admin key accepted")
	}
	cfg.AdminKey = testKey
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestLeaveMakesThePeerUnready(t *testing.T) {
	f := admintest.New()
	s := newTestServer(t, f)
	if err := s.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := asAdmin(t, s, "POST", "/_miroir/leave", "")
	if r.status != 200 || r.body["left"] != "p1" || !f.Left() {
		t.Fatalf("leave: %d %s", r.status, r.raw)
	}
	if r := do(t, s, "GET", "/_miroir/ready", ""); r.status != 503 {
		t.Fatalf("ready after leave: %d", r.status)
	}
}
