package history

import (
	"strings"
	"testing"
	"time"
)

// w builds a completed document write; call/ret are on the history clock.
func w(kind Kind, status Status, call, ret int64, index, id string, version int64) Op {
	if status == StatusUnknown {
		ret = Infinity
	}
	return Op{Kind: kind, Status: status, Call: call, Return: ret, Index: index,
		Docs: []DocVersion{{ID: id, Version: version}}, TaskUID: -1}
}

func present(v int64) DocState { return DocState{Present: true, Version: v, Shard: -1} }

func gets(index string, docs map[string]DocState) Observation {
	return Observation{Gets: map[string]map[string]DocState{index: docs}}
}

func TestCheckDocuments(t *testing.T) {
	cases := []struct {
		name string
		ops  []Op
		obs  Observation
		ok   bool
		lost int
	}{
		{"acked upsert present at its version",
			[]Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1)},
			gets("i", map[string]DocState{"a": present(1)}), true, 0},
		{"acked upsert missing is lost",
			[]Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1)},
			gets("i", map[string]DocState{}), false, 1},
		{"older version than the acked one is lost",
			[]Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1), w(KindUpdate, StatusOK, 3, 4, "i", "a", 2)},
			gets("i", map[string]DocState{"a": present(1)}), false, 1},
		{"a later write of unknown outcome may or may not be there",
			[]Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1), w(KindUpsert, StatusUnknown, 3, 0, "i", "a", 2)},
			gets("i", map[string]DocState{"a": present(2)}), true, 0},
		{"only unknown writes allow absence",
			[]Op{w(KindUpsert, StatusUnknown, 1, 0, "i", "a", 1)},
			gets("i", map[string]DocState{}), true, 0},
		{"an acked delete must stay deleted",
			[]Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1), w(KindDelete, StatusOK, 3, 4, "i", "a", 2)},
			gets("i", map[string]DocState{"a": present(1)}), false, 0},
		{"a definitely failed write must not be visible",
			[]Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1), w(KindUpsert, StatusFail, 3, 4, "i", "a", 2)},
			gets("i", map[string]DocState{"a": present(2)}), false, 0},
		{"an older unknown write landing late is stale, not lost",
			[]Op{w(KindUpsert, StatusUnknown, 1, 0, "i", "a", 1), w(KindUpsert, StatusOK, 3, 4, "i", "a", 2)},
			gets("i", map[string]DocState{"a": present(1)}), true, 0},
		{"search must return acked documents",
			[]Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1)},
			Observation{Search: map[string]map[string]DocState{"i": {}}}, false, 1},
		{"search returning a never-written document is a phantom",
			[]Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1)},
			Observation{Search: map[string]map[string]DocState{"i": {"a": present(1), "zz": present(9)}}}, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, lost := CheckDocuments(c.ops, c.obs)
			if v.OK != c.ok || lost != c.lost {
				t.Fatalf("ok=%v lost=%d, want ok=%v lost=%d: %+v", v.OK, lost, c.ok, c.lost, v)
			}
		})
	}
}

func TestCheckDocumentsReplicas(t *testing.T) {
	ops := []Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1), w(KindUpsert, StatusOK, 1, 2, "i", "b", 1)}
	on := func(shard int) DocState { return DocState{Present: true, Version: 1, Shard: shard} }
	t.Run("every owner of the shard holds the document", func(t *testing.T) {
		obs := Observation{RF: 2, Replicas: map[string]map[string]map[string]DocState{"i": {
			"n1": {"a": on(3), "b": on(5)}, "n2": {"a": on(3)}, "n3": {"b": on(5)}}}}
		if v, _ := CheckDocuments(ops, obs); !v.OK {
			t.Fatalf("%+v", v)
		}
	})
	t.Run("a replica missing an acked document is a loss", func(t *testing.T) {
		obs := Observation{Owners: map[string]map[int][]string{"i": {3: {"n1", "n2"}, 5: {"n1", "n3"}}},
			Replicas: map[string]map[string]map[string]DocState{"i": {
				"n1": {"a": on(3), "b": on(5)}, "n2": {"a": on(3)}, "n3": {}}}}
		v, lost := CheckDocuments(ops, obs)
		if v.OK || lost != 0 || !strings.Contains(v.Details[0], "node n3") || !strings.Contains(strings.Join(v.Notes, " "), "1 acknowledged documents missing") {
			t.Fatalf("a document held by n1 but missing on n3 is divergent, not lost: lost=%d %+v", lost, v)
		}
		if !v.Fatal() {
			t.Fatalf("divergent replicas after healing are a violation (repair must equal them): %+v", v)
		}
		obs.Replicas["i"]["n1"] = map[string]DocState{"a": on(3)}
		if v, lost := CheckDocuments(ops, obs); !v.Fatal() || lost != 1 {
			t.Fatalf("a document on no replica is lost: lost=%d %+v", lost, v)
		}
	})
	t.Run("a shard holding only writes of unknown outcome may be under-replicated", func(t *testing.T) {
		unknown := []Op{w(KindUpsert, StatusOK, 1, 2, "i", "a", 1), w(KindUpsert, StatusUnknown, 1, 0, "i", "b", 1)}
		obs := Observation{RF: 2, Replicas: map[string]map[string]map[string]DocState{"i": {
			"n1": {"a": on(3), "b": on(5)}, "n2": {"a": on(3)}}}}
		if v, _ := CheckDocuments(unknown, obs); !v.OK {
			t.Fatalf("%+v", v)
		}
	})
	t.Run("a partially applied unknown delete must be repaired on every replica of its shard", func(t *testing.T) {
		del := append(ops, w(KindDelete, StatusUnknown, 3, 0, "i", "b", 2))
		obs := Observation{RF: 2, Replicas: map[string]map[string]map[string]DocState{"i": {
			"n1": {"a": on(3), "b": on(5)}, "n2": {"a": on(3)}}}}
		if v, _ := CheckDocuments(del, obs); !v.OK {
			t.Fatalf("%+v", v)
		}
		obs.Owners = map[string]map[int][]string{"i": {3: {"n1", "n2"}, 5: {"n1", "n2"}}}
		v, _ := CheckDocuments(del, obs)
		if !v.Fatal() || !strings.Contains(strings.Join(v.Details, " "), "1 documents differ between the replicas of their shard after healing, e.g. b (shard 5) is v1 on n1, absent on n2") {
			t.Fatalf("replicas that disagree, even within the allowed states, are a violation once healed and repaired: %+v", v)
		}
	})
	t.Run("a shard on fewer nodes than RF is under-replicated", func(t *testing.T) {
		obs := Observation{RF: 2, Replicas: map[string]map[string]map[string]DocState{"i": {
			"n1": {"a": on(3), "b": on(5)}, "n2": {"a": on(3)}}}}
		if v, _ := CheckDocuments(ops, obs); v.OK || !strings.Contains(v.Details[0], "shard 5") {
			t.Fatalf("%+v", v)
		}
	})
}

func search(call, ret int64, index string, hits ...DocVersion) Op {
	return Op{Kind: KindSearch, Status: StatusOK, Call: call, Return: ret, Index: index, Hits: hits, TaskUID: -1}
}

func TestCheckSearches(t *testing.T) {
	write := w(KindUpsert, StatusOK, 1, 2, "i", "a", 1)
	drop := Op{Kind: KindDrop, Status: StatusOK, Call: 10, Return: 20, Index: "i", Entity: "index:i"}
	cases := []struct {
		name string
		ops  []Op
		ok   bool
	}{
		{"a plain hit", []Op{write, search(3, 4, "i", DocVersion{ID: "a", Version: 1})}, true},
		{"a duplicate hit", []Op{write, search(3, 4, "i", DocVersion{ID: "a", Version: 1}, DocVersion{ID: "a", Version: 1})}, false},
		{"a hit after the index deletion succeeded", []Op{write, drop, search(21, 22, "i", DocVersion{ID: "a", Version: 1})}, false},
		{"a hit concurrent with the deletion", []Op{write, drop, search(15, 22, "i", DocVersion{ID: "a", Version: 1})}, true},
		{"a version nobody wrote", []Op{write, search(3, 4, "i", DocVersion{ID: "a", Version: 7})}, false},
		{"a version written concurrently", []Op{write, w(KindUpsert, StatusUnknown, 5, 0, "i", "a", 2), search(4, 6, "i", DocVersion{ID: "a", Version: 2})}, true},
		{"a document of another index", []Op{write, search(3, 4, "i", DocVersion{ID: "a", Version: 1, Index: "j"})}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if v := CheckSearches(c.ops); v.OK != c.ok {
				t.Fatalf("ok=%v want %v: %+v", v.OK, c.ok, v)
			}
		})
	}
}

func task(uid int64, call, ret int64) Op {
	return Op{Kind: KindUpsert, Status: StatusOK, Call: call, Return: ret, TaskUID: uid}
}

func observed(uid int64, status string, call, ret int64) Op {
	return Op{Kind: KindTaskStatus, Status: StatusOK, Call: call, Return: ret, TaskUID: uid, TaskStatus: status}
}

func TestCheckTasks(t *testing.T) {
	cases := []struct {
		name string
		ops  []Op
		ok   bool
	}{
		{"increasing uids", []Op{task(1, 0, 1), task(2, 2, 3)}, true},
		{"concurrent ops may get uids in any order", []Op{task(2, 0, 5), task(1, 1, 6)}, true},
		{"a later op with a smaller uid", []Op{task(5, 0, 1), task(4, 2, 3)}, false},
		{"one uid for two ops", []Op{task(1, 0, 1), task(1, 2, 3)}, false},
		{"status progresses", []Op{observed(1, "enqueued", 0, 1), observed(1, "processing", 2, 3), observed(1, "succeeded", 4, 5)}, true},
		{"a finished task changes", []Op{observed(1, "succeeded", 0, 1), observed(1, "failed", 2, 3)}, false},
		{"a task goes back", []Op{observed(1, "processing", 0, 1), observed(1, "enqueued", 2, 3)}, false},
		{"a task goes back after it finished", []Op{observed(1, "succeeded", 0, 1), observed(1, "processing", 2, 3)}, false},
		{"overlapping observations may disagree in order", []Op{observed(1, "processing", 0, 3), observed(1, "enqueued", 2, 4)}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := CheckTasks(c.ops)
			if v.OK != c.ok {
				t.Fatalf("ok=%v want %v: %+v", v.OK, c.ok, v)
			}
			if !v.OK && !v.Fatal() {
				t.Fatalf("%q is reported as known (%q): every task violation must fail the run", c.name, v.Known)
			}
		})
	}
}

func TestUnavailabilityFindsTheLongestGapIncludingEdges(t *testing.T) {
	s := int64(time.Second)
	ops := []Op{task(1, 0, 1*s), task(2, 0, 2*s), task(3, 0, 6*s), {Kind: KindUpsert, Status: StatusFail, Return: 4 * s}}
	win := Unavailability(ops, 0, 7*s, WriteKinds...)
	if win.Longest != 4*time.Second || win.From != 2*s || win.To != 6*s || win.Successes != 3 {
		t.Fatalf("%+v", win)
	}
	if w := Unavailability(nil, 0, 7*s, WriteKinds...); w.Longest != 7*time.Second {
		t.Fatalf("no success should be unavailable throughout: %+v", w)
	}
	ops = append(ops, task(4, 3*s, 5*s))
	if d := RecoveryAfter(ops, 3*s, WriteKinds...); d != 2*time.Second {
		t.Fatalf("recovery %v", d)
	}
}

func TestCheckDigests(t *testing.T) {
	same := []PeerState{{"p1", "d", 5}, {"p2", "d", 5}, {"p3", "d", 5}}
	if v := CheckDigests(same, 3); !v.OK {
		t.Fatalf("%+v", v)
	}
	if v := CheckDigests([]PeerState{{"p1", "d", 5}, {"p2", "e", 5}, {"p3", "d", 5}}, 3); v.OK {
		t.Fatal("different digests passed")
	}
	if v := CheckDigests(same[:2], 3); v.OK {
		t.Fatal("a missing peer passed")
	}
}

func meta(kind Kind, status Status, call, ret int64, entity, value string, exists bool, code string) Op {
	if status == StatusUnknown {
		ret = Infinity
	}
	return Op{Kind: kind, Status: status, Call: call, Return: ret, Entity: entity, Value: value, Exists: exists, Code: code}
}

func TestCheckLinearizable(t *testing.T) {
	cases := []struct {
		name string
		ops  []Op
		ok   bool
	}{
		{"create then read sees it",
			[]Op{meta(KindCreate, StatusOK, 0, 1, "index:a", "", false, ""), meta(KindRead, StatusOK, 2, 3, "index:a", "", true, "")}, true},
		{"a read after an acked create misses it",
			[]Op{meta(KindCreate, StatusOK, 0, 1, "index:a", "", false, ""), meta(KindRead, StatusOK, 2, 3, "index:a", "", false, "")}, false},
		{"a concurrent read may miss it",
			[]Op{meta(KindCreate, StatusOK, 0, 4, "index:a", "", false, ""), meta(KindRead, StatusOK, 2, 3, "index:a", "", false, "")}, true},
		{"an unknown create may have happened",
			[]Op{meta(KindCreate, StatusUnknown, 0, 0, "index:a", "", false, ""), meta(KindRead, StatusOK, 2, 3, "index:a", "", true, "")}, true},
		{"an unknown create may not have happened",
			[]Op{meta(KindCreate, StatusUnknown, 0, 0, "index:a", "", false, ""), meta(KindRead, StatusOK, 2, 3, "index:a", "", false, "")}, true},
		{"existence cannot flicker without a delete",
			[]Op{meta(KindCreate, StatusUnknown, 0, 0, "index:a", "", false, ""),
				meta(KindRead, StatusOK, 2, 3, "index:a", "", true, ""), meta(KindRead, StatusOK, 4, 5, "index:a", "", false, "")}, false},
		{"a stale settings read",
			[]Op{meta(KindSet, StatusOK, 0, 1, "index:a", "s1", false, ""), meta(KindSet, StatusOK, 2, 3, "index:a", "s2", false, ""),
				meta(KindRead, StatusOK, 4, 5, "index:a", "s1", true, "")}, false},
		{"already-exists for an entity never created",
			[]Op{meta(KindCreate, StatusFail, 0, 1, "key:k", "", false, "api_key_already_exists")}, false},
		{"not-found after a delete",
			[]Op{meta(KindCreate, StatusOK, 0, 1, "index:a", "", false, ""), meta(KindDrop, StatusOK, 2, 3, "index:a", "", false, ""),
				meta(KindDrop, StatusFail, 4, 5, "index:a", "", false, "index_not_found")}, true},
		{"entities are independent",
			[]Op{meta(KindCreate, StatusOK, 0, 1, "index:a", "", false, ""), meta(KindRead, StatusOK, 2, 3, "index:b", "", false, "")}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if v := CheckLinearizable(c.ops, 5*time.Second); v.OK != c.ok {
				t.Fatalf("ok=%v want %v: %+v", v.OK, c.ok, v)
			}
		})
	}
}

func TestHistoryRecordsOutcomes(t *testing.T) {
	h := New()
	p := h.Invoke(Op{Kind: KindUpsert, Index: "i"})
	q := h.Invoke(Op{Kind: KindSearch, Index: "i"})
	p.Complete(Result{Status: StatusOK, HasTask: true, TaskUID: 7, TaskStatus: "succeeded"})
	q.Complete(Result{Status: StatusUnknown})
	h.Note("SIGKILL %s", "peer1")
	ops := h.Ops()
	if ops[0].Status != StatusOK || ops[0].TaskUID != 7 || ops[0].Return == Infinity || ops[0].Return < ops[0].Call {
		t.Fatalf("%+v", ops[0])
	}
	if ops[1].Return != Infinity || ops[1].TaskUID != -1 {
		t.Fatalf("unknown op must return at Infinity: %+v", ops[1])
	}
	if c := Count(ops); c != (Counts{Attempted: 2, OK: 1, Unknown: 1}) {
		t.Fatalf("%+v", c)
	}
	if ev := h.Events(); len(ev) != 1 || ev[0].What != "SIGKILL peer1" {
		t.Fatalf("%+v", ev)
	}
}
