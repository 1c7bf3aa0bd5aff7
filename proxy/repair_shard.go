package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strconv"

	"github.com/zeebo/xxh3"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// docSig is what repair compares of one document on one replica.
type docSig struct {
	rawID   json.RawMessage // the primary key value as stored
	version uint64
	hash    uint64 // of the whole stored document
}

// shardDiff is what n's replica of one shard lacks against a donor's.
type shardDiff struct {
	donor    store.Node
	copies   []json.RawMessage          // donor documents n lacks or holds older
	copied   map[string]json.RawMessage // their ids -> raw primary keys
	deletes  []json.RawMessage          // raw primary keys of documents to delete on n
	material int                        // changes below the boundary
}

// diffShard compares n's replica of shard with donor's (see repair.go);
// it changes nothing.
func (r *repairer) diffShard(ctx context.Context, t *topology, n, donor store.Node, shard int, bound uint64) (shardDiff, error) {
	d := shardDiff{donor: donor, copied: map[string]json.RawMessage{}}
	target := map[string]docSig{}
	err := r.browseShard(ctx, n, t, shard, func(id string, sig docSig, _ json.RawMessage) {
		target[id] = sig
	})
	if err != nil {
		return d, err
	}
	err = r.browseShard(ctx, donor, t, shard, func(id string, ds docSig, raw json.RawMessage) {
		cur, ok := target[id]
		delete(target, id)
		if ok && (cur.version > ds.version || (cur.version == ds.version && cur.hash == ds.hash)) {
			return // equal, or a newer write reached n first
		}
		d.copies = append(d.copies, raw)
		d.copied[id] = ds.rawID
		if ds.version < bound {
			d.material++
		}
	})
	if unprepared(err) {
		// The donor never received a document of this index (it is
		// prepared before its first one): nothing to compare with.
		return shardDiff{donor: donor}, nil
	}
	if err != nil {
		return d, err
	}
	var gone []string
	for id, sig := range target {
		if sig.version < bound {
			gone = append(gone, id)
		}
	}
	gone, err = r.absentOn(ctx, donor, t, gone, target)
	if err != nil {
		return d, err
	}
	for _, id := range gone {
		d.deletes = append(d.deletes, target[id].rawID)
	}
	d.material += len(gone)
	return d, nil
}

// applyDiffs writes the diffs of an index's shards to n as few node tasks
// (a node runs an index's tasks one by one, so one task per shard made
// repairs slow), waits for them, then verifies the copies per donor.
func (r *repairer) applyDiffs(ctx context.Context, t *topology, n store.Node, diffs []shardDiff) (repairStats, error) {
	var st repairStats
	w := &repairWriter{r: r, n: n, t: t, pk: t.index.PrimaryKey}
	byDonor := map[string]map[string]json.RawMessage{}
	donors := map[string]store.Node{}
	for _, d := range diffs {
		st.shards++
		st.material += d.material
		for _, raw := range d.copies {
			w.copy(raw)
			if w.count >= repairPage {
				if err := w.flush(ctx); err != nil {
					return st, err
				}
			}
		}
		st.copied += len(d.copies)
		if len(d.copied) > 0 {
			if byDonor[d.donor.ID] == nil {
				byDonor[d.donor.ID], donors[d.donor.ID] = map[string]json.RawMessage{}, d.donor
			}
			maps.Copy(byDonor[d.donor.ID], d.copied)
		}
	}
	if err := w.flush(ctx); err != nil {
		return st, err
	}
	for _, d := range diffs {
		for _, id := range d.deletes {
			w.remove(id)
		}
		st.deleted += len(d.deletes)
	}
	if err := w.flush(ctx); err != nil {
		return st, err
	}
	r.p.res.repairDocs.WithLabelValues("copied").Add(float64(st.copied))
	r.p.res.repairDocs.WithLabelValues("deleted").Add(float64(st.deleted))
	if err := w.wait(ctx); err != nil {
		return st, err
	}
	for id, ids := range byDonor {
		again, err := r.verifyCopies(ctx, t, n, donors[id], w, ids)
		if err != nil {
			return st, err
		}
		st.material += again
	}
	return st, nil
}

// verifyCopyRounds bounds the re-copies of documents that a concurrent
// write changed while they were being copied.
const verifyCopyRounds = 3

// verifyCopies reads the copied documents back from both replicas once the
// copies are applied: a write that reached n just before a copy of an
// older version was overwritten by it, and the donor, which got the write
// too, now holds a higher version. Those are copied again. It returns how
// many still differ after the last round (they make the pass unclean).
func (r *repairer) verifyCopies(ctx context.Context, t *topology, n, donor store.Node, w *repairWriter, ids map[string]json.RawMessage) (int, error) {
	for round := 0; len(ids) > 0; round++ {
		raws := make([]json.RawMessage, 0, len(ids))
		for _, raw := range ids {
			raws = append(raws, raw)
		}
		have, _, err := r.fetchIDs(ctx, n, t, raws)
		if err != nil {
			return 0, err
		}
		want, docs, err := r.fetchIDs(ctx, donor, t, raws)
		if err != nil {
			return 0, err
		}
		behind := map[string]json.RawMessage{}
		for id, d := range want {
			if cur, ok := have[id]; !ok || cur.version < d.version {
				behind[id] = ids[id]
			}
		}
		if len(behind) == 0 {
			return 0, nil
		}
		if round == verifyCopyRounds {
			return len(behind), nil
		}
		for id := range behind {
			w.copy(docs[id])
		}
		if err := w.flush(ctx); err != nil {
			return 0, err
		}
		if err := w.wait(ctx); err != nil {
			return 0, err
		}
		ids = behind
	}
	return 0, nil
}

// fetchIDs reads the documents with the given primary keys from node: the
// signature and raw body of each one it holds.
func (r *repairer) fetchIDs(ctx context.Context, node store.Node, t *topology, rawIDs []json.RawMessage) (map[string]docSig, map[string]json.RawMessage, error) {
	sigs, docs := map[string]docSig{}, map[string]json.RawMessage{}
	path := "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/documents/fetch"
	for len(rawIDs) > 0 {
		chunk := rawIDs[:min(len(rawIDs), repairPage)]
		rawIDs = rawIDs[len(chunk):]
		var page fetchPage
		body := mustJSON(map[string]any{"ids": chunk, "limit": len(chunk)})
		if err := r.call(ctx, node, request{method: http.MethodPost, path: path, body: body}, &page); err != nil {
			return nil, nil, err
		}
		for _, raw := range page.Results {
			id, sig, err := signDoc(raw, t.index.PrimaryKey)
			if err != nil {
				return nil, nil, err
			}
			sigs[id], docs[id] = sig, raw
		}
	}
	return sigs, docs, nil
}

// unprepared reports whether a node answered as one that never got a
// document of the index: no index, or `_miroir_shard` not filterable.
func unprepared(err error) bool {
	return isCode(err, meili.CodeIndexNotFound) || isCode(err, meili.CodeInvalidDocumentFilter)
}

// fetchPage is a node's documents/fetch answer.
type fetchPage struct {
	Results []json.RawMessage `json:"results"`
	Total   int               `json:"total"`
}

// browseShard reads every document of shard on node, page by page, and
// calls fn with its canonical id, signature and raw body.
func (r *repairer) browseShard(ctx context.Context, node store.Node, t *topology, shard int, fn func(string, docSig, json.RawMessage)) error {
	path := "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/documents/fetch"
	filter := reservedShardField + " = " + strconv.Itoa(shard)
	for offset := 0; ; offset += repairPage {
		var page fetchPage
		body := mustJSON(map[string]any{"filter": filter, "offset": offset, "limit": repairPage})
		if err := r.call(ctx, node, request{method: http.MethodPost, path: path, body: body}, &page); err != nil {
			return err
		}
		for _, raw := range page.Results {
			id, sig, err := signDoc(raw, t.index.PrimaryKey)
			if err != nil {
				return fmt.Errorf("node %s: %w", node.ID, err)
			}
			fn(id, sig, raw)
		}
		if len(page.Results) < repairPage {
			return nil
		}
	}
}

// signDoc extracts a stored document's id and version and hashes it.
func signDoc(raw json.RawMessage, pk string) (string, docSig, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return "", docSig{}, fmt.Errorf("reading a stored document: %w", err)
	}
	id, err := meili.CanonicalID(fields[pk])
	if err != nil {
		return "", docSig{}, fmt.Errorf("a stored document has no valid `%s`: %w", pk, err)
	}
	sig := docSig{rawID: fields[pk], hash: xxh3.Hash(raw)}
	if v, ok := fields[reservedVersionField]; ok {
		sig.version, _ = strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 64)
	}
	return id, sig, nil
}

// absentOn returns the ids of candidates that node does not hold, asking
// for exactly those ids (a browse under concurrent writes can skip one).
func (r *repairer) absentOn(ctx context.Context, node store.Node, t *topology, ids []string, sigs map[string]docSig) ([]string, error) {
	raws := make([]json.RawMessage, len(ids))
	for i, id := range ids {
		raws[i] = sigs[id].rawID
	}
	held, _, err := r.fetchIDs(ctx, node, t, raws)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range ids {
		if _, ok := held[id]; !ok {
			out = append(out, id)
		}
	}
	return out, nil
}

// restrictsDisplayed reports whether catalog settings hide fields from
// document reads.
func restrictsDisplayed(settings json.RawMessage) bool {
	var s struct {
		Displayed []string `json:"displayedAttributes"`
	}
	if json.Unmarshal(settings, &s) != nil || s.Displayed == nil {
		return false
	}
	return !(len(s.Displayed) == 1 && s.Displayed[0] == "*")
}

// repairSettings copies the donor's settings to n when they differ and no
// settings task of the index is open (one in flight reaches n anyway, and
// copying the donor's now could undo it).
func (r *repairer) repairSettings(ctx context.Context, t *topology, n, donor store.Node) error {
	path := "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/settings"
	get := func(node store.Node) (map[string]json.RawMessage, error) {
		var m map[string]json.RawMessage
		err := r.call(ctx, node, request{method: http.MethodGet, path: path}, &m)
		return m, err
	}
	want, err := get(donor)
	if unprepared(err) || (err == nil && !shardFilterable(want["filterableAttributes"])) {
		return nil // an unprepared donor has nothing to teach
	}
	if err != nil {
		return err
	}
	have, err := get(n)
	if err != nil {
		return err
	}
	if bytes.Equal(mustJSON(want), mustJSON(have)) || r.settingsOpen(t.index.UID) {
		return nil
	}
	w := &repairWriter{r: r, n: n, t: t}
	if err := w.do(ctx, request{method: http.MethodPatch, path: path, body: mustJSON(want)}); err != nil {
		return err
	}
	r.p.log.Info("repair copied settings", "index", t.index.UID, "node", n.ID, "from", donor.ID)
	return w.wait(ctx)
}

// shardFilterable reports whether a filterableAttributes value names
// `_miroir_shard`.
func shardFilterable(raw json.RawMessage) bool {
	var list []json.RawMessage
	_ = json.Unmarshal(raw, &list)
	for _, a := range list {
		if string(a) == `"`+reservedShardField+`"` || bytes.Contains(a, []byte(`"`+reservedShardField+`"`)) {
			return true
		}
	}
	return false
}

func (r *repairer) settingsOpen(uid string) bool {
	open := false
	r.p.state.Read(func(s *store.State) {
		for _, t := range s.OpenTasks() {
			if t.IndexUID == uid && t.Type == kindSettingsUpdate {
				open = true
				return
			}
		}
	})
	return open
}
