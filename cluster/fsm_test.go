package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster"
	"github.com/miroir-search/miroir/cluster/clustertest"
	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/store"
)

func applyFSM(t *testing.T, n *clustertest.Node, typ fsm.CommandType, payload any) cluster.Applied {
	t.Helper()
	cmd, err := fsm.Encode(typ, payload)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a, err := n.Peer.Apply(ctx, cmd)
	if err != nil {
		t.Fatalf("apply on %s: %v", n.Config.PeerID, err)
	}
	return a
}

func TestRealFSMReplicatesThroughCluster(t *testing.T) {
	c := clustertest.MakeCluster(t, 3,
		clustertest.WithFSM(func() cluster.FSM { return fsm.New(nil) }),
		clustertest.WithConfig(func(cfg *cluster.Config) {
			cfg.SnapshotThreshold = 16
			cfg.TrailingLogs = 4
			cfg.SnapshotInterval = 20 * time.Millisecond
		}))
	c.WaitForLeader(t, leaderWait)
	now := time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC)
	create := fsm.CreateIndex{Meta: fsm.Meta{RequestID: "req-1", Time: now}, Index: store.NewIndex{UID: "movies", PrimaryKey: "id"}}

	follower := c.Followers()[0]
	a := applyFSM(t, follower, fsm.CmdCreateIndex, create)
	if err := fsm.DecodeResult(a.Response, nil); err != nil {
		t.Fatalf("create index: %v", err)
	}
	again := applyFSM(t, c.Followers()[1], fsm.CmdCreateIndex, create)
	if string(again.Response) != string(a.Response) {
		t.Fatalf("a retried request was not idempotent: %s then %s", a.Response, again.Response)
	}
	create.RequestID = "req-2"
	dup := applyFSM(t, follower, fsm.CmdCreateIndex, create)
	if err := fsm.DecodeResult(dup.Response, nil); !errors.Is(err, store.ErrIndexExists) {
		t.Fatalf("second create = %v, want index exists", err)
	}

	lagger := c.Followers()[0]
	c.Stop(lagger.Index)
	leader := c.WaitForLeader(t, leaderWait)
	var last cluster.Applied
	for i := range 40 {
		last = applyFSM(t, leader, fsm.CmdNoop, fsm.Noop{Meta: fsm.Meta{RequestID: fmt.Sprintf("noop-%d", i), Time: now}})
	}
	back := c.Restart(lagger.Index)
	waitApplied(t, back, last.Index)
	found := false
	back.FSM.(*fsm.FSM).Read(func(s *store.State) { _, found = s.Index("movies") })
	if !found {
		t.Fatal("restarted peer lost the index")
	}
	c.EnsureSame(t)
}
