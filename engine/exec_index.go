package engine

import (
	"context"
	"strings"
	"time"

	"github.com/miroir-search/miroir/engine/index"
	"github.com/miroir-search/miroir/meili"
	bolt "go.etcd.io/bbolt"
)

func (s *Server) execCreateIndex(t *task, p *payload) outcome {
	uid := t.index()
	if _, _, ok := s.idx.get(uid); ok {
		return outcome{err: meili.Errorf(meili.CodeIndexAlreadyExists, "Index `%s` already exists.", uid)}
	}
	e, err := s.idx.create(uid, p.PrimaryKey, time.Now().UTC())
	if err != nil {
		return outcome{err: err}
	}
	return outcome{
		commit:  func(tx *bolt.Tx) error { return putMeta(tx, e.meta) },
		publish: func() { s.idx.put(e) },
	}
}

func (s *Server) execUpdateIndex(t *task, p *payload) outcome {
	uid := t.index()
	idx, meta, err := s.idx.mustGet(uid)
	if err != nil {
		return outcome{err: err}
	}
	if p.NewUID != "" && p.NewUID != uid {
		if _, _, ok := s.idx.get(p.NewUID); ok {
			return outcome{err: meili.Errorf(meili.CodeIndexAlreadyExists, "Index `%s` already exists.", p.NewUID)}
		}
	}
	var retired *index.Index
	if p.PrimaryKey != "" && p.PrimaryKey != idx.PrimaryKey() {
		fresh, err := s.changePrimaryKey(t, idx, meta, p.PrimaryKey)
		if err != nil {
			return outcome{err: err}
		}
		if fresh != nil {
			retired, idx, meta.Dir = idx, fresh.idx, fresh.meta.Dir
		}
	}
	meta.UpdatedAt = time.Now().UTC()
	old := meta.UID
	if p.NewUID != "" {
		meta.UID = p.NewUID
	}
	return outcome{
		commit: func(tx *bolt.Tx) error {
			if err := deleteMeta(tx, old); err != nil {
				return err
			}
			return putMeta(tx, meta)
		},
		publish: func() {
			s.idx.replace(old, &entry{meta: meta, idx: idx})
			if retired != nil {
				if err := retired.Destroy(); err != nil {
					s.log.Error("remove replaced index files", "index", meta.UID, "err", err)
				}
			}
		},
	}
}

// changePrimaryKey sets the primary key of idx. An index without one gets
// it from an empty batch; an index with documents keeps its key
// (index_primary_key_already_exists); an empty index with another key is
// replaced by a fresh directory with the new key and the same settings,
// which the caller swaps in when the task commits.
func (s *Server) changePrimaryKey(t *task, idx *index.Index, meta indexMeta, pk string) (*entry, error) {
	if idx.PrimaryKey() == "" {
		_, err := idx.Apply(context.Background(), index.Batch{TaskUID: t.UID, Kind: index.KindUpsert, PrimaryKey: pk})
		return nil, err
	}
	if idx.Stats().NumberOfDocuments > 0 {
		return nil, meili.Errorf(meili.CodeIndexPrimaryKeyAlreadyExists, "Index `%s`: Index already has a primary key: `%s`.", meta.UID, idx.PrimaryKey())
	}
	fresh, err := s.idx.create(meta.UID, pk, meta.CreatedAt)
	if err != nil {
		return nil, err
	}
	is, err := index.SettingsFromJSON(meta.Settings.full(nil))
	if err == nil {
		err = fresh.idx.UpdateSettings(t.UID, is)
	}
	if err != nil {
		_ = fresh.idx.Destroy()
		return nil, err
	}
	return fresh, nil
}

func (s *Server) execDeleteIndex(t *task) outcome {
	uid := t.index()
	idx, _, err := s.idx.mustGet(uid)
	if err != nil {
		return outcome{err: err}
	}
	n := idx.Stats().NumberOfDocuments
	return outcome{
		details: details("deletedDocuments", n),
		commit:  func(tx *bolt.Tx) error { return deleteMeta(tx, uid) },
		publish: func() {
			s.idx.drop(uid)
			if err := idx.Destroy(); err != nil {
				s.log.Error("remove deleted index files", "index", uid, "err", err)
			}
		},
	}
}

// execSwap exchanges (or renames) catalog entries; every pair is checked
// before anything changes, so a failed swap changes nothing.
func (s *Server) execSwap(t *task, p *payload) outcome {
	s.idx.mu.RLock()
	var missing []string
	for _, sw := range p.Swaps {
		for i, uid := range sw.Indexes {
			if _, ok := s.idx.entries[uid]; !ok && (i == 0 || !sw.Rename) {
				missing = append(missing, uid)
			}
		}
		if _, ok := s.idx.entries[sw.Indexes[1]]; ok && sw.Rename {
			s.idx.mu.RUnlock()
			return outcome{err: meili.Errorf(meili.CodeIndexAlreadyExists, "Cannot rename `%s` to `%s` as the index already exists. Hint: You can remove `%s` first and then do your remove.", sw.Indexes[0], sw.Indexes[1], sw.Indexes[1])}
		}
	}
	s.idx.mu.RUnlock()
	if len(missing) > 0 {
		return outcome{err: meili.Errorf(meili.CodeIndexNotFound, "Indexes `%s` not found.", strings.Join(missing, "`, `"))}
	}
	now := time.Now().UTC()
	var changed []indexMeta
	var removed []string
	s.idx.mu.Lock()
	for _, sw := range p.Swaps {
		a, b := sw.Indexes[0], sw.Indexes[1]
		ea := s.idx.entries[a]
		if sw.Rename {
			delete(s.idx.entries, a)
			ea.meta.UID, ea.meta.UpdatedAt = b, now
			s.idx.entries[b] = ea
			removed = append(removed, a)
			continue
		}
		eb := s.idx.entries[b]
		ea.meta.UID, eb.meta.UID = b, a
		ea.meta.UpdatedAt, eb.meta.UpdatedAt = now, now
		s.idx.entries[a], s.idx.entries[b] = eb, ea
	}
	for _, sw := range p.Swaps {
		for _, uid := range sw.Indexes {
			if e, ok := s.idx.entries[uid]; ok {
				changed = append(changed, e.meta)
			}
		}
	}
	s.idx.mu.Unlock()
	// The in-memory swap is published before the commit; the worker is the
	// only writer and a failed commit stops the queue, so the two cannot
	// diverge for longer than the failing transaction.
	return outcome{commit: func(tx *bolt.Tx) error {
		for _, uid := range removed {
			if err := deleteMeta(tx, uid); err != nil {
				return err
			}
		}
		for _, m := range changed {
			if err := putMeta(tx, m); err != nil {
				return err
			}
		}
		return nil
	}}
}
