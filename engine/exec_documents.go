package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/miroir-search/miroir/engine/index"
	"github.com/miroir-search/miroir/meili"
	bolt "go.etcd.io/bbolt"
)

// indexForWrite returns the index a write task targets, creating it when
// missing (as Meilisearch does on a first document or settings write); the
// returned entry is non-nil when it was created here (finishWrite then
// catalogs it on success or removes it on failure).
func (s *Server) indexForWrite(uid string) (*index.Index, *entry, error) {
	if idx, _, ok := s.idx.get(uid); ok {
		return idx, nil, nil
	}
	e, err := s.idx.create(uid, "", time.Now().UTC())
	if err != nil {
		return nil, nil, err
	}
	return e.idx, e, nil
}

// finishWrite builds the outcome of a write on uid: on success the catalog
// entry is (re)written with a new updatedAt; on failure an index created for
// this task is removed again, so a failed first write leaves no index.
func (s *Server) finishWrite(uid string, created *entry, d json.RawMessage, err error, mutate func(*indexMeta)) outcome {
	if err != nil {
		if created != nil {
			_ = created.idx.Destroy()
		}
		return outcome{details: d, err: err}
	}
	now := time.Now().UTC()
	meta := indexMeta{}
	if created != nil {
		meta = created.meta
	} else if _, m, ok := s.idx.get(uid); ok {
		meta = m
	}
	meta.UpdatedAt = now
	if mutate != nil {
		mutate(&meta)
	}
	return outcome{
		details: d,
		commit:  func(tx *bolt.Tx) error { return putMeta(tx, meta) },
		publish: func() {
			if created != nil {
				created.meta = meta
				s.idx.put(created)
				return
			}
			s.idx.setMeta(uid, meta)
		},
	}
}

// execAddDocuments applies one batch of document additions (one task, or
// an autobatch of consecutive tasks with the same options) as one index
// write recorded under the last task's uid.
func (s *Server) execAddDocuments(ctx context.Context, ts []task, ps []*payload) outcome {
	uid, last, p0 := ts[0].index(), ts[len(ts)-1].UID, ps[0]
	idx, created, err := s.indexForWrite(uid)
	if err != nil {
		return outcome{err: err}
	}
	docs := p0.Documents
	if len(ps) > 1 {
		docs = nil
		for _, p := range ps {
			docs = append(docs, p.Documents...)
		}
	}
	if err == nil && p0.SkipCreation {
		docs, err = existingOnly(idx, docs, p0.PrimaryKey)
	}
	kind := index.KindUpdate
	if p0.Replace {
		kind = index.KindUpsert
	}
	replayed := idx.AppliedTaskUID() >= last && last > 0
	var res index.BatchResult
	if err == nil {
		res, err = idx.Apply(ctx, index.Batch{TaskUID: last, Kind: kind, Documents: docs, PrimaryKey: p0.PrimaryKey})
	}
	out := s.finishWrite(uid, created, nil, err, nil)
	for _, p := range ps {
		indexed := len(p.Documents)
		switch {
		case err != nil:
			indexed = 0
		case len(ps) == 1 && !replayed:
			indexed = res.IndexedDocuments
		}
		out.perTask = append(out.perTask, details("receivedDocuments", len(p.Documents), "indexedDocuments", indexed))
	}
	return out
}

func (s *Server) execDeleteDocuments(ctx context.Context, t *task, p *payload) outcome {
	uid := t.index()
	idx, _, err := s.idx.mustGet(uid)
	b := index.Batch{TaskUID: t.UID}
	switch {
	case p.Clear:
		b.Kind = index.KindClear
	case len(p.Filter) > 0:
		b.Kind = index.KindDeleteByFilter
		var f any
		_ = json.Unmarshal(p.Filter, &f)
		b.Filter = f
	default:
		b.Kind, b.IDs = index.KindDelete, p.IDs
	}
	deleted := 0
	if err == nil {
		var res index.BatchResult
		res, err = idx.Apply(ctx, b)
		deleted = res.DeletedDocuments
	}
	var d json.RawMessage
	switch {
	case p.Clear:
		d = details("deletedDocuments", deleted)
	case len(p.Filter) > 0:
		var orig any
		_ = json.Unmarshal(p.Filter, &orig)
		d = details("providedIds", 0, "deletedDocuments", deleted, "originalFilter", string(mustJSON(orig)))
	default:
		d = details("providedIds", len(p.IDs), "deletedDocuments", deleted)
	}
	if err != nil {
		return outcome{details: d, err: err}
	}
	return s.finishWrite(uid, nil, d, nil, nil)
}

// existingOnly keeps the documents whose id already exists in idx: with
// skipCreation, Meilisearch updates existing documents and creates none.
func existingOnly(idx *index.Index, docs []json.RawMessage, pk string) ([]json.RawMessage, error) {
	if idx.PrimaryKey() != "" {
		pk = idx.PrimaryKey()
	}
	var out []json.RawMessage
	for _, raw := range docs {
		var doc meili.Document
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, meili.Errorf(meili.CodeMalformedPayload, "The document is not a valid JSON object: %v", err)
		}
		if pk == "" {
			var err error
			if pk, err = meili.InferPrimaryKey(doc); err != nil {
				return nil, err
			}
		}
		id, err := meili.DocumentID(doc, pk)
		if err != nil {
			return nil, err
		}
		if _, err := idx.Get(id, nil); err == nil {
			out = append(out, raw)
		}
	}
	return out, nil
}
