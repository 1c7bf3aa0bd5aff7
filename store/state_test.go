package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestRequestMemoryIsBoundedByCountAndAge(t *testing.T) {
	s := New()
	for i := range RequestMemoryMax + 10 {
		s.RememberRequest(fmt.Sprint("r", i), t0, json.RawMessage(`1`))
	}
	if s.RequestCount() != RequestMemoryMax {
		t.Fatalf("count %d", s.RequestCount())
	}
	if _, ok := s.RecallRequest("r0"); ok {
		t.Fatal("oldest request not evicted")
	}
	if r, ok := s.RecallRequest(fmt.Sprint("r", RequestMemoryMax+9)); !ok || string(r) != "1" {
		t.Fatal("newest request lost")
	}
	s.RememberRequest("late", t0.Add(RequestMemoryAge+time.Second), json.RawMessage(`2`))
	if s.RequestCount() != 1 {
		t.Fatalf("aged requests kept: %d", s.RequestCount())
	}
	if r, ok := s.RecallRequest("late"); !ok || string(r) != "2" {
		t.Fatal("late request lost")
	}
}

func TestRequestMemoryIsBoundedByBytes(t *testing.T) {
	s := New()
	big := json.RawMessage(`"` + strings.Repeat("x", 1<<20) + `"`)
	for i := range 20 {
		s.RememberRequest(fmt.Sprint("r", i), t0, big)
	}
	if n := s.RequestCount(); n != RequestMemoryBytes/len(big) {
		t.Fatalf("kept %d results of %d bytes", n, len(big))
	}
	if _, ok := s.RecallRequest("r19"); !ok {
		t.Fatal("newest request lost")
	}
	c := s.Clone() // rebuilds the byte count
	c.RememberRequest("small", t0, json.RawMessage(`1`))
	if c.RequestCount() != s.RequestCount()+1 {
		t.Fatalf("clone miscounted bytes: %d records", c.RequestCount())
	}
}

func TestCatalogSwapIsAtomic(t *testing.T) {
	s := New()
	for _, uid := range []string{"a", "b", "c"} {
		if _, err := s.CreateIndex(NewIndex{UID: uid, PrimaryKey: "pk_" + uid}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateIndex(NewIndex{UID: "a"}, t0); !errors.Is(err, ErrIndexExists) {
		t.Fatalf("err = %v", err)
	}
	err := s.SwapIndexes([]Swap{{Indexes: [2]string{"a", "b"}}, {Indexes: [2]string{"c", "x"}}}, t0)
	if !errors.Is(err, ErrIndexNotFound) {
		t.Fatalf("err = %v", err)
	}
	if a, _ := s.Index("a"); a.PhysicalName != "a" {
		t.Fatal("a failed swap changed the catalog")
	}
	err = s.SwapIndexes([]Swap{{Indexes: [2]string{"a", "b"}}, {Indexes: [2]string{"b", "c"}}}, t0)
	if !errors.Is(err, ErrSwapDuplicate) {
		t.Fatalf("err = %v", err)
	}
	if err := s.SwapIndexes([]Swap{{Indexes: [2]string{"a", "b"}}, {Indexes: [2]string{"c", "d"}, Rename: true}}, t0); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Index("a")
	d, _ := s.Index("d")
	if a.PhysicalName != "b" || a.PrimaryKey != "pk_b" || a.UID != "a" || d.PhysicalName != "c" || d.UID != "d" {
		t.Fatalf("after swap a=%+v d=%+v", a, d)
	}
	if _, ok := s.Index("c"); ok {
		t.Fatal("renamed index still present")
	}
}

func TestAliasesResolveAndKeepHistory(t *testing.T) {
	s := New()
	for _, uid := range []string{"v1", "v2"} {
		if _, err := s.CreateIndex(NewIndex{UID: uid}, t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetAlias("v1", "v2", t0); !errors.Is(err, ErrAliasConflict) {
		t.Fatalf("err = %v", err)
	}
	if _, err := s.SetAlias("live", "v1", t0); err != nil {
		t.Fatal(err)
	}
	a, err := s.SetAlias("live", "v2", t0.Add(time.Minute))
	if err != nil || len(a.History) != 1 || a.History[0].IndexUID != "v1" {
		t.Fatalf("alias %+v err %v", a, err)
	}
	if idx, ok := s.ResolveIndex("live"); !ok || idx.UID != "v2" {
		t.Fatalf("resolve live: %+v", idx)
	}
	if _, err := s.CreateIndex(NewIndex{UID: "live"}, t0); !errors.Is(err, ErrAliasConflict) {
		t.Fatalf("err = %v", err)
	}
}

func TestSettingsVersionIsCompareAndSet(t *testing.T) {
	s := New()
	if _, err := s.CreateIndex(NewIndex{UID: "a", Settings: json.RawMessage(`{"b":[1], "a":1.50}`)}, t0); err != nil {
		t.Fatal(err)
	}
	if idx, _ := s.Index("a"); string(idx.Settings) != `{"a":1.50,"b":[1]}` || idx.SettingsVersion != 1 {
		t.Fatalf("settings %s v%d", idx.Settings, idx.SettingsVersion)
	}
	if v, err := s.UpdateSettings("a", json.RawMessage(`{}`), 1, t0); err != nil || v != 2 {
		t.Fatalf("v=%d err=%v", v, err)
	}
	if _, err := s.UpdateSettings("a", json.RawMessage(`{}`), 1, t0); !errors.Is(err, ErrSettingsVersion) {
		t.Fatalf("stale version: err = %v", err)
	}
	if _, err := s.UpdateSettings("a", json.RawMessage(`{`), 0, t0); !errors.Is(err, ErrInvalid) {
		t.Fatalf("bad json: err = %v", err)
	}
}

func TestKeysCreateUpdateDelete(t *testing.T) {
	s := New()
	name := "search"
	k, err := s.CreateKey(Key{UID: "u1", Name: &name, Actions: []string{"search"}, Indexes: []string{"*"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	name = "changed by caller"
	if *k.Name != "search" {
		t.Fatal("key retains a caller pointer")
	}
	if _, err := s.CreateKey(Key{UID: "u1"}, t0); !errors.Is(err, ErrKeyExists) {
		t.Fatalf("err = %v", err)
	}
	k, err = s.UpdateKey("u1", KeyUpdate{SetDescription: true, Description: &name}, t0.Add(time.Second))
	if err != nil || k.Name == nil || *k.Description != name || !k.UpdatedAt.After(k.CreatedAt) {
		t.Fatalf("key %+v err %v", k, err)
	}
	if err := s.DeleteKey("u1"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteKey("u1"); !errors.Is(err, ErrKeyNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestEncodingRoundTripsAndCloneIsIndependent(t *testing.T) {
	s := taskFixture(t)
	if err := s.AddGroup(Group{ID: "g", RF: 1}, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.PutPeer(Peer{ID: "p1", RaftAddr: "127.0.0.1:1"}); err != nil {
		t.Fatal(err)
	}
	s.RememberRequest("r1", t0, json.RawMessage(`{"value":1}`))
	before, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Clone()
	if _, err := c.RegisterTasks([]NewTask{{Type: "x"}}, t0); err != nil {
		t.Fatal(err)
	}
	c.RecordNodeTasks([]NodeTasks{{TaskUID: 9, NodeTasks: map[string]uint64{"n": 1}}})
	if after, _ := json.Marshal(s); !bytes.Equal(before, after) {
		t.Fatal("mutating a clone changed the original")
	}
	var r State
	if err := json.Unmarshal(before, &r); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(&r)
	if !bytes.Equal(before, again) {
		t.Fatalf("round trip differs:\n%s\n%s", before, again)
	}
	if res, ok := r.RecallRequest("r1"); !ok || string(res) != `{"value":1}` {
		t.Fatal("request memory lost in round trip")
	}
}

func TestUnmarshalRejectsBrokenInvariants(t *testing.T) {
	for _, raw := range []string{
		`{"nextTaskUid":1,"tasks":[{"uid":0},{"uid":0}]}`,
		`{"nextTaskUid":1,"tasks":[{"uid":5}]}`,
		`{"nextTaskUid":1,"tasks":[null]}`,
		`{"requests":[{"id":"a"},{"id":"a"}]}`,
		`{"tasks":{}}`,
	} {
		var s State
		if err := json.Unmarshal([]byte(raw), &s); err == nil {
			t.Errorf("accepted %s", raw)
		}
	}
}
