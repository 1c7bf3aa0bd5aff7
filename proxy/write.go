package proxy

import (
	"context"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// addDocuments serves POST (replace) and PUT (partial update) on
// /indexes/{uid}/documents (DESIGN §5).
func (p *Proxy) addDocuments(c echo.Context) error {
	ctx := c.Request().Context()
	req := c.Request()
	uid := c.Param("uid")
	docs, err := p.readDocuments(c)
	if err != nil {
		return err
	}
	target, pk := uid, c.QueryParam("primaryKey")
	if idx, exists := p.resolveUID(uid); exists {
		target = idx.UID
		if pk == "" {
			pk = idx.PrimaryKey
		}
	}
	if err := validIndexUID(target); err != nil {
		return err
	}

	var docErr error
	if pk == "" {
		pk, docErr = inferPrimaryKey(docs[0])
	}
	facts := make([]docFacts, len(docs))
	for i := range docs {
		if docErr != nil {
			break
		}
		facts[i], docErr = inspectDocument(docs[i], pk)
	}
	nt := store.NewTask{
		Type: kindDocumentAdditionOrUpdate, IndexUID: target, RequestID: requestID(c),
		CustomMetadata: c.QueryParam("customMetadata"),
		Details:        mustJSON(map[string]any{"receivedDocuments": len(docs), "indexedDocuments": nil}),
		EnsureIndex:    &store.NewIndex{UID: target, PrimaryKey: pk, Shards: p.cfg.DefaultShards},
	}
	reg, applied, err := p.register(ctx, nt)
	if err != nil {
		return err
	}
	if reg.Status != store.TaskEnqueued {
		return accepted(c, reg, target, nt.Type)
	}
	if docErr != nil {
		p.finish(ctx, reg.UID, mustJSON(map[string]any{"receivedDocuments": len(docs), "indexedDocuments": 0}), docErr)
		return accepted(c, reg, target, nt.Type)
	}
	// Past this point the write is committed to happen: finish it even if
	// the client goes away.
	ctx = context.WithoutCancel(ctx)
	t, err := p.routeAt(ctx, target, applied)
	if err != nil {
		p.finish(ctx, reg.UID, nil, err)
		return err
	}
	if reg.IndexCreated {
		p.prepareIndex(ctx, t)
	}
	base := documentsRequest(req.Method, t.index.PhysicalName, pk, c.QueryParam("skipCreation") == "true")
	batches, shards := routeDocuments(t, docs, facts, reg.UID, base)
	p.ensurePrepared(ctx, t, batches)
	return p.completeWrite(c, ctx, t, reg, nt.Type, batches, shards)
}

// readDocuments reads and parses the payload of a document write.
func (p *Proxy) readDocuments(c echo.Context) ([][]byte, error) {
	req := c.Request()
	format, err := payloadFormat(req.Header.Get("Content-Type"))
	if err != nil {
		return nil, err
	}
	data, err := readPayload(req.Body, req.Header.Get("Content-Encoding"), p.cfg.MaxPayloadBytes)
	if err != nil {
		return nil, err
	}
	delim := ','
	if d := c.QueryParam("csvDelimiter"); d != "" {
		r := []rune(d)
		if len(r) != 1 || r[0] > 127 {
			return nil, meili.Errorf(meili.Code("invalid_document_csv_delimiter"), "Invalid value in parameter `csvDelimiter`: expected a string of one character, but found the following string of %d characters: `%s`", len(r), d)
		}
		delim = r[0]
	}
	raw, err := parseDocuments(format, data, delim)
	if err != nil {
		return nil, err
	}
	docs := make([][]byte, len(raw))
	for i := range raw {
		docs[i] = raw[i]
	}
	if len(docs) == 0 {
		return nil, meili.Errorf(meili.CodeMissingPayload, "A %s payload is missing.", format)
	}
	return docs, nil
}

// documentsRequest is a node's document write. skipCreation goes through:
// each replica then updates only the documents it already holds, which are
// exactly the existing documents of its shards.
func documentsRequest(method, physical, pk string, skipCreation bool) request {
	q := url.Values{}
	if pk != "" {
		q.Set("primaryKey", pk)
	}
	if skipCreation {
		q.Set("skipCreation", "true")
	}
	return request{method: method, path: "/indexes/" + url.PathEscape(physical) + "/documents?" + q.Encode()}
}

// routeAt waits until the local state includes the raft entry at applied
// (the task registration) and loads the index as of then: the fence that
// orders this write against topology changes.
func (p *Proxy) routeAt(ctx context.Context, uid string, applied uint64) (*topology, error) {
	if err := p.state.WaitApplied(ctx, applied); err != nil {
		return nil, err
	}
	return p.loadIndex(uid)
}

// routeDocuments stamps each document with its shard and the task uid as
// version, and builds one JSON-array batch per owner node in every group.
func routeDocuments(t *topology, docs [][]byte, facts []docFacts, version uint64, base request) ([]*nodeBatch, []int) {
	bufs := map[string][]byte{}
	byNode := map[string]*nodeBatch{}
	var order []string
	touched := make([]bool, t.index.Shards)
	var stamped []byte
	for i, doc := range docs {
		shard := store.ShardOf(facts[i].id, t.index.Shards)
		touched[shard] = true
		stamped = stampDocument(stamped[:0], doc, shard, version)
		for _, g := range t.place.groups {
			for _, id := range g.owners[shard] {
				n, ok := t.nodes[id]
				if !ok || !writable(n) {
					continue
				}
				b := byNode[id]
				if b == nil {
					b = &nodeBatch{node: n}
					byNode[id] = b
					order = append(order, id)
					bufs[id] = append(make([]byte, 0, 1024), '[')
				} else {
					bufs[id] = append(bufs[id], ',')
				}
				if l := len(b.shards); l == 0 || b.shards[l-1] != shard {
					b.shards = append(b.shards, shard)
				}
				bufs[id] = append(bufs[id], stamped...)
			}
		}
	}
	out := make([]*nodeBatch, 0, len(order))
	for _, id := range order {
		r := base
		r.body = append(bufs[id], ']')
		byNode[id].reqs = []request{r}
		out = append(out, byNode[id])
	}
	var shards []int
	for s, ok := range touched {
		if ok {
			shards = append(shards, s)
		}
	}
	return out, shards
}

// completeWrite sends the batches, judges quorum, records node tasks and
// answers the client: 202, 202 with X-Miroir-Degraded, or 503
// miroir_no_quorum.
func (p *Proxy) completeWrite(c echo.Context, ctx context.Context, t *topology, reg store.RegisteredTask, typ string, batches []*nodeBatch, shards []int) error {
	results := p.send(ctx, typ, batches)
	ok, uids := acked(results)
	q := p.judge(t, shards, ok)
	if typ == kindIndexCreation && firstError(results) == nil {
		// A creation carries no data and its catalog entry is committed:
		// failing it would leave an index that a retry finds existing. A
		// node that missed it is prepared before its first document write
		// (ensurePrepared) and skipped by reads until then.
		q.failedShards = nil
		if len(uids) == 0 {
			p.finish(ctx, reg.UID, nil, nil)
			return c.JSON(http.StatusAccepted, summarize(reg.UID, t.index.UID, typ, reg.EnqueuedAt))
		}
	}
	if len(q.failedShards) > 0 {
		err := firstError(results)
		if err == nil {
			err = meili.Errorf(meili.CodeMiroirNoQuorum,
				"The write reached too few replicas of %d shard(s) of index `%s` (write quorum %s); retry when the nodes are back.",
				len(q.failedShards), t.index.UID, p.cfg.WriteQuorum)
		}
		p.finish(ctx, reg.UID, nil, err)
		if len(uids) > 0 {
			_ = p.rec.record(ctx, store.NodeTasks{TaskUID: reg.UID, NodeTasks: uids}, p.isStarted())
		}
		return err
	}
	if err := p.rec.record(ctx, store.NodeTasks{TaskUID: reg.UID, NodeTasks: uids}, p.isStarted()); err != nil {
		p.log.Error("node tasks not recorded; the watcher will abandon the task", "task", reg.UID, "err", err)
	}
	if len(q.missed) > 0 {
		c.Response().Header().Set(HeaderDegraded, degradedNodes(q.missed))
		p.metrics.degraded.WithLabelValues(typ).Inc()
	}
	return c.JSON(http.StatusAccepted, summarize(reg.UID, t.index.UID, typ, reg.EnqueuedAt))
}

// HeaderDegraded marks an answer that is complete but was served or
// written without some replicas ("nodes=a,b") or without some shards
// ("shards=3,7", partial policy).
const HeaderDegraded = "X-Miroir-Degraded"

func (p *Proxy) isStarted() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.started
}

// prepareIndex creates the index on every node that will hold it and makes
// `_miroir_shard` filterable there. Nodes run their tasks in order, so the
// documents sent next land in a prepared index. Failures are logged: a node
// that already has the index answers with a failed task, which is fine.
func (p *Proxy) prepareIndex(ctx context.Context, t *topology) {
	for _, r := range p.send(ctx, "prepareIndex", broadcastBatches(t, prepareRequests(t)...)) {
		if r.err != nil {
			p.log.Warn("preparing index on node failed", "index", t.index.UID, "node", r.node.ID, "err", r.err)
			continue
		}
		p.prepared.set(preparedKey(r.node.Addr, t))
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
