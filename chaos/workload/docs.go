package workload

import (
	"context"
	"encoding/json"

	"github.com/meilisearch/meilisearch-go"
	"github.com/miroir-search/miroir/chaos/history"
)

// PrimaryKey of every document the workload writes.
const PrimaryKey = "id"

// Doc is the shape of a workload document. V is its version counter; Idx
// names the index it was written to, so a leak across indexes is visible.
type Doc struct {
	ID     string `json:"id"`
	V      int64  `json:"v"`
	Idx    string `json:"idx,omitempty"`
	Client int    `json:"client,omitempty"`
	Text   string `json:"text,omitempty"`
}

func (c *client) upsert(ctx context.Context) { c.upsertTo(ctx, c.docIndex()) }

// upsertTo writes 1..Batch documents to index, some new, some rewritten.
func (c *client) upsertTo(ctx context.Context, index string) history.Result {
	n := 1 + c.rng.IntN(c.w.cfg.Batch)
	ids := c.liveIDs(index, c.rng.IntN(n+1))
	for len(ids) < n {
		ids = append(ids, c.newID(index))
	}
	docs := make([]Doc, len(ids))
	for i, id := range ids {
		docs[i] = Doc{ID: id, V: c.bump(index, id), Idx: index, Client: c.id, Text: c.word() + " " + c.word()}
	}
	return c.write(ctx, history.KindUpsert, index, docs, func(ctx context.Context, ix meilisearch.IndexManager) (*meilisearch.TaskInfo, error) {
		pk := PrimaryKey
		return ix.AddDocuments(ctx, docs, &meilisearch.DocumentOptions{PrimaryKey: &pk})
	})
}

// update is a partial update: only the version changes (and the document
// is created if missing, as Meilisearch does).
func (c *client) update(ctx context.Context) {
	index := c.docIndex()
	ids := c.liveIDs(index, 1+c.rng.IntN(c.w.cfg.Batch))
	if len(ids) == 0 {
		c.upsert(ctx)
		return
	}
	docs := make([]Doc, len(ids))
	patch := make([]map[string]any, len(ids))
	for i, id := range ids {
		docs[i] = Doc{ID: id, V: c.bump(index, id)}
		patch[i] = map[string]any{"id": id, "v": docs[i].V}
	}
	c.write(ctx, history.KindUpdate, index, docs, func(ctx context.Context, ix meilisearch.IndexManager) (*meilisearch.TaskInfo, error) {
		return ix.UpdateDocuments(ctx, patch, nil)
	})
}

func (c *client) deleteDocs(ctx context.Context) {
	index := c.docIndex()
	ids := c.liveIDs(index, 1+c.rng.IntN(2))
	if len(ids) == 0 {
		return
	}
	docs := make([]Doc, len(ids))
	for i, id := range ids {
		docs[i] = Doc{ID: id, V: c.bump(index, id)}
	}
	c.write(ctx, history.KindDelete, index, docs, func(ctx context.Context, ix meilisearch.IndexManager) (*meilisearch.TaskInfo, error) {
		return ix.DeleteDocuments(ctx, ids, nil)
	})
}

// bump returns the next version of a document.
func (c *client) bump(index, id string) int64 {
	st := c.docs[index][id]
	st.version++
	return st.version
}

// write runs one document write and retires its documents when the outcome
// is unknown.
func (c *client) write(ctx context.Context, kind history.Kind, index string, docs []Doc,
	send func(context.Context, meilisearch.IndexManager) (*meilisearch.TaskInfo, error)) history.Result {
	op := history.Op{Client: c.id, Kind: kind, Index: index}
	for _, d := range docs {
		op.Docs = append(op.Docs, history.DocVersion{ID: d.ID, Version: d.V})
	}
	p := c.w.h.Invoke(op)
	r := c.runTask(ctx, func(ctx context.Context, sm meilisearch.ServiceManager) (*meilisearch.TaskInfo, error) {
		return send(ctx, sm.Index(index))
	})
	c.done(p, r)
	if r.Status == history.StatusUnknown {
		for _, d := range docs {
			c.docs[index][d.ID].retired = true
		}
	}
	return r
}

func (c *client) get(ctx context.Context) {
	index := c.readIndex()
	id := c.anyID(index)
	p := c.w.h.Invoke(history.Op{Client: c.id, Kind: history.KindGet, Index: index})
	sm := c.pick()
	rctx, cancel := c.w.reqCtx(ctx)
	var raw json.RawMessage
	err := sm.Index(index).GetDocument(rctx, id, nil, &raw)
	cancel()
	if apiCode(err) == "document_not_found" {
		c.done(p, history.Result{Status: history.StatusOK})
		return
	}
	if err != nil {
		st, code := classify(err)
		c.done(p, history.Result{Status: st, Err: err, Code: code})
		return
	}
	var d Doc
	if err := json.Unmarshal(raw, &d); err != nil {
		c.done(p, history.Result{Status: history.StatusUnknown, Err: err})
		return
	}
	c.done(p, history.Result{Status: history.StatusOK, Hits: []history.DocVersion{{ID: d.ID, Version: d.V, Index: d.Idx}}})
}

func (c *client) search(ctx context.Context) {
	index := c.readIndex()
	q := ""
	if c.rng.IntN(2) == 0 {
		q = c.word()
	}
	p := c.w.h.Invoke(history.Op{Client: c.id, Kind: history.KindSearch, Index: index, Value: q})
	sm := c.pick()
	rctx, cancel := c.w.reqCtx(ctx)
	res, err := sm.Index(index).Search(rctx, q, &meilisearch.SearchRequest{Limit: 100})
	cancel()
	if err != nil {
		st, code := classify(err)
		c.done(p, history.Result{Status: st, Err: err, Code: code})
		return
	}
	var hits []Doc
	if err := res.Hits.DecodeInto(&hits); err != nil {
		c.done(p, history.Result{Status: history.StatusUnknown, Err: err})
		return
	}
	out := make([]history.DocVersion, len(hits))
	for i, h := range hits {
		out[i] = history.DocVersion{ID: h.ID, Version: h.V, Index: h.Idx}
	}
	c.done(p, history.Result{Status: history.StatusOK, Hits: out})
}
