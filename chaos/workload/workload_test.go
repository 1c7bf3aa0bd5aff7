package workload

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/miroir-search/miroir/chaos/history"
)

// runAgainst runs a short workload against a fake and returns the history
// and the final observation (the fake doubles as the only "node").
func runAgainst(t *testing.T, f *fakeMeili, ops int) ([]history.Op, history.Observation) {
	t.Helper()
	srv := httptest.NewServer(f.handler())
	t.Cleanup(srv.Close)
	addr := strings.TrimPrefix(srv.URL, "http://")
	cfg := DefaultConfig()
	cfg.Peers, cfg.MasterKey, cfg.Clients = []string{addr}, "k", 3
	cfg.Interval, cfg.DoomAfter, cfg.PollInterval = 0, 0, time.Millisecond
	h := history.New()
	w, err := New(cfg, h)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := w.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { w.Run(runCtx); close(done) }()
	for len(h.Ops()) < ops {
		time.Sleep(5 * time.Millisecond)
	}
	w.newClient(0).dropIndex(ctx, w.DoomedIndex())
	cancel()
	<-done
	obs, err := w.Observe(ctx, h.Ops(), []Node{{Name: "fake", Addr: addr, Key: "k"}})
	if err != nil {
		t.Fatal(err)
	}
	return h.Ops(), obs
}

func TestWorkloadAgainstACorrectNodePassesEveryChecker(t *testing.T) {
	ops, obs := runAgainst(t, newFakeMeili(), 600)
	c := history.Count(ops, history.WriteKinds...)
	if c.OK < 50 {
		t.Fatalf("too few acknowledged writes: %+v", c)
	}
	docs, lost := history.CheckDocuments(ops, obs)
	verdicts := []history.Verdict{docs, history.CheckSearches(ops), history.CheckTasks(ops),
		history.CheckLinearizable(ops, 10*time.Second)}
	for _, v := range verdicts {
		if !v.OK {
			t.Errorf("%s: %s", v.Name, v.Summary())
		}
	}
	if lost != 0 {
		t.Errorf("lost %d", lost)
	}
	for _, k := range []history.Kind{history.KindSearch, history.KindGet, history.KindCreate, history.KindRead, history.KindSet} {
		if history.Count(ops, k).OK == 0 {
			t.Errorf("no successful %s in %d ops", k, len(ops))
		}
	}
}

func TestWorkloadCatchesANodeThatLosesAcknowledgedWrites(t *testing.T) {
	f := newFakeMeili()
	f.loseEvery = 7
	ops, obs := runAgainst(t, f, 400)
	v, lost := history.CheckDocuments(ops, obs)
	if v.OK || lost == 0 {
		t.Fatalf("a node dropping every 7th write passed: %s", v.Summary())
	}
}
