package history

import (
	"fmt"
	"sort"
)

// DocState is a document as one source saw it after healing.
type DocState struct {
	Present bool
	Version int64
	Shard   int // the document's _miroir_shard, when the source reports it (-1 unknown)
}

func (s DocState) String() string {
	if !s.Present {
		return "absent"
	}
	return fmt.Sprintf("v%d", s.Version)
}

// Observation is the final state read from the healed cluster.
type Observation struct {
	// Gets: index -> id -> state through get-by-id on a peer, for every id
	// the history wrote.
	Gets map[string]map[string]DocState
	// Search: index -> id -> state through a match-all search on a peer; an
	// id missing from the map was not returned (absent).
	Search map[string]map[string]DocState
	// Replicas: index -> node -> id -> state, read straight from each node
	// with the node key; Shard must be set.
	Replicas map[string]map[string]map[string]DocState
	// Owners optionally names, per index and shard, the nodes that must hold
	// it (from placement). When nil, a shard's owners are the nodes that hold
	// any document of that shard, and RF is checked against their count.
	Owners map[string]map[int][]string
	// RF is the expected number of replicas of each shard (all groups). 0
	// skips the replica-count check.
	RF int
}

type docKey struct{ index, id string }

// expectation is what may be found for one document: the state after its
// last acknowledged write, or after any later write of unknown outcome.
type expectation struct {
	acked    *DocState // nil: no acknowledged write
	allowed  []DocState
	stale    []DocState // states of unknown writes older than the acked one
	failed   []DocState // states of writes that definitely did not happen
	lastAck  int64      // version of the last acknowledged write
	hasWrite bool
}

func (e expectation) allows(s DocState) bool { return containsState(e.allowed, s) }

func containsState(list []DocState, s DocState) bool {
	for _, a := range list {
		if a.Present == s.Present && (!s.Present || a.Version == s.Version) {
			return true
		}
	}
	return false
}

type docWrite struct {
	version int64
	status  Status
	state   DocState
}

// Expectations derives, from every document write in ops, what each
// document may look like once the cluster has healed.
func expectations(ops []Op) map[docKey]expectation {
	dropped := map[string]bool{}
	for _, op := range ops {
		if op.Kind == KindDrop && op.Index != "" {
			dropped[op.Index] = true
		}
	}
	writes := map[docKey][]docWrite{}
	for _, op := range ops {
		if !IsWrite(op.Kind) || dropped[op.Index] {
			continue // a deleted index holds nothing to check; searches.go checks it stays empty
		}
		for _, d := range op.Docs {
			st := DocState{Present: op.Kind != KindDelete, Version: d.Version}
			if !st.Present {
				st.Version = 0
			}
			k := docKey{op.Index, d.ID}
			writes[k] = append(writes[k], docWrite{d.Version, op.Status, st})
		}
	}
	out := make(map[docKey]expectation, len(writes))
	for k, ws := range writes {
		out[k] = expect(ws)
	}
	return out
}

func expect(ws []docWrite) expectation {
	sort.Slice(ws, func(i, j int) bool { return ws[i].version < ws[j].version })
	e := expectation{hasWrite: true}
	last := -1
	for i, w := range ws {
		if w.status == StatusOK {
			last = i
		}
	}
	if last >= 0 {
		s := ws[last].state
		e.acked, e.lastAck = &s, ws[last].version
		e.allowed = append(e.allowed, s)
	} else {
		e.allowed = append(e.allowed, DocState{})
	}
	for i, w := range ws {
		switch {
		case w.status == StatusFail:
			e.failed = append(e.failed, w.state)
		case w.status == StatusUnknown && i > last:
			e.allowed = append(e.allowed, w.state)
		case w.status == StatusUnknown:
			e.stale = append(e.stale, w.state)
		}
	}
	return e
}

// classify names how a seen state departs from e ("" when allowed).
func (e expectation) classify(s DocState) string {
	switch {
	case e.allows(s):
		return ""
	case containsState(e.stale, s):
		return "stale" // an older write of unknown outcome landed after the acked one
	case e.acked != nil && e.acked.Present && (!s.Present || s.Version < e.lastAck):
		return "lost"
	case e.acked != nil && !e.acked.Present && s.Present && s.Version < e.lastAck:
		return "resurrected"
	case containsState(e.failed, s):
		return "failed-write-visible"
	default:
		return "phantom"
	}
}

// CheckDocuments is checker 1: every document whose write was acknowledged
// (task succeeded) is present at its latest acknowledged version, through
// get-by-id, through search, and on every replica of its shard; nothing
// else shows up. It returns the verdict and the number of documents lost:
// acknowledged, and held at an acceptable version by no source at all. A
// document some sources miss while another holds it is a violation too
// (divergent replicas: repair did not reach it), counted in the verdict but
// not as lost.
func CheckDocuments(ops []Op, obs Observation) (Verdict, int) {
	v := newVerdict("acknowledged writes survive")
	exp := expectations(ops)
	missing, held := map[docKey]bool{}, map[docKey]bool{}
	others := 0 // violations other than a missing acknowledged version
	check := func(source string, k docKey, s DocState) {
		e := exp[k]
		kind := e.classify(s)
		if kind == "" {
			held[k] = true
			return
		}
		if kind == "stale" {
			v.note("%s %s/%s: %s from an unknown older write (reordering, DESIGN §5.5)", source, k.index, k.id, s)
			return
		}
		if kind == "lost" {
			missing[k] = true
		} else {
			others++
		}
		v.fail("%s %s/%s: %s, want %s (%s)", source, k.index, k.id, s, describeAllowed(e), kind)
	}
	keys := sortedKeys(exp)
	checkReads(obs, keys, check, v)
	checkReplicas(obs, exp, check, v)
	lost, divergent := 0, 0
	for k := range missing {
		if held[k] {
			divergent++
		} else {
			lost++
		}
	}
	if divergent > 0 {
		// Not lost, but a violation all the same: the leader repairs a node
		// that missed writes (state recovering) before it serves reads, and
		// the run waits for repairs before reading (DESIGN §5.6).
		v.note("%d acknowledged documents missing from some reads or replicas but held by another (divergent replicas after healing and repair)", divergent)
	}
	v.note("%d documents checked, %d lost", len(keys), lost)
	return *v, lost
}

func checkReads(obs Observation, keys []docKey, check func(string, docKey, DocState), v *Verdict) {
	if obs.Gets == nil {
		v.note("get-by-id not observed")
	}
	if obs.Search == nil {
		v.note("search not observed")
	}
	for _, k := range keys {
		if obs.Gets != nil {
			check("get", k, obs.Gets[k.index][k.id])
		}
		if obs.Search != nil {
			check("search", k, obs.Search[k.index][k.id])
		}
	}
	// Documents a search returned that no write ever carried.
	for index, docs := range obs.Search {
		for id, s := range docs {
			if s.Present && !hasKey(keys, docKey{index, id}) {
				check("search", docKey{index, id}, s)
			}
		}
	}
}

func hasKey(keys []docKey, k docKey) bool {
	i := sort.Search(len(keys), func(i int) bool { return !lessKey(keys[i], k) })
	return i < len(keys) && keys[i] == k
}

func describeAllowed(e expectation) string {
	out := ""
	for i, s := range e.allowed {
		if i > 0 {
			out += " or "
		}
		out += s.String()
	}
	return out
}

func lessKey(a, b docKey) bool {
	if a.index != b.index {
		return a.index < b.index
	}
	return a.id < b.id
}

func sortedKeys(m map[docKey]expectation) []docKey {
	keys := make([]docKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return lessKey(keys[i], keys[j]) })
	return keys
}
