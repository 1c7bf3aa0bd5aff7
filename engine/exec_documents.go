package engine

import (
	"context"
	"encoding/json"
	"time"

	"github.com/miroir-search/miroir/engine/index"
	bolt "go.etcd.io/bbolt"
)

// indexForWrite returns the index a write task targets, creating it when
// missing (as Meilisearch does on a first document or settings write). The
// returned undo removes an index created here, for a task that then fails.
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

func (s *Server) execAddDocuments(ctx context.Context, t *task, p *payload) outcome {
	uid := t.index()
	if _, _, ok := s.idx.get(uid); !ok && p.SkipCreation {
		return outcome{details: details("receivedDocuments", len(p.Documents), "indexedDocuments", 0)}
	}
	idx, created, err := s.indexForWrite(uid)
	if err != nil {
		return outcome{err: err}
	}
	kind := index.KindUpdate
	if p.Replace {
		kind = index.KindUpsert
	}
	replayed := idx.AppliedTaskUID() >= t.UID && t.UID > 0
	res, err := idx.Apply(ctx, index.Batch{TaskUID: t.UID, Kind: kind, Documents: p.Documents, PrimaryKey: p.PrimaryKey})
	indexed := res.IndexedDocuments
	if replayed {
		indexed = len(p.Documents)
	}
	if err != nil {
		indexed = 0
	}
	d := details("receivedDocuments", len(p.Documents), "indexedDocuments", indexed)
	return s.finishWrite(uid, created, d, err, nil)
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
