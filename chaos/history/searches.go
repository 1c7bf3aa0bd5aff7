package history

// CheckSearches is checker 4: no search (or get) returns the same document
// twice, a document of an index whose deletion had already succeeded, a
// document claiming another index, or a version no write had carried by the
// time the search returned.
func CheckSearches(ops []Op) Verdict {
	v := newVerdict("searches: no duplicates, no deleted index, no phantoms")
	deleted := deletions(ops)
	written := writtenVersions(ops)
	n := 0
	for _, op := range ops {
		if (op.Kind != KindSearch && op.Kind != KindGet) || op.Status != StatusOK {
			continue
		}
		n++
		checkDuplicates(op, v)
		if at, ok := deleted[op.Index]; ok && op.Call > at && len(op.Hits) > 0 {
			v.fail("op %d: search on %s returned %d hit(s) after its deletion succeeded", op.ID, op.Index, len(op.Hits))
		}
		for _, h := range op.Hits {
			if h.Index != "" && h.Index != op.Index {
				v.fail("op %d: search on %s returned %s of index %s", op.ID, op.Index, h.ID, h.Index)
			}
			if call, ok := written[versionKey{op.Index, h.ID, h.Version}]; !ok || call > op.Return {
				v.fail("op %d: %s/%s v%d was never written before the search returned", op.ID, op.Index, h.ID, h.Version)
			}
		}
	}
	v.note("%d reads checked", n)
	return *v
}

func checkDuplicates(op Op, v *Verdict) {
	seen := map[string]bool{}
	for _, h := range op.Hits {
		if seen[h.ID] {
			v.fail("op %d: search on %s returned %s twice", op.ID, op.Index, h.ID)
		}
		seen[h.ID] = true
	}
}

// deletions maps an index uid to the completion time of its first
// acknowledged deletion, for indexes never created or written again after
// that deletion was invoked.
func deletions(ops []Op) map[string]int64 {
	out := map[string]int64{}
	invoked := map[string]int64{}
	for _, op := range ops {
		if op.Kind == KindDrop && op.Status == StatusOK && op.Index != "" {
			if _, ok := out[op.Index]; !ok {
				out[op.Index], invoked[op.Index] = op.Return, op.Call
			}
		}
	}
	for _, op := range ops {
		at, ok := invoked[op.Index]
		if ok && op.Call > at && (op.Kind == KindCreate || op.Kind == KindSet || IsWrite(op.Kind)) {
			delete(out, op.Index)
		}
	}
	return out
}

type versionKey struct {
	index, id string
	version   int64
}

// writtenVersions maps each written (index, id, version) to the earliest
// invocation of a write carrying it. Failed writes count: a search may see
// a write whose task later failed on another replica.
func writtenVersions(ops []Op) map[versionKey]int64 {
	out := map[versionKey]int64{}
	for _, op := range ops {
		if op.Kind != KindUpsert && op.Kind != KindUpdate {
			continue
		}
		for _, d := range op.Docs {
			k := versionKey{op.Index, d.ID, d.Version}
			if at, ok := out[k]; !ok || op.Call < at {
				out[k] = op.Call
			}
		}
	}
	return out
}
