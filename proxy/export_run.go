package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// exporter runs export tasks on the leader, one at a time in uid order, as
// Meilisearch's scheduler does. A task interrupted by a leadership change
// stays processing and the next leader runs it again from the start (the
// remote upserts, so a repeated export is harmless). A task canceled while
// it runs stops at its next batch.
type exporter struct {
	p       *Proxy
	mu      sync.Mutex
	running bool
	// Export tasks seen open, in uid order, and the first uid not seen yet:
	// after the first tick only new tasks are read, not the whole list.
	primed  bool
	cursor  uint64
	pending []uint64
}

func newExporter(p *Proxy) *exporter { return &exporter{p: p} }

// exportPage is how many documents one node read returns.
const exportPage = 1000

// tick starts the oldest open export task when none runs; the goroutine
// is counted in wg and ends with ctx.
func (e *exporter) tick(ctx context.Context, wg *sync.WaitGroup) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running {
		return
	}
	t, ok := e.next()
	if !ok {
		return
	}
	e.running = true
	wg.Add(1)
	go func() {
		defer wg.Done()
		e.run(ctx, t)
		e.mu.Lock()
		e.running = false
		e.mu.Unlock()
	}()
}

// next returns the oldest open export task; e.mu is held.
func (e *exporter) next() (store.Task, bool) {
	var out store.Task
	var found bool
	e.p.state.Read(func(s *store.State) {
		e.follow(s)
		kept := e.pending[:0]
		for _, uid := range e.pending {
			t, ok := s.Task(uid)
			if !ok || t.Status.Terminal() {
				continue
			}
			kept = append(kept, uid)
			if !found {
				out, found = t, true
			}
		}
		e.pending = kept
	})
	return out, found
}

// follow adds the export tasks registered since the last call to pending.
func (e *exporter) follow(s *store.State) {
	if !e.primed {
		e.primed, e.cursor = true, s.NextTaskUID()
		for _, t := range s.OpenTasks() {
			if t.Type == kindExport {
				e.pending = append(e.pending, t.UID)
			}
		}
		return
	}
	for _, t := range s.TasksFrom(e.cursor, webhookScanMax) {
		e.cursor = t.UID + 1
		if t.Type == kindExport && !t.Status.Terminal() {
			e.pending = append(e.pending, t.UID)
		}
	}
}

func (e *exporter) run(ctx context.Context, t store.Task) {
	p := e.p
	var req exportRequest
	if err := json.Unmarshal(t.Payload, &req); err != nil {
		p.finish(ctx, t.UID, nil, meili.Errorf(meili.CodeInternal, "the export request was lost: %v", err))
		return
	}
	if t.Status == store.TaskEnqueued {
		if err := p.catalog.UpdateTasks(ctx, []store.TaskUpdate{{UID: t.UID, Status: store.TaskProcessing}}); err != nil {
			p.log.Warn("export not started", "task", t.UID, "err", err)
			return
		}
	}
	err := p.exportAll(ctx, t.UID, req)
	if ctx.Err() != nil || !p.taskOpen(t.UID) {
		return // leadership lost (the next leader reruns it) or canceled
	}
	p.finish(ctx, t.UID, nil, err)
}

// taskOpen reports whether the task still waits for an outcome.
func (p *Proxy) taskOpen(uid uint64) bool {
	var open bool
	p.state.Read(func(s *store.State) {
		t, ok := s.Task(uid)
		open = ok && !t.Status.Terminal()
	})
	return open
}

func (p *Proxy) exportAll(ctx context.Context, uid uint64, req exportRequest) error {
	limit := defaultExportPayload
	if req.PayloadSize != "" {
		limit, _ = meili.ParseByteSize(req.PayloadSize)
	}
	r := meili.NewExportRemote(req.URL, req.APIKey)
	var indexes []store.Index
	p.state.Read(func(s *store.State) { indexes = s.Indexes() })
	for _, idx := range indexes {
		opts, ok := exportOptionsFor(req.Indexes, idx.UID)
		if !ok {
			continue
		}
		if err := p.exportIndex(ctx, uid, r, idx.UID, opts, limit); err != nil {
			return err
		}
	}
	return nil
}

// exportOptionsFor picks the most specific pattern matching uid.
func exportOptionsFor(patterns map[string]exportOptions, uid string) (exportOptions, bool) {
	best, found := "", false
	for p := range patterns {
		if meili.IndexPatternMatches(p, uid) && (!found || len(p) > len(best) || len(p) == len(best) && p < best) {
			best, found = p, true
		}
	}
	return patterns[best], found
}

func (p *Proxy) exportIndex(ctx context.Context, uid uint64, r *meili.ExportRemote, index string, opts exportOptions, limit int) error {
	t, err := p.loadIndex(index)
	if err != nil {
		return nil // deleted meanwhile
	}
	pk := t.index.PrimaryKey
	create := map[string]any{"uid": t.index.UID, "primaryKey": nil}
	if pk != "" {
		create["primaryKey"] = pk
	}
	if err := r.Send(ctx, http.MethodPost, "/indexes", mustJSON(create), true); err != nil {
		return err
	}
	if opts.OverrideSettings {
		settings := t.index.Settings
		if len(settings) == 0 {
			settings = mustJSON(meili.DefaultSettings())
		}
		if err := r.Send(ctx, http.MethodPatch, "/indexes/"+url.PathEscape(t.index.UID)+"/settings", settings, false); err != nil {
			return err
		}
	}
	var filter any
	if len(opts.Filter) > 0 {
		_ = json.Unmarshal(opts.Filter, &filter)
	}
	plan := planRead(t, allShards(t.index.Shards), p.rr.Add(1), p.readable, nil)
	if len(plan.missing) > 0 {
		_, err := p.shardsGone(t.index.UID, plan.missing)
		if err == nil {
			err = meili.Errorf(meili.CodeMiroirShardUnavailable, "No replica of some shards of index `%s` is available; export again when the nodes are back.", t.index.UID)
		}
		return err
	}
	b := &exportBatch{r: r, path: "/indexes/" + url.PathEscape(t.index.UID) + "/documents", limit: limit}
	for _, part := range plan.parts {
		f := filter
		if part.restrict {
			f = meili.AndFilters(filter, shardFilter(part.shards))
		}
		if err := p.exportPart(ctx, uid, t, part.node, f, b); err != nil {
			return err
		}
	}
	return b.flush(ctx)
}

// exportPart pages through one node's documents of the part's shards.
func (p *Proxy) exportPart(ctx context.Context, uid uint64, t *topology, n store.Node, filter any, b *exportBatch) error {
	path := "/indexes/" + url.PathEscape(t.index.PhysicalName) + "/documents/fetch"
	for offset := 0; ; offset += exportPage {
		if !p.taskOpen(uid) {
			return nil
		}
		var page struct {
			Results []json.RawMessage `json:"results"`
		}
		q := fetchQuery{Offset: offset, Limit: exportPage, Filter: filter}
		err := p.nodes.do(ctx, n.Addr, request{method: http.MethodPost, path: path, body: mustJSON(q)}, &page)
		p.countCall("export", err)
		if err != nil {
			return err
		}
		for _, d := range page.Results {
			doc, err := stripHit(nil, d, &stripSpec{keepScore: true, keepDetails: true})
			if err != nil {
				return meili.Errorf(meili.CodeInternal, "reading a node's document: %v", err)
			}
			if err := b.add(ctx, doc); err != nil {
				return err
			}
		}
		if len(page.Results) < exportPage {
			return nil
		}
	}
}

// exportBatch accumulates documents into JSON arrays of at most limit
// bytes (a single larger document goes alone).
type exportBatch struct {
	r     *meili.ExportRemote
	path  string
	limit int
	buf   bytes.Buffer
}

func (b *exportBatch) add(ctx context.Context, doc []byte) error {
	if b.buf.Len() > 0 && b.buf.Len()+len(doc)+2 > b.limit {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	if b.buf.Len() == 0 {
		b.buf.WriteByte('[')
	} else {
		b.buf.WriteByte(',')
	}
	b.buf.Write(doc)
	return nil
}

func (b *exportBatch) flush(ctx context.Context) error {
	if b.buf.Len() == 0 {
		return nil
	}
	b.buf.WriteByte(']')
	err := b.r.Send(ctx, http.MethodPost, b.path, b.buf.Bytes(), false)
	b.buf.Reset()
	return err
}
