package workload

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/meilisearch/meilisearch-go"
	"github.com/miroir-search/miroir/chaos/history"
)

// metaTask runs a task-backed metadata operation. A task that failed with
// one of the codes in definite did not take effect (e.g. creating an index
// that exists); the code is kept so the checker learns the entity's state.
func (c *client) metaTask(ctx context.Context, op history.Op, enqueue enqueueFunc, definite ...string) history.Result {
	op.Client = c.id
	p := c.w.h.Invoke(op)
	r := c.runTask(ctx, enqueue)
	if r.TaskStatus == string(meilisearch.TaskStatusFailed) && contains(definite, r.Code) {
		r.Status = history.StatusFail
	}
	c.done(p, r)
	return r
}

func (c *client) createIndex(ctx context.Context, uid string) {
	c.metaTask(ctx, history.Op{Kind: history.KindCreate, Index: uid, Entity: "index:" + uid},
		func(ctx context.Context, sm meilisearch.ServiceManager) (*meilisearch.TaskInfo, error) {
			return sm.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: PrimaryKey})
		}, "index_already_exists")
}

func (c *client) dropIndex(ctx context.Context, uid string) {
	c.metaTask(ctx, history.Op{Kind: history.KindDrop, Index: uid, Entity: "index:" + uid},
		func(ctx context.Context, sm meilisearch.ServiceManager) (*meilisearch.TaskInfo, error) {
			return sm.DeleteIndex(ctx, uid)
		}, "index_not_found")
}

// setSynonyms writes a one-entry synonyms map; its fingerprint is the
// value the model tracks.
func (c *client) setSynonyms(ctx context.Context) {
	uid := c.metaIndex()
	word := fmt.Sprintf("w%d", c.rng.IntN(1000))
	syn := map[string][]string{word: {"x"}}
	c.metaTask(ctx, history.Op{Kind: history.KindSet, Index: uid, Entity: "index:" + uid, Value: word},
		func(ctx context.Context, sm meilisearch.ServiceManager) (*meilisearch.TaskInfo, error) {
			return sm.Index(uid).UpdateSynonyms(ctx, &syn)
		}, "index_not_found")
}

func fingerprint(syn map[string][]string) string {
	keys := make([]string, 0, len(syn))
	for k := range syn {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// readSynonyms reads an index's existence and settings in one request.
func (c *client) readSynonyms(ctx context.Context) {
	uid := c.metaIndex()
	p := c.w.h.Invoke(history.Op{Client: c.id, Kind: history.KindRead, Index: uid, Entity: "index:" + uid})
	sm := c.pick()
	rctx, cancel := c.w.reqCtx(ctx)
	syn, err := sm.Index(uid).GetSynonyms(rctx)
	cancel()
	switch {
	case err == nil:
		c.done(p, history.Result{Status: history.StatusOK, Exists: true, Value: fingerprint(*syn)})
	case apiCode(err) == "index_not_found":
		c.done(p, history.Result{Status: history.StatusOK, Exists: false, Code: apiCode(err)})
	default:
		st, code := classify(err)
		c.done(p, history.Result{Status: st, Err: err, Code: code})
	}
}

// keyUID returns a random UUID v4 (Meilisearch requires that shape).
func (c *client) keyUID() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(c.rng.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (c *client) createKey(ctx context.Context) {
	uid := c.keyUID()
	c.w.addKey(uid)
	p := c.w.h.Invoke(history.Op{Client: c.id, Kind: history.KindCreate, Entity: "key:" + uid})
	sm := c.pick()
	rctx, cancel := c.w.reqCtx(ctx)
	_, err := sm.CreateKey(rctx, &meilisearch.Key{UID: uid, Name: "chaos " + uid[:8],
		Actions: []string{"search"}, Indexes: []string{"*"}})
	cancel()
	st, code := classify(err)
	c.done(p, history.Result{Status: st, Err: err, Code: code})
}

func (c *client) readKey(ctx context.Context) {
	uid := c.w.randomKey(c.rng)
	if uid == "" {
		c.createKey(ctx)
		return
	}
	p := c.w.h.Invoke(history.Op{Client: c.id, Kind: history.KindRead, Entity: "key:" + uid})
	sm := c.pick()
	rctx, cancel := c.w.reqCtx(ctx)
	_, err := sm.GetKey(rctx, uid)
	cancel()
	switch {
	case err == nil:
		c.done(p, history.Result{Status: history.StatusOK, Exists: true})
	case apiCode(err) == "api_key_not_found":
		c.done(p, history.Result{Status: history.StatusOK, Exists: false})
	default:
		st, code := classify(err)
		c.done(p, history.Result{Status: st, Err: err, Code: code})
	}
}
