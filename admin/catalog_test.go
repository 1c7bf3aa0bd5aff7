package admin_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// fsmConsensus applies commands at once to a real fsm.FSM, as a one-peer
// raft would, so the Catalog's encoding and result decoding are tested
// against the real log contract.
type fsmConsensus struct {
	mu    sync.Mutex
	f     *fsm.FSM
	index uint64
	err   error
}

func (c *fsmConsensus) Apply(ctx context.Context, cmd []byte) (admin.Applied, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return admin.Applied{}, c.err
	}
	c.index++
	v := c.f.Apply(&raft.Log{Index: c.index, Type: raft.LogCommand, Data: cmd})
	raw, err := json.Marshal(v)
	return admin.Applied{Index: c.index, Response: raw}, err
}

func (c *fsmConsensus) WaitApplied(ctx context.Context, index uint64) error {
	return c.f.WaitApplied(ctx, index)
}
func (c *fsmConsensus) Status() admin.Status                            { return admin.Status{} }
func (c *fsmConsensus) RemovePeer(ctx context.Context, id string) error { return nil }
func (c *fsmConsensus) Handler() http.Handler                           { return http.NotFoundHandler() }

func TestCatalogCommitsCommandsAndReturnsTheirValues(t *testing.T) {
	c := &fsmConsensus{f: fsm.New(nil)}
	cat := admin.NewCatalog(c, nil, nil)
	ctx := context.Background()
	regs, index, err := cat.RegisterTasks(ctx, []store.NewTask{{Type: "documentAdditionOrUpdate", IndexUID: "books",
		EnsureIndex: &store.NewIndex{UID: "books", PrimaryKey: "id", Shards: 4}}})
	if err != nil || len(regs) != 1 || index != 1 || !regs[0].IndexCreated {
		t.Fatalf("register: %+v %d %v", regs, index, err)
	}
	idx, err := cat.SetPrimaryKey(ctx, "books", "id", false)
	if err != nil || idx.PrimaryKey != "id" {
		t.Fatalf("primary key: %+v %v", idx, err)
	}
	v, err := cat.UpdateSettings(ctx, "books", json.RawMessage(`{"searchableAttributes":["title"]}`), 0)
	if err != nil || v == 0 {
		t.Fatalf("settings: %d %v", v, err)
	}
	var seen bool
	c.f.Read(func(s *store.State) { _, seen = s.ResolveIndex("books") })
	if !seen {
		t.Fatal("index not in the local state after the call returned")
	}
}

func TestCatalogDomainErrorsAreMeilisearchErrors(t *testing.T) {
	cat := admin.NewCatalog(&fsmConsensus{f: fsm.New(nil)}, nil, nil)
	_, err := cat.SetPrimaryKey(context.Background(), "ghost", "id", false)
	var me *meili.Error
	if !errors.As(err, &me) || me.Code != meili.CodeIndexNotFound || me.Status != http.StatusNotFound {
		t.Fatalf("primary key of an unknown index: %#v", err)
	}
	err = cat.SetNodeState(context.Background(), "ghost", store.NodeDraining)
	if !errors.As(err, &me) || me.Code != meili.CodeMiroirNodeNotFound {
		t.Fatalf("unknown node: %#v", err)
	}
}

func TestCatalogWithoutLeaderIsMiroirNoLeader(t *testing.T) {
	cat := admin.NewCatalog(&fsmConsensus{f: fsm.New(nil), err: fmt.Errorf("hold: %w", admin.ErrNoLeader)}, nil, nil)
	_, _, err := cat.RegisterTasks(context.Background(), []store.NewTask{{Type: "indexCreation", IndexUID: "x"}})
	var me *meili.Error
	if !errors.As(err, &me) || me.Code != meili.CodeMiroirNoLeader || me.Status != http.StatusServiceUnavailable {
		t.Fatalf("no leader: %#v", err)
	}
}

func TestCatalogPrunesTasksFinishedBeforeTheCutoff(t *testing.T) {
	cat := admin.NewCatalog(&fsmConsensus{f: fsm.New(nil)}, nil, nil)
	ctx := context.Background()
	regs, _, err := cat.RegisterTasks(ctx, []store.NewTask{{Type: "indexCreation", IndexUID: "a"}, {Type: "indexCreation", IndexUID: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.UpdateTasks(ctx, []store.TaskUpdate{{UID: regs[0].UID, Status: store.TaskSucceeded}}); err != nil {
		t.Fatal(err)
	}
	n, err := cat.PruneTasks(ctx, time.Now().Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want 1 (the unfinished task stays)", n, err)
	}
}
