package cluster

import (
	"errors"
	"io"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

type nopFSM struct{}

func (nopFSM) Apply(*raft.Log) any                 { return nil }
func (nopFSM) Snapshot() (raft.FSMSnapshot, error) { return nil, errors.New("no snapshots") }
func (nopFSM) Restore(io.ReadCloser) error         { return nil }

// Regression: after raft shut down, raft.Apply could still accept a command
// into its buffered channel and never answer it, hanging a command
// forwarded to a peer that had just left.
func TestApplyAfterRaftShutdownFailsInsteadOfHanging(t *testing.T) {
	conf := raft.DefaultConfig()
	conf.LocalID = "solo"
	conf.LogOutput = io.Discard
	conf.BatchApplyCh = true // the buffered channel that could swallow a command
	_, trans := raft.NewInmemTransport("solo")
	store := raft.NewInmemStore()
	r, err := raft.NewRaft(conf, nopFSM{}, store, store, raft.NewInmemSnapshotStore(), trans)
	if err != nil {
		t.Fatal(err)
	}
	servers := raft.Configuration{Servers: []raft.Server{{ID: "solo", Address: trans.LocalAddr()}}}
	if err := r.BootstrapCluster(servers).Error(); err != nil {
		t.Fatal(err)
	}
	if err := r.Shutdown().Error(); err != nil {
		t.Fatal(err)
	}
	p := &Peer{raft: r}
	for i := 0; i < 200; i++ { // raft picks between its channels at random
		done := make(chan error, 1)
		go func() { done <- p.raftApply([]byte("x"), time.Second).Error() }()
		select {
		case err := <-done:
			if !errors.Is(err, raft.ErrRaftShutdown) {
				t.Fatalf("apply %d after shutdown: got %v, want ErrRaftShutdown", i, err)
			}
		case <-time.After(30 * time.Second): // a hang, not a speed check
			t.Fatalf("apply %d after shutdown never answered", i)
		}
	}
}

// Regression: raft's Shutdown could wait forever on a replication pipeline
// blocked on its connection; closing the stream layer must close dialed
// connections too (not only accepted ones), which is what unblocks it.
func TestStreamLayerCloseClosesDialedAndAcceptedConnections(t *testing.T) {
	l, err := newTCPStreamLayer("127.0.0.1:0", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c
		}
		close(accepted)
	}()
	dialed, err := l.Dial(raft.ServerAddress(l.Addr().String()), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	in, ok := <-accepted
	if !ok {
		t.Fatal("accept failed")
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]net.Conn{"dialed": dialed, "accepted": in} {
		if _, err := c.Write([]byte("x")); err == nil {
			t.Errorf("%s connection still writable after Close", name)
		}
	}
	if _, err := l.Dial(raft.ServerAddress("127.0.0.1:1"), 10*time.Millisecond); err == nil {
		t.Error("dial after Close succeeded")
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
