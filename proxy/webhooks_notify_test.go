package proxy

import (
	"context"
	"testing"

	"github.com/miroir-search/miroir/proxy/proxytest"
	"github.com/miroir-search/miroir/store"
)

func TestNotifierDeliversEachFinishedTaskOnceAndNoHistory(t *testing.T) {
	cat := proxytest.New()
	p, err := New(DefaultConfig(), Deps{State: cat, Catalog: cat}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	register := func() uint64 {
		regs, _, err := cat.RegisterTasks(ctx, []store.NewTask{{Type: "indexCreation", IndexUID: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		return regs[0].UID
	}
	finish := func(uid uint64) {
		if err := cat.UpdateTasks(ctx, []store.TaskUpdate{{UID: uid, Status: store.TaskSucceeded}}); err != nil {
			t.Fatal(err)
		}
	}
	n := newNotifier(p)
	delivered := func() []uint64 {
		select {
		case d := <-n.queue:
			var uids []uint64
			for _, task := range d.tasks {
				uids = append(uids, task.UID)
			}
			return uids
		default:
			return nil
		}
	}
	old := register()
	finish(old)
	open := register()
	n.tick() // a new leader takes its position without replaying history
	if _, err := cat.CreateWebhook(ctx, store.Webhook{UUID: "w", URL: "http://h"}); err != nil {
		t.Fatal(err)
	}
	n.tick()
	if got := delivered(); got != nil {
		t.Fatalf("nothing finished yet, delivered %v", got)
	}
	fresh := register()
	finish(fresh)
	finish(open)
	n.tick()
	if got := delivered(); len(got) != 2 || got[0] != open || got[1] != fresh {
		t.Fatalf("delivered %v, want [%d %d]", got, open, fresh)
	}
	n.tick()
	if got := delivered(); got != nil {
		t.Fatalf("delivered again: %v", got)
	}
}
