package fsm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/raft"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/miroir-search/miroir/store"
)

func applyOne(f *FSM, index uint64, data []byte) Result {
	r := f.Apply(&raft.Log{Index: index, Type: raft.LogCommand, Data: data})
	if r == nil {
		return Result{}
	}
	return r.(Result)
}

func mustEncode(t testing.TB, typ CommandType, p any) []byte {
	t.Helper()
	b, err := Encode(typ, p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestThreeFSMsFedTheSameLogProduceIdenticalSnapshots(t *testing.T) {
	logs := commandLog(t, 7, 4000)

	one := New(nil) // entry by entry
	for _, l := range logs {
		one.Apply(l)
	}
	two := New(nil) // in batches, as raft does with BatchingFSM
	for i := 0; i < len(logs); i += 37 {
		two.ApplyBatch(logs[i:min(i+37, len(logs))])
	}
	three := New(nil) // restored from a snapshot of a peer halfway through
	half := New(nil)
	for _, l := range logs[:2000] {
		half.Apply(l)
	}
	if err := three.Restore(readCloser(snapshotBytes(t, half))); err != nil {
		t.Fatal(err)
	}
	for _, l := range logs[2000:] {
		three.Apply(l)
	}

	want := snapshotBytes(t, one)
	for name, f := range map[string]*FSM{"batched": two, "restored": three} {
		if got := snapshotBytes(t, f); !bytes.Equal(got, want) {
			t.Fatalf("%s FSM snapshot differs (%d vs %d bytes)", name, len(got), len(want))
		}
		if f.Digest() != one.Digest() {
			t.Fatalf("%s FSM digest differs", name)
		}
	}
	if one.AppliedIndex() != 4000 {
		t.Fatalf("applied index %d", one.AppliedIndex())
	}
	assertLogExercisedTheState(t, one)
}

// assertLogExercisedTheState guards the generator: a log that fails every
// command would make the determinism test vacuous.
func assertLogExercisedTheState(t *testing.T, f *FSM) {
	t.Helper()
	f.Read(func(s *store.State) {
		terminal := s.ListTasks(store.TaskFilter{Statuses: []store.TaskStatus{store.TaskSucceeded, store.TaskFailed, store.TaskCanceled}}, store.TaskPage{})
		if s.NextTaskUID() < 500 || len(s.Indexes()) == 0 || len(s.Nodes()) == 0 || terminal.Total == 0 || s.RequestCount() == 0 || s.WebhookCount() == 0 {
			t.Fatalf("generated log barely changed the state: next uid %d, %d indexes, %d nodes, %d finished tasks",
				s.NextTaskUID(), len(s.Indexes()), len(s.Nodes()), terminal.Total)
		}
	})
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func readCloser(b []byte) nopCloser { return nopCloser{bytes.NewReader(b)} }

func TestSnapshotRestoreSnapshotIsIdentical(t *testing.T) {
	f := New(nil)
	for _, l := range commandLog(t, 11, 1500) {
		f.Apply(l)
	}
	first := snapshotBytes(t, f)
	g := New(nil)
	if err := g.Restore(readCloser(first)); err != nil {
		t.Fatal(err)
	}
	if second := snapshotBytes(t, g); !bytes.Equal(first, second) {
		t.Fatal("snapshot -> restore -> snapshot changed the bytes")
	}
	if g.AppliedIndex() != f.AppliedIndex() {
		t.Fatalf("applied index %d after restore, want %d", g.AppliedIndex(), f.AppliedIndex())
	}
	if !strings.HasPrefix(string(first), `{"version":1,"appliedIndex":1500,"state":{`) {
		t.Fatalf("envelope: %.60s", first)
	}
}

func TestRestoreRejectsBadSnapshotsAndKeepsState(t *testing.T) {
	f := New(nil)
	applyOne(f, 1, mustEncode(t, CmdCreateIndex, CreateIndex{Meta: Meta{Time: t0}, Index: store.NewIndex{UID: "a"}}))
	before := f.Digest()
	for _, raw := range []string{`{"version":2,"state":{}}`, `{"version":1}`, `not json`, `{"version":1,"state":{"tasks":[{"uid":3}]}}`} {
		if err := f.Restore(readCloser([]byte(raw))); err == nil {
			t.Errorf("restored %s", raw)
		}
	}
	if f.Digest() != before {
		t.Fatal("a rejected snapshot changed the state")
	}
}

func TestReplayingARequestIDReturnsTheOriginalResult(t *testing.T) {
	f := New(nil)
	reg := mustEncode(t, CmdRegisterTasks, RegisterTasks{Meta: Meta{RequestID: "r1", Time: t0},
		Tasks: []store.NewTask{{Type: "indexCreation", IndexUID: "a"}, {Type: "indexCreation", IndexUID: "b"}}})
	first := applyOne(f, 1, reg)
	digest := f.Digest()
	again := applyOne(f, 2, reg)
	if !reflect.DeepEqual(first, again) {
		t.Fatalf("replay result %s, want %s", again.Value, first.Value)
	}
	var res RegisterTasksResult
	raw, _ := json.Marshal(again)
	if err := DecodeResult(raw, &res); err != nil || len(res.Tasks) != 2 || res.Tasks[1].UID != 1 {
		t.Fatalf("decoded %+v err %v", res, err)
	}
	f.Read(func(s *store.State) {
		if s.NextTaskUID() != 2 {
			t.Fatalf("replay allocated uids: next %d", s.NextTaskUID())
		}
	})
	// Only the applied index moved.
	if d := f.Digest(); d == digest {
		t.Fatal("applied index should be part of the digest")
	}

	create := mustEncode(t, CmdCreateIndex, CreateIndex{Meta: Meta{RequestID: "r2", Time: t0}, Index: store.NewIndex{UID: "a"}})
	dup := mustEncode(t, CmdCreateIndex, CreateIndex{Meta: Meta{RequestID: "r3", Time: t0}, Index: store.NewIndex{UID: "a"}})
	if r := applyOne(f, 3, create); r.Err != nil {
		t.Fatal(r.Err)
	}
	if r := applyOne(f, 4, create); r.Err != nil {
		t.Fatalf("replayed create failed: %v", r.Err)
	}
	if r := applyOne(f, 5, dup); r.Err == nil || r.Err.Code != "index_already_exists" {
		t.Fatalf("second create with a new id: %+v", r)
	}
}

func TestDecodeResultReturnsTypedErrors(t *testing.T) {
	f := New(nil)
	r := applyOne(f, 1, mustEncode(t, CmdDeleteIndex, DeleteIndex{Meta: Meta{Time: t0}, UID: "ghost"}))
	raw, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	err = DecodeResult(raw, nil)
	var re *ResultError
	if !errors.As(err, &re) || re.Code != "index_not_found" || re.Message != "Index `ghost` not found." {
		t.Fatalf("err = %#v", err)
	}
	if !errors.Is(err, store.ErrIndexNotFound) {
		t.Fatal("ResultError does not unwrap to the store sentinel")
	}
	var idx store.Index
	ok := applyOne(f, 2, mustEncode(t, CmdCreateIndex, CreateIndex{Meta: Meta{Time: t0}, Index: store.NewIndex{UID: "m"}}))
	raw, _ = json.Marshal(ok)
	if err := DecodeResult(raw, &idx); err != nil || idx.UID != "m" || idx.Shards != store.DefaultShards {
		t.Fatalf("idx %+v err %v", idx, err)
	}
}

func TestErrorCodes(t *testing.T) {
	tests := []struct {
		typ  CommandType
		p    Payload
		code string
	}{
		{CmdSetNodeState, SetNodeState{ID: "n"}, "miroir_node_not_found"},
		{CmdRemovePeer, RemovePeer{ID: "p"}, "miroir_peer_not_found"},
		{CmdDeleteKey, DeleteKey{UID: "k"}, "api_key_not_found"},
		{CmdDeleteWebhook, DeleteWebhook{UUID: "w"}, "webhook_not_found"},
		{CmdUpdateWebhook, UpdateWebhook{UUID: "w"}, "webhook_not_found"},
		{CmdCreateWebhook, CreateWebhook{Webhook: store.Webhook{UUID: "w"}}, CodeInvalidCommand},
		{CmdAddNode, AddNode{Node: store.Node{ID: "n", Addr: "a", Group: "g"}}, "miroir_group_not_found"},
		{CmdCreateIndex, CreateIndex{Index: store.NewIndex{UID: "x", Shards: -1}}, CodeInvalidCommand},
		{CmdNoop, Noop{}, ""},
	}
	for _, tc := range tests {
		f := New(nil)
		b := mustEncode(t, tc.typ, tc.p)
		// Stamp a time: the payloads above carry none.
		cmd, _ := DecodeCommand(b)
		b = restamp(t, cmd)
		r := applyOne(f, 1, b)
		got := ""
		if r.Err != nil {
			got = r.Err.Code
		}
		if got != tc.code {
			t.Errorf("%T: code %q, want %q", tc.p, got, tc.code)
		}
	}
	r := applyOne(New(nil), 1, mustEncode(t, CmdNoop, Noop{}))
	if r.Err == nil || r.Err.Code != CodeInvalidCommand {
		t.Fatalf("a command without time: %+v", r)
	}
}

// restamp re-encodes cmd with Meta.Time = t0.
func restamp(t *testing.T, cmd Command) []byte {
	t.Helper()
	b := mustEncode(t, cmd.Type, cmd.Payload)
	var m map[string]any
	if err := json.Unmarshal(b[1:], &m); err != nil {
		t.Fatal(err)
	}
	m["time"] = t0
	body, _ := json.Marshal(m)
	return append([]byte{byte(cmd.Type)}, body...)
}

func TestCorruptEntriesPanicAndIgnorableOnesAreSkipped(t *testing.T) {
	f := New(nil)
	if r := f.Apply(&raft.Log{Index: 3, Type: raft.LogCommand, Data: []byte{0x95, '{'}}); !reflect.DeepEqual(r, Result{}) {
		t.Fatalf("ignorable entry result %v", r)
	}
	if f.AppliedIndex() != 3 {
		t.Fatalf("applied %d", f.AppliedIndex())
	}
	if r := f.Apply(&raft.Log{Index: 4, Type: raft.LogConfiguration}); r != nil {
		t.Fatalf("configuration entry result %v", r)
	}
	for _, data := range [][]byte{{0x7f, '{', '}'}, {byte(CmdCreateIndex), '{'}, nil} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("no panic for %q", data)
				}
			}()
			f.Apply(&raft.Log{Index: 5, Type: raft.LogCommand, Data: data})
		}()
	}
}

func TestEncodeChecksThePayloadType(t *testing.T) {
	if _, err := Encode(CmdCreateIndex, DeleteIndex{}); !errors.Is(err, ErrTypeMismatch) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Encode(CmdCreateIndex, "nope"); !errors.Is(err, ErrTypeMismatch) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Encode(CmdCreateIndex, &CreateIndex{}); err != nil {
		t.Fatalf("pointer payload: %v", err)
	}
}

func TestWaitAppliedWakesOnApplyAndHonoursContext(t *testing.T) {
	f := New(nil)
	done := make(chan error, 1)
	go func() { done <- f.WaitApplied(context.Background(), 2) }()
	applyOne(f, 1, mustEncode(t, CmdNoop, Noop{Meta: Meta{Time: t0}}))
	applyOne(f, 2, mustEncode(t, CmdNoop, Noop{Meta: Meta{Time: t0}}))
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("WaitApplied did not return after the index was applied")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := f.WaitApplied(ctx, 99); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if err := f.WaitApplied(context.Background(), 1); err != nil {
		t.Fatal(err)
	}
}

func TestReadersSeeConsistentStateDuringApply(t *testing.T) {
	f := New(nil)
	logs := commandLog(t, 3, 800)
	stop := make(chan struct{})
	go func() {
		defer close(stop)
		for _, l := range logs {
			f.Apply(l)
		}
	}()
	for {
		select {
		case <-stop:
			return
		default:
		}
		f.Read(func(s *store.State) {
			if n := s.TaskCount(); uint64(n) > s.NextTaskUID() {
				t.Errorf("%d tasks but next uid %d", n, s.NextTaskUID())
			}
		})
		_ = f.Digest()
	}
}

func TestDigestFollowsRestoreEvenAtTheSameIndex(t *testing.T) {
	a, b := New(nil), New(nil)
	applyOne(a, 1, mustEncode(t, CmdCreateIndex, CreateIndex{Meta: Meta{Time: t0}, Index: store.NewIndex{UID: "a"}}))
	applyOne(b, 1, mustEncode(t, CmdCreateIndex, CreateIndex{Meta: Meta{Time: t0}, Index: store.NewIndex{UID: "b"}}))
	da := a.Digest()
	if da != a.Digest() || da == b.Digest() {
		t.Fatal("digest not stable, or equal for different states")
	}
	if err := a.Restore(readCloser(snapshotBytes(t, b))); err != nil {
		t.Fatal(err)
	}
	if a.Digest() != b.Digest() {
		t.Fatal("digest cache survived a restore")
	}
	if err := DecodeResult(nil, nil); err != nil {
		t.Fatalf("empty result: %v", err)
	}
}

func TestApplyLatencyIsRecordedByCommandName(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	f := New(nil, WithMetrics(m))
	data, err := Encode(CmdNoop, &Noop{Meta: Meta{RequestID: "r1", Time: time.Unix(1, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	f.Apply(&raft.Log{Index: 1, Type: raft.LogCommand, Data: data})
	families, err := reg.Gather()
	if err != nil || len(families) != 1 || len(families[0].GetMetric()) != 1 {
		t.Fatalf("gathered %v, %v; want one series", families, err)
	}
	series := families[0].GetMetric()[0]
	if l := series.GetLabel(); len(l) != 1 || l[0].GetValue() != "noop" {
		t.Errorf("labels %v, want command=noop", l)
	}
	if n := series.GetHistogram().GetSampleCount(); n != 1 {
		t.Errorf("%d samples, want 1", n)
	}
}
