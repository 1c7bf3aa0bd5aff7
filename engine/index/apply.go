package index

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// Kind is the one operation a Batch performs.
type Kind int

// The batch kinds.
const (
	KindUpsert         Kind = iota + 1 // add or replace whole documents
	KindUpdate                         // add documents or merge top-level fields into existing ones
	KindDelete                         // delete IDs
	KindDeleteByFilter                 // delete what Filter matches
	KindClear                          // delete every document
)

// Batch is one node task applied to the index.
type Batch struct {
	TaskUID    uint64
	Kind       Kind
	PrimaryKey string            // optional; sets the primary key when the index has none
	Documents  []json.RawMessage // KindUpsert, KindUpdate: JSON objects
	IDs        []string          // KindDelete: canonical ids
	Filter     any               // KindDeleteByFilter: as accepted by meili.ParseFilter
}

// BatchResult gives the task details of an applied batch.
type BatchResult struct {
	IndexedDocuments int    // documents added or updated
	DeletedDocuments int    // documents that existed and were deleted
	PrimaryKey       string // the index's primary key after the batch
}

// Apply performs b durably; see the package documentation for semantics.
func (x *Index) Apply(ctx context.Context, b Batch) (BatchResult, error) {
	if err := ctx.Err(); err != nil {
		return BatchResult{}, err
	}
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	if x.isClosed() {
		return BatchResult{}, ErrClosed
	}
	if b.TaskUID != 0 && b.TaskUID <= x.AppliedTaskUID() {
		return BatchResult{PrimaryKey: x.PrimaryKey()}, nil
	}
	x.setIndexing(true)
	defer x.setIndexing(false)
	plan, err := x.plan(b)
	if err != nil {
		// Record the task as applied so a replay does not retry it.
		w := write{}
		x.withTask(&w, b.TaskUID)
		if serr := x.st.apply(w); serr != nil {
			return BatchResult{}, serr
		}
		x.mu.Lock()
		x.bumpApplied(b.TaskUID)
		x.mu.Unlock()
		return BatchResult{PrimaryKey: x.PrimaryKey()}, err
	}
	return x.commit(b.TaskUID, plan)
}

func (x *Index) setIndexing(v bool) {
	x.mu.Lock()
	x.indexing = v
	x.mu.Unlock()
}

// plan is a validated batch: final documents to store and ids to delete.
type plan struct {
	pk      string
	newPK   bool
	order   []string // ids of put, in first-seen order
	put     map[string][]byte
	flat    map[string][]field
	del     []string
	indexed int
}

func (x *Index) plan(b Batch) (*plan, error) {
	p := &plan{pk: x.PrimaryKey(), put: map[string][]byte{}, flat: map[string][]field{}}
	switch b.Kind {
	case KindUpsert, KindUpdate:
		return p, x.planDocuments(p, b)
	case KindDelete:
		p.del = b.IDs
		return p, nil
	case KindDeleteByFilter:
		return p, x.planFilterDelete(p, b.Filter)
	case KindClear:
		m, unlock, err := x.readLock()
		if err != nil {
			return nil, err
		}
		defer unlock()
		for id := range m.byID {
			p.del = append(p.del, id)
		}
		return p, nil
	}
	return nil, meili.Errorf(meili.CodeInternal, "unknown batch kind %d", b.Kind)
}

func (x *Index) planDocuments(p *plan, b Batch) error {
	if err := p.choosePK(b); err != nil {
		return err
	}
	for _, raw := range b.Documents {
		ms, err := members(raw)
		if err != nil {
			return meili.Errorf(meili.CodeMalformedPayload, "The document is not a valid JSON object: %v", err)
		}
		id, err := documentID(ms, p.pk, raw)
		if err != nil {
			return err
		}
		if b.Kind == KindUpdate {
			raw = x.merged(p, id, ms)
		}
		if _, seen := p.put[id]; !seen {
			p.order = append(p.order, id)
		}
		p.put[id] = raw
		p.indexed++
	}
	for _, id := range p.order {
		fields, err := flatten(p.put[id])
		if err != nil {
			return meili.Errorf(meili.CodeMalformedPayload, "The document is not a valid JSON object: %v", err)
		}
		p.flat[id] = fields
	}
	return nil
}

// merged applies a partial update onto the current version of id (from this
// batch or the index): existing fields are replaced in place, new ones appended.
func (x *Index) merged(p *plan, id string, update []member) []byte {
	base, ok := p.put[id]
	if !ok {
		m, unlock, err := x.readLock()
		if err != nil {
			return encodeMembers(update)
		}
		if d, found := m.get(id); found {
			base = d.raw
		}
		unlock()
	}
	if base == nil {
		return encodeMembers(update)
	}
	cur, err := members(base)
	if err != nil {
		return encodeMembers(update)
	}
	pos := map[string]int{}
	for i, m := range cur {
		pos[m.Key] = i
	}
	for _, u := range update {
		if i, ok := pos[u.Key]; ok {
			cur[i].Value = u.Value
			continue
		}
		pos[u.Key] = len(cur)
		cur = append(cur, u)
	}
	return encodeMembers(cur)
}

func (p *plan) choosePK(b Batch) error {
	switch {
	case p.pk != "" && b.PrimaryKey != "" && b.PrimaryKey != p.pk:
		return meili.Errorf(meili.CodeIndexPrimaryKeyAlreadyExists, "Index already has a primary key: `%s`.", p.pk)
	case p.pk != "":
		return nil
	case b.PrimaryKey != "":
		p.pk, p.newPK = b.PrimaryKey, true
		return nil
	case len(b.Documents) == 0:
		return nil
	}
	pk, err := inferPrimaryKey(b.Documents[0])
	p.pk, p.newPK = pk, err == nil
	return err
}

func inferPrimaryKey(raw json.RawMessage) (string, error) {
	ms, err := members(raw)
	if err != nil {
		return "", meili.Errorf(meili.CodeMalformedPayload, "The document is not a valid JSON object: %v", err)
	}
	var cands []string
	for _, m := range ms {
		if strings.HasSuffix(strings.ToLower(m.Key), "id") {
			cands = append(cands, m.Key)
		}
	}
	sort.Strings(cands)
	switch len(cands) {
	case 0:
		return "", meili.Errorf(meili.CodeIndexPrimaryKeyNoCandidate, "The primary key inference failed as the engine did not find any field ending with `id` in its name. Please specify the primary key manually using the `primaryKey` query parameter.")
	case 1:
		return cands[0], nil
	}
	quoted := make([]string, len(cands))
	for i, c := range cands {
		quoted[i] = "'" + c + "'"
	}
	return "", meili.Errorf(meili.CodeIndexPrimaryKeyMultipleCandidates, "The primary key inference failed as the engine found %d fields ending with `id` in their names: %s. Please specify the primary key manually using the `primaryKey` query parameter.", len(cands), strings.Join(quoted, " and "))
}

// documentID returns the canonical id of a document (meili.CanonicalID).
func documentID(ms []member, pk string, raw []byte) (string, error) {
	for _, m := range ms {
		if m.Key == pk {
			return meili.CanonicalID(m.Value)
		}
	}
	return "", meili.Errorf(meili.CodeMissingDocumentID, "Document doesn't have a `%s` attribute: `%s`.", pk, compactJSON(raw))
}

func compactJSON(raw []byte) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return string(raw)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (x *Index) planFilterDelete(p *plan, f any) error {
	m, unlock, err := x.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	ev, err := compileFilter(m, f, meili.CodeInvalidDocumentFilter)
	if err != nil {
		return err
	}
	for slot, d := range m.docs {
		if d.alive && (ev == nil || ev.match(m, uint32(slot))) {
			p.del = append(p.del, d.id)
		}
	}
	return nil
}

// commit writes the plan durably, then publishes it in memory.
func (x *Index) commit(taskUID uint64, p *plan) (BatchResult, error) {
	w := write{put: p.put, del: p.del}
	x.withTask(&w, taskUID)
	if p.newPK {
		if w.internal == nil {
			w.internal = map[string][]byte{}
		}
		w.internal[string(keyPrimaryKey)] = []byte(p.pk)
	}
	// Tokenize while the store persists; publish only once it is durable.
	tokens := make([][][]ftok, len(p.order))
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i, id := range p.order {
			tokens[i] = tokenizeFields(x.mem.cfg, p.flat[id])
		}
	}()
	err := x.st.apply(w)
	<-done
	if err != nil {
		return BatchResult{}, err
	}
	x.mu.Lock()
	res := BatchResult{IndexedDocuments: p.indexed, PrimaryKey: p.pk}
	for _, id := range p.del {
		if x.mem.remove(id) {
			res.DeletedDocuments++
		}
	}
	for i, id := range p.order {
		x.mem.putTokens(id, p.put[id], p.flat[id], tokens[i])
	}
	if p.newPK {
		x.primaryKey = p.pk
	}
	x.bumpApplied(taskUID)
	if x.mem.needsCompaction() {
		x.mem = x.mem.rebuild(x.mem.cfg)
	}
	x.mu.Unlock()
	return res, nil
}
