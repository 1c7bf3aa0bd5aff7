package proxy

import (
	"bytes"
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// GET /tasks/{uid}/documents (Meilisearch's experimental
// getTaskDocumentsRoute) returns the documents of a document task as NDJSON
// while its payload exists, that is until the task finishes. The peer that
// accepted the write answers from its own copy (taskdocs_cache.go). Other
// peers have no payload: each replica that received the write keeps its
// share until its node task finishes, so they ask the nodes of the client
// task for their node task's documents and rebuild the payload from one
// replica per shard, with miroir's reserved fields stripped. Documents come grouped by
// node, not in the client's order. While a shard's replicas have all
// finished but others have not, the answer lacks that shard's documents and
// carries X-Miroir-Degraded (or fails under the error shard policy); once
// no replica has a payload left, the answer is task_file_not_found, as a
// single node gives after the task finished.

// taskDocuments serves the route, from kept's copy of the payload when
// this peer accepted the write (taskdocs_cache.go), else from the nodes.
func (p *Proxy) taskDocuments(kept *taskDocsCache) echo.HandlerFunc {
	return func(c echo.Context) error { return p.getTaskDocuments(c, kept) }
}

func (p *Proxy) getTaskDocuments(c echo.Context, kept *taskDocsCache) error {
	ctx := c.Request().Context()
	uid, err := strconv.ParseUint(c.Param("uid"), 10, 32)
	if err != nil {
		if ferr := p.taskDocumentsEnabled(ctx); ferr != nil {
			return ferr
		}
		return meili.Errorf(meili.CodeInvalidTaskUIDs, "Invalid value in parameter `taskUid`: could not parse `%s` as a positive integer", c.Param("uid"))
	}
	p.catchUp(ctx)
	t, ok := p.awaitTask(ctx, uid)
	topo, terr := p.loadIndex(t.IndexUID)
	if ok && (!t.Status.Terminal() || time.Since(t.FinishedAt) < taskDocsGrace) {
		if tp, found := kept.get(uid); found {
			if body, err := tp.ndjson(); err == nil && kept.enabled(ctx) {
				return c.Blob(http.StatusOK, "application/x-ndjson", body)
			}
		}
	}
	if !ok || t.Status.Terminal() || len(t.NodeTasks) == 0 || terr != nil {
		return p.noTaskDocuments(ctx, uid, ok)
	}
	// The payloads go when the node tasks finish, soon after the write was
	// acknowledged: ask the nodes first and nothing else (each node checks
	// the feature flag itself).
	payloads, nodeErr := p.nodeTaskPayloads(ctx, t)
	if isCode(nodeErr, meili.CodeFeatureNotEnabled) {
		return nodeErr
	}
	body, missing, err := mergeTaskPayloads(topo, payloads)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return p.noTaskDocuments(ctx, uid, true)
	}
	degraded, err := p.shardsGone(t.IndexUID, missing)
	if err != nil {
		return err
	}
	if degraded != "" {
		c.Response().Header().Set("X-Miroir-Degraded", degraded)
	}
	return c.Blob(http.StatusOK, "application/x-ndjson", body)
}

// noTaskDocuments is the error when no payload is left: the feature's
// error first, as Meilisearch checks it before anything else.
func (p *Proxy) noTaskDocuments(ctx context.Context, uid uint64, known bool) error {
	if err := p.taskDocumentsEnabled(ctx); err != nil {
		return err
	}
	if !known {
		return meili.Errorf(meili.CodeTaskNotFound, "Task `%d` not found.", uid)
	}
	return taskFileGone(uid)
}

func (p *Proxy) taskDocumentsEnabled(ctx context.Context) error {
	on, err := p.featureEnabled(ctx, func(f meili.ExperimentalFeatures) bool { return f.GetTaskDocumentsRoute })
	if err != nil {
		return err
	}
	if !on {
		return meili.Errorf(meili.CodeFeatureNotEnabled, "Using `GET /tasks/{taskUid}/documents` requires enabling the `get task documents route` experimental feature. See https://github.com/orgs/meilisearch/discussions/808")
	}
	return nil
}

func taskFileGone(uid uint64) error {
	e := meili.Errorf(meili.Code("task_file_not_found"), "Task `%d` does not contain any documents. Only `documentAdditionOrUpdate` tasks with the statuses `enqueued` or `processing` contain documents", uid)
	e.Status, e.Type = http.StatusNotFound, meili.TypeInvalidRequest
	return e
}

// nodeTaskPayloads asks every node of t for its node task's documents;
// nodes that finished (or are down) are left out, and the first node error
// is returned with the payloads.
func (p *Proxy) nodeTaskPayloads(ctx context.Context, t store.Task) (map[string][]byte, error) {
	var nodes map[string]store.Node
	p.state.Read(func(s *store.State) { nodes = nodeMap(s) })
	out := map[string][]byte{}
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for id, nodeUID := range t.NodeTasks {
		n, ok := nodes[id]
		if !ok {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := "/tasks/" + strconv.FormatUint(nodeUID, 10) + "/documents"
			raw, err := p.nodes.raw(ctx, n.Addr, request{method: http.MethodGet, path: path})
			p.countCall("taskdocs", err)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				firstErr = cmp.Or(firstErr, err)
				return
			}
			out[id] = raw
		}()
	}
	wg.Wait()
	return out, firstErr
}

// mergeTaskPayloads keeps, for each shard, the documents of the first node
// (by id) that answered and holds it, and lists the shards no answering
// node holds.
func mergeTaskPayloads(t *topology, payloads map[string][]byte) ([]byte, []int, error) {
	ids := make([]string, 0, len(payloads))
	for id := range payloads {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	source := make([]string, t.index.Shards) // shard -> node whose copy is used
	for _, id := range ids {
		for _, g := range t.place.groups {
			for s, owners := range g.owners {
				if source[s] == "" && slices.Contains(owners, id) {
					source[s] = id
				}
			}
		}
	}
	var missing []int
	for s, id := range source {
		if id == "" {
			missing = append(missing, s)
		}
	}
	var out bytes.Buffer
	for _, id := range ids {
		if err := appendNodeDocs(&out, payloads[id], func(shard int) bool {
			return shard >= 0 && shard < len(source) && source[shard] == id
		}); err != nil {
			return nil, nil, err
		}
	}
	return out.Bytes(), missing, nil
}

// appendNodeDocs appends the NDJSON documents of one node whose shard keep
// accepts, without reserved fields.
func appendNodeDocs(out *bytes.Buffer, ndjson []byte, keep func(int) bool) error {
	for line := range bytes.Lines(ndjson) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !keep(docShard(line)) {
			continue
		}
		doc, err := stripHit(nil, line, &stripSpec{keepScore: true, keepDetails: true})
		if err != nil {
			return meili.Errorf(meili.CodeInternal, "reading a node's task documents: %v", err)
		}
		out.Write(doc)
		out.WriteByte('\n')
	}
	return nil
}

// docShard reads a stamped document's _miroir_shard (-1 when absent).
func docShard(doc []byte) int {
	s := scanner{b: doc}
	shard := -1
	_ = s.members(func(key []byte, _ int) (bool, error) {
		raw, err := s.skip()
		if err != nil {
			return false, err
		}
		if string(key) == reservedShardField {
			if n, err := strconv.Atoi(string(raw)); err == nil {
				shard = n
			}
			return false, nil
		}
		return true, nil
	})
	return shard
}
