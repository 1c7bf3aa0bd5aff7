package proxy

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miroir-search/miroir/meili"
)

// echoNode answers a search with the request body repeated n times (n from
// the path), sized or chunked, and counts connections.
func echoNode(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if r.Header.Get("Authorization") != "Bearer k" {
			w.WriteHeader(http.StatusForbidden)
			_, _ = w.Write([]byte(`{"message":"no","code":"invalid_api_key","type":"auth","link":""}`))
			return
		}
		out := strings.Repeat(string(body), len(r.URL.Path))
		if strings.HasSuffix(r.URL.Path, "/sized") {
			w.Header().Set("Content-Length", strconv.Itoa(len(out)))
		}
		_, _ = w.Write([]byte(out))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func TestFastClientReadsSizedAndChunkedAnswersOnOneConnection(t *testing.T) {
	srv, conns := echoNode(t)
	fc := newFastClient()
	defer fc.close()
	var pool bufPool
	body := []byte(strings.Repeat("x", 3000))
	for i, path := range []string{"/a/sized", "/a/chunked/long/path/for/a/large/answer/of/many/bytes", "/b/sized", "/c"} {
		status, out, err := fc.post(context.Background(), srv.URL, path, "k", body, &pool)
		if err != nil || status != http.StatusOK {
			t.Fatalf("call %d: %d %v", i, status, err)
		}
		if want := strings.Repeat(string(body), len(path)); string(out) != want {
			t.Fatalf("call %d: %d bytes, want %d", i, len(out), len(want))
		}
		pool.put(out)
	}
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 4 sequential calls, want 1", n)
	}
}

func TestFastClientResendsOnAConnectionTheNodeClosed(t *testing.T) {
	srv, conns := echoNode(t)
	fc := newFastClient()
	defer fc.close()
	var pool bufPool
	for i := range 3 {
		if _, _, err := fc.post(context.Background(), srv.URL, "/s", "k", []byte("{}"), &pool); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		srv.CloseClientConnections()
	}
	if n := conns.Load(); n != 3 {
		t.Fatalf("%d connections, want 3", n)
	}
}

func TestFastClientCancelEndsAWaitingCall(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	fc := newFastClient()
	defer fc.close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, _, err := fc.post(ctx, srv.URL, "/s", "", []byte("{}"), &bufPool{})
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a cancelled call succeeded")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a cancelled call did not return")
	}
}

func TestNodeClientSearchReturnsTheNodesErrorAndFallsBackForHTTPS(t *testing.T) {
	srv, _ := echoNode(t)
	cfg := DefaultConfig()
	cfg.NodeKey = "wrong"
	c := newNodeClient(cfg)
	defer c.close()
	_, err := c.search(context.Background(), srv.URL, "/s", []byte("{}"))
	var me *meili.Error
	if !errors.As(err, &me) || me.Code != "invalid_api_key" || me.Status != http.StatusForbidden {
		t.Fatalf("got %v, want the node's invalid_api_key", err)
	}
	if _, _, err := c.fast.post(context.Background(), "https://127.0.0.1:1", "/s", "", nil, &c.bufs); !errors.Is(err, errNotFast) {
		t.Fatalf("https address: %v, want errNotFast", err)
	}
	if _, err := c.search(context.Background(), "http://127.0.0.1:1", "/s", []byte("{}")); !errors.Is(err, ErrNodeUnavailable) {
		t.Fatalf("closed port: %v, want ErrNodeUnavailable", err)
	}
}
