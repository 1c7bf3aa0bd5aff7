package workload

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/meilisearch/meilisearch-go"
	"github.com/miroir-search/miroir/chaos/history"
)

// Node is an engine node the final-state observation reads directly.
type Node struct {
	Name, Addr, Key string
}

// Observe reads the final state of every document the history wrote, once
// the cluster has healed: get-by-id and a paged match-all search through
// the peers, and a full browse of each node with the node key (documents
// carry their _miroir_shard there). Transient errors are retried; a
// document that cannot be read at all is an error, not a loss.
func (w *Workload) Observe(ctx context.Context, ops []history.Op, nodes []Node) (history.Observation, error) {
	obs := history.Observation{
		Gets:     map[string]map[string]history.DocState{},
		Search:   map[string]map[string]history.DocState{},
		Replicas: map[string]map[string]map[string]history.DocState{},
	}
	c := w.newClient(-1)
	for _, index := range w.DocIndexes() {
		gets, err := c.observeGets(ctx, index, writtenIDs(ops, index))
		if err != nil {
			return obs, err
		}
		obs.Gets[index] = gets
		if obs.Search[index], err = c.observeSearch(ctx, index); err != nil {
			return obs, err
		}
		obs.Replicas[index] = map[string]map[string]history.DocState{}
		for _, n := range nodes {
			docs, err := browseNode(ctx, w, n, index)
			if err != nil {
				return obs, err
			}
			obs.Replicas[index][n.Name] = docs
		}
	}
	return obs, nil
}

func writtenIDs(ops []history.Op, index string) []string {
	seen := map[string]bool{}
	for _, op := range ops {
		if history.IsWrite(op.Kind) && op.Index == index {
			for _, d := range op.Docs {
				seen[d.ID] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for id := range seen {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (c *client) observeGets(ctx context.Context, index string, ids []string) (map[string]history.DocState, error) {
	out := map[string]history.DocState{}
	for _, id := range ids {
		var st history.DocState
		err := retry(ctx, func() bool {
			_, sm := c.w.peer(c.rng)
			rctx, cancel := c.w.reqCtx(ctx)
			defer cancel()
			var d Doc
			err := sm.Index(index).GetDocument(rctx, id, nil, &d)
			switch {
			case err == nil:
				st = history.DocState{Present: true, Version: d.V, Shard: -1}
				return true
			case apiCode(err) == "document_not_found":
				st = history.DocState{Shard: -1}
				return true
			}
			return false
		})
		if err != nil {
			return nil, fmt.Errorf("workload: get %s/%s: %w", index, id, err)
		}
		out[id] = st
	}
	return out, nil
}

// observeSearch lists every document of index with match-all searches.
func (c *client) observeSearch(ctx context.Context, index string) (map[string]history.DocState, error) {
	out := map[string]history.DocState{}
	const page = 1000
	for offset := int64(0); ; offset += page {
		var hits []Doc
		err := retry(ctx, func() bool {
			_, sm := c.w.peer(c.rng)
			rctx, cancel := c.w.reqCtx(ctx)
			defer cancel()
			res, err := sm.Index(index).Search(rctx, "", &meilisearch.SearchRequest{Offset: offset, Limit: page})
			if err != nil {
				return false
			}
			hits = nil
			return res.Hits.DecodeInto(&hits) == nil
		})
		if err != nil {
			return nil, fmt.Errorf("workload: search %s: %w", index, err)
		}
		for _, h := range hits {
			out[h.ID] = history.DocState{Present: true, Version: h.V, Shard: -1}
		}
		if len(hits) < page {
			return out, nil
		}
	}
}

// browseNode lists every document of index on one node, with its shard.
func browseNode(ctx context.Context, w *Workload, n Node, index string) (map[string]history.DocState, error) {
	sm := meilisearch.New("http://"+n.Addr, meilisearch.WithAPIKey(n.Key), meilisearch.WithCustomClient(w.http), meilisearch.DisableRetries())
	out := map[string]history.DocState{}
	const page = 1000
	for offset := int64(0); ; offset += page {
		var res meilisearch.DocumentsResult
		var missing bool
		err := retry(ctx, func() bool {
			rctx, cancel := w.reqCtx(ctx)
			defer cancel()
			err := sm.Index(index).GetDocuments(rctx, &meilisearch.DocumentsQuery{Offset: offset, Limit: page}, &res)
			missing = apiCode(err) == "index_not_found"
			return err == nil || missing
		})
		if err != nil {
			return nil, fmt.Errorf("workload: browse %s on %s: %w", index, n.Name, err)
		}
		if missing {
			return out, nil // the node holds no shard of this index
		}
		for _, h := range res.Results {
			d, shard, err := decodeStored(h)
			if err != nil {
				return nil, err
			}
			out[d.ID] = history.DocState{Present: true, Version: d.V, Shard: shard}
		}
		if len(res.Results) < page {
			return out, nil
		}
	}
}

// decodeStored reads a document as a node stores it.
func decodeStored(h meilisearch.Hit) (Doc, int, error) {
	var d struct {
		Doc
		Shard *int `json:"_miroir_shard"`
	}
	b, err := json.Marshal(h)
	if err == nil {
		err = json.Unmarshal(b, &d)
	}
	shard := -1
	if d.Shard != nil {
		shard = *d.Shard
	}
	return d.Doc, shard, err
}
