package fsm

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/hashicorp/raft"

	"github.com/miroir-search/miroir/store"
)

var t0 = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

// gen builds a reproducible command log mixing every command type, with
// small id spaces so that many commands fail as domain errors, repeated
// request ids (replays), missing times, and unknown ignorable entries.
type gen struct {
	r   *rand.Rand
	now time.Time
	n   int
	ids []string // request ids used so far
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), now: t0}
}

func (g *gen) pick(xs ...string) string { return xs[g.r.IntN(len(xs))] }
func (g *gen) uid() uint64              { return uint64(g.r.IntN(g.n/2 + 1)) }

func (g *gen) meta() Meta {
	g.n++
	g.now = g.now.Add(time.Duration(g.r.IntN(2000)-100) * time.Millisecond)
	m := Meta{RequestID: fmt.Sprintf("req-%d", g.n), Time: g.now}
	switch x := g.r.IntN(100); {
	case x < 3 && len(g.ids) > 0:
		m.RequestID = g.ids[g.r.IntN(len(g.ids))] // a replay (possibly of another command)
	case x < 6:
		m.RequestID = ""
	case x < 7:
		m.Time = time.Time{}
	}
	g.ids = append(g.ids, m.RequestID)
	return m
}

func (g *gen) entry(t *testing.T) []byte {
	if g.r.IntN(200) == 0 {
		return []byte{byte(Ignorable | 0x11), 'x'}
	}
	t.Helper()
	if g.r.IntN(8) == 0 {
		return g.batch(t)
	}
	return g.encoded(t)
}

func (g *gen) encoded(t testing.TB) []byte {
	t.Helper()
	typ, p := g.payload()
	b, err := Encode(typ, p)
	if err != nil {
		t.Fatalf("encode %T: %v", p, err)
	}
	return b
}

// batch is a CmdBatch entry of 0-7 commands (replays and invalid commands
// included, as in single entries), sometimes with an unknown ignorable one.
func (g *gen) batch(t testing.TB) []byte {
	t.Helper()
	cmds := make([][]byte, g.r.IntN(8))
	for i := range cmds {
		if g.r.IntN(40) == 0 {
			cmds[i] = []byte{byte(Ignorable | 0x12), '{', '}'}
			continue
		}
		cmds[i] = g.encoded(t)
	}
	b, err := Encode(CmdBatch, Batch{Commands: cmds})
	if err != nil {
		t.Fatalf("encode batch: %v", err)
	}
	return b
}

func (g *gen) payload() (CommandType, Payload) {
	switch k := g.r.IntN(100); {
	case k < 12:
		return g.topology()
	case k < 30:
		return g.catalog()
	default:
		return g.tasks()
	}
}

func (g *gen) topology() (CommandType, Payload) {
	m := g.meta()
	node, group := g.pick("n1", "n2", "n3", "n4", "n5", ""), g.pick("g1", "g2", "gx")
	switch g.r.IntN(9) {
	case 7:
		return CmdStartMove, StartMove{Meta: m, Move: store.Move{ID: g.pick("m1", "m2", "m3"), Index: g.pick("a", "b"), Shard: g.r.IntN(70), Group: group, Target: node}}
	case 8:
		return CmdSetMovePhase, SetMovePhase{Meta: m, ID: g.pick("m1", "m2", "m4"), Phase: store.MovePhase(g.pick("copying", "verifying", "cutover", "cleanup", "done", "aborted"))}
	case 0:
		return CmdPutPeer, PutPeer{Meta: m, Peer: store.Peer{ID: g.pick("p1", "p2", "p3"), RaftAddr: g.pick("a:1", "b:2", ""), APIAddr: "h"}}
	case 1:
		return CmdRemovePeer, RemovePeer{Meta: m, ID: g.pick("p1", "p2", "p9")}
	case 2:
		return CmdAddGroup, AddGroup{Meta: m, Group: store.Group{ID: group, RF: g.r.IntN(5), State: store.GroupState(g.pick("", "active", "draining"))}}
	case 3:
		return CmdSetGroupState, SetGroupState{Meta: m, ID: group, State: store.GroupState(g.pick("active", "draining", "initializing"))}
	case 4:
		return CmdAddNode, AddNode{Meta: m, Node: store.Node{ID: node, Addr: "http://" + node, Group: group, State: store.NodeState(g.pick("", "active", "failed"))}}
	case 5:
		return CmdSetNodeAddr, SetNodeAddr{Meta: m, ID: node, Addr: g.pick("http://x", "")}
	default:
		return CmdSetNodeState, SetNodeState{Meta: m, ID: node, State: store.NodeState(g.pick("joining", "active", "draining", "failed", "removed"))}
	}
}

func (g *gen) catalog() (CommandType, Payload) {
	m := g.meta()
	idx, other := g.pick("a", "b", "c", "d", ""), g.pick("a", "b", "c", "e")
	if g.r.IntN(5) == 0 {
		return g.webhook(m)
	}
	switch g.r.IntN(10) {
	case 0:
		return CmdCreateIndex, CreateIndex{Meta: m, Index: store.NewIndex{UID: idx, PrimaryKey: g.pick("", "id"), Shards: g.r.IntN(3) * 8,
			Settings: json.RawMessage(g.pick(`{"b":1,"a":[1,2]}`, ``, `{"x":1.0e3}`, `"str"`))}}
	case 1:
		return CmdUpdateIndex, UpdateIndex{Meta: m, UID: idx, PrimaryKey: g.pick("id", "sku"), Force: g.r.IntN(4) == 0}
	case 2:
		return CmdDeleteIndex, DeleteIndex{Meta: m, UID: idx}
	case 3:
		return CmdUpdateSettings, UpdateSettings{Meta: m, UID: idx, Settings: json.RawMessage(`{"rankingRules":["words"]}`), IfVersion: uint64(g.r.IntN(4))}
	case 4:
		return CmdSwapIndexes, SwapIndexes{Meta: m, Swaps: []store.Swap{{Indexes: [2]string{idx, other}, Rename: g.r.IntN(3) == 0}}}
	case 5:
		return CmdSetAlias, SetAlias{Meta: m, Name: g.pick("live", "a", "old"), IndexUID: idx}
	case 6:
		return CmdDeleteAlias, DeleteAlias{Meta: m, Name: g.pick("live", "old")}
	case 7:
		name := g.pick("k", "search key")
		return CmdCreateKey, CreateKey{Meta: m, Key: store.Key{UID: g.pick("k1", "k2", "k3"), Name: &name, Actions: []string{"search"}, Indexes: []string{idx}}}
	case 8:
		d := g.pick("desc", "other")
		return CmdUpdateKey, UpdateKey{Meta: m, UID: g.pick("k1", "k2", "k9"), Update: store.KeyUpdate{SetDescription: true, Description: &d}}
	default:
		return CmdDeleteKey, DeleteKey{Meta: m, UID: g.pick("k1", "k2", "k9")}
	}
}

// webhook is a webhook command over a small uuid space, with headers given
// in random map order (the encoding must not depend on it).
func (g *gen) webhook(m Meta) (CommandType, Payload) {
	uuid := g.pick("w1", "w2", "w3", "")
	v := g.pick("x", "y")
	switch g.r.IntN(6) {
	case 0, 1, 2:
		return CmdCreateWebhook, CreateWebhook{Meta: m, Webhook: store.Webhook{UUID: uuid, URL: g.pick("http://h", ""),
			Headers: map[string]string{"A": v, "B": v, "C": g.pick("1", "2")}}}
	case 3, 4:
		return CmdUpdateWebhook, UpdateWebhook{Meta: m, UUID: uuid, Update: store.WebhookUpdate{URL: g.pick("", "http://u"),
			ResetHeaders: g.r.IntN(4) == 0, Headers: map[string]*string{"A": nil, "D": &v}}}
	default:
		return CmdDeleteWebhook, DeleteWebhook{Meta: m, UUID: uuid}
	}
}

func (g *gen) tasks() (CommandType, Payload) {
	m := g.meta()
	switch g.r.IntN(12) {
	case 0, 1, 2, 3:
		return CmdRegisterTasks, RegisterTasks{Meta: m, Tasks: g.newTasks()}
	case 4, 5:
		return CmdRecordNodeTasks, RecordNodeTasks{Meta: m, Entries: []store.NodeTasks{
			{TaskUID: g.uid(), NodeTasks: map[string]uint64{"n1": g.uid(), "n2": g.uid(), "n3": g.uid()}},
			{TaskUID: g.uid(), NodeTasks: map[string]uint64{"n2": g.uid()}},
		}}
	case 6, 7, 8:
		return CmdUpdateTasks, UpdateTasks{Meta: m, Updates: g.updates()}
	case 9:
		return CmdCancelTasks, CancelTasks{Meta: m, Filter: store.TaskFilter{IndexUIDs: []string{g.pick("a", "b")}}, CanceledBy: g.uid()}
	case 10:
		return CmdDeleteTasks, DeleteTasks{Meta: m, Filter: store.TaskFilter{Statuses: []store.TaskStatus{store.TaskCanceled}, AfterEnqueuedAt: t0}}
	default:
		return CmdPruneTasks, PruneTasks{Meta: m, Before: g.now.Add(-5 * time.Minute)}
	}
}

func (g *gen) newTasks() []store.NewTask {
	ts := make([]store.NewTask, 1+g.r.IntN(4))
	for i := range ts {
		ts[i] = store.NewTask{Type: g.pick("documentAdditionOrUpdate", "settingsUpdate", ""), IndexUID: g.pick("a", "b", "c"),
			Details: json.RawMessage(g.pick(`{"receivedDocuments":3}`, ``)), RequestID: "client"}
		if g.r.IntN(3) == 0 {
			ts[i].EnsureIndex = &store.NewIndex{PrimaryKey: g.pick("", "id", "sku")}
		}
		if ts[i].Type == "" && g.r.IntN(2) == 0 {
			ts[i].Type = "indexCreation" // keep invalid batches rarer
		}
	}
	return ts
}

func (g *gen) updates() []store.TaskUpdate {
	us := make([]store.TaskUpdate, 1+g.r.IntN(5))
	for i := range us {
		us[i] = store.TaskUpdate{UID: g.uid(), Status: store.TaskStatus(g.pick("processing", "succeeded", "failed", "enqueued", "canceled"))}
		if us[i].Status == store.TaskFailed {
			us[i].Error = &store.TaskError{Message: "boom", Code: "internal", Type: "internal"}
		}
		if g.r.IntN(3) == 0 {
			us[i].Details = json.RawMessage(`{"indexedDocuments":3}`)
		}
	}
	return us
}

// commandLog returns n raft log entries starting at index 1.
func commandLog(t *testing.T, seed uint64, n int) []*raft.Log {
	t.Helper()
	g := newGen(seed)
	logs := make([]*raft.Log, n)
	for i := range logs {
		logs[i] = &raft.Log{Index: uint64(i + 1), Type: raft.LogCommand, Data: g.entry(t)}
	}
	return logs
}

// memSink is an in-memory raft.SnapshotSink.
type memSink struct {
	bytes.Buffer
	canceled bool
}

func (s *memSink) ID() string    { return "mem" }
func (s *memSink) Close() error  { return nil }
func (s *memSink) Cancel() error { s.canceled = true; return nil }

func snapshotBytes(t testing.TB, f *FSM) []byte {
	t.Helper()
	snap, err := f.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	var sink memSink
	if err := snap.Persist(&sink); err != nil {
		t.Fatal(err)
	}
	snap.Release()
	return sink.Bytes()
}
