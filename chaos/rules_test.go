package chaos

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

var threePeers = map[string][]string{
	"a": {"127.0.0.1:1001", "127.0.0.1:2001"},
	"b": {"127.0.0.1:1002", "127.0.0.1:2002"},
	"c": {"127.0.0.1:1003", "127.0.0.1:2003"},
}

func TestRulesResolveLinksByPeerAddress(t *testing.T) {
	r := NewRules()
	links := append(OneWay([]string{"a"}, []string{"b"}), Slow([]string{"*"}, []string{"c"}, time.Second)...)
	if err := r.Set(Table{Self: "a", Peers: threePeers, Links: links}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		got  Fault
		want Fault
	}{
		{"a->b blocked on every address of b", r.ToAddr("127.0.0.1:2002"), Fault{Drop: 1}},
		{"b->a open (one way)", r.FromAddr("127.0.0.1:1002"), Fault{}},
		{"wildcard delay a->c", r.ToAddr("127.0.0.1:1003"), Fault{Delay: time.Second}},
		{"non-peer address never faulted", r.ToAddr("127.0.0.1:9999"), Fault{}},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %+v want %+v", c.name, c.got, c.want)
		}
	}
}

func TestRulesRejectBadTables(t *testing.T) {
	r := NewRules()
	bad := []Table{
		{Peers: threePeers, Links: []Link{{From: "a", To: "zz", Drop: 1}}},
		{Peers: threePeers, Links: []Link{{From: "a", To: "b", Drop: 2}}},
		{Peers: threePeers, Links: []Link{{From: "a", To: "b", Delay: Duration(-time.Second)}}},
	}
	for _, tb := range bad {
		if err := r.Set(tb); err == nil {
			t.Errorf("accepted %+v", tb)
		}
	}
}

func TestPartitionBlocksOnlyAcrossSides(t *testing.T) {
	links := Partition([]string{"a"}, []string{"b", "c"})
	if len(links) != 4 {
		t.Fatalf("want 4 directed links, got %+v", links)
	}
	r := NewRules()
	_ = r.Set(Table{Self: "b", Peers: threePeers, Links: links})
	if !r.ToAddr("127.0.0.1:1001").Blocked() || r.ToAddr("127.0.0.1:1003").Blocked() {
		t.Fatal("b must reach c but not a")
	}
}

// tcpLayer is a minimal raft.StreamLayer over loopback TCP, standing in for
// the cluster package's own.
type tcpLayer struct{ net.Listener }

func newTCPLayer(t *testing.T) *tcpLayer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return &tcpLayer{ln}
}

func (l *tcpLayer) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	return net.DialTimeout("tcp", string(addr), timeout)
}

// echo accepts connections and echoes them until closed.
func echo(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() { _, _ = io.Copy(c, c); c.Close() }()
	}
}

func twoLayers(t *testing.T) (*Rules, raft.StreamLayer, *tcpLayer) {
	a, b := newTCPLayer(t), newTCPLayer(t)
	go echo(b)
	rules := NewRules()
	peers := map[string][]string{"a": {a.Addr().String()}, "b": {b.Addr().String()}}
	if err := rules.Set(Table{Self: "a", Peers: peers}); err != nil {
		t.Fatal(err)
	}
	return rules, NewFaultyStreamLayer(a, rules), b
}

func setLinks(t *testing.T, r *Rules, links []Link) {
	t.Helper()
	tb := r.Table()
	tb.Links = links
	if err := r.Set(tb); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStreamDialToABlockedPeerFailsAtItsTimeout(t *testing.T) {
	rules, layer, b := twoLayers(t)
	setLinks(t, rules, OneWay([]string{"b"}, []string{"a"})) // either direction breaks a stream
	_, err := layer.Dial(raft.ServerAddress(b.Addr().String()), 50*time.Millisecond)
	if !errors.Is(err, ErrBlocked) || rules.Stats().DialsRefused != 1 {
		t.Fatalf("err=%v stats=%+v", err, rules.Stats())
	}
}

func TestStreamDialHangingOnAPartitionProceedsWhenHealed(t *testing.T) {
	rules, layer, b := twoLayers(t)
	setLinks(t, rules, Partition([]string{"a"}, []string{"b"}))
	done := make(chan error, 1)
	go func() {
		c, err := layer.Dial(raft.ServerAddress(b.Addr().String()), time.Minute)
		if err == nil {
			c.Close()
		}
		done <- err
	}()
	waitFor(t, func() bool { return rules.Stats().DialsHanging == 1 })
	setLinks(t, rules, nil)
	if err := <-done; err != nil {
		t.Fatalf("dial after heal: %v", err)
	}
}

func TestStreamIsCutWhenAPartitionStarts(t *testing.T) {
	rules, layer, b := twoLayers(t)
	c, err := layer.Dial(raft.ServerAddress(b.Addr().String()), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, buf); err != nil || string(buf) != "ping" {
		t.Fatalf("echo: %q %v", buf, err)
	}
	setLinks(t, rules, Partition([]string{"a"}, []string{"b"}))
	if _, err := c.Read(buf); err == nil {
		t.Fatal("read on a cut stream succeeded")
	}
	if _, err := c.Write([]byte("x")); err == nil {
		t.Fatal("write on a cut stream succeeded")
	}
	if st := rules.Stats(); st.StreamsCut != 1 {
		t.Fatalf("%+v", st)
	}
}

func TestStreamWritesCarryTheLinkDelay(t *testing.T) {
	rules, layer, b := twoLayers(t)
	setLinks(t, rules, Slow([]string{"a"}, []string{"b"}, time.Millisecond))
	c, err := layer.Dial(raft.ServerAddress(b.Addr().String()), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("ping")); err != nil {
		t.Fatal(err)
	}
	if st := rules.Stats(); st.WritesDelayed != 1 {
		t.Fatalf("%+v", st)
	}
}

func TestControlServerSetsAndHealsRules(t *testing.T) {
	rules := NewRules()
	srv, err := NewControlServer("127.0.0.1:0", rules, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cl := ControlClient{Addr: srv.Addr()}
	ctx := context.Background()
	tb := Table{Self: "a", Peers: threePeers, Links: Partition([]string{"a"}, []string{"b", "c"})}
	if err := cl.Set(ctx, tb); err != nil {
		t.Fatal(err)
	}
	if !rules.ToAddr("127.0.0.1:1002").Blocked() {
		t.Fatal("rules not applied")
	}
	if err := cl.Set(ctx, Table{Self: "a", Peers: threePeers, Links: []Link{{From: "a", To: "nobody", Drop: 1}}}); err == nil {
		t.Fatal("bad table accepted")
	}
	tb.Links = nil
	if err := cl.Set(ctx, tb); err != nil {
		t.Fatal(err)
	}
	if rules.ToAddr("127.0.0.1:1002").Blocked() {
		t.Fatal("not healed")
	}
	if _, err := cl.Stats(ctx); err != nil {
		t.Fatal(err)
	}
}
