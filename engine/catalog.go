package engine

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/miroir-search/miroir/engine/index"
	"github.com/miroir-search/miroir/meili"
	bolt "go.etcd.io/bbolt"
)

// indexMeta is the catalog entry of one index, stored in bbolt. Dir is a
// directory name under <data>/indexes that never changes for the life of the
// index, so a swap or a rename only rewrites catalog entries.
type indexMeta struct {
	UID       string    `json:"uid"`
	Dir       string    `json:"dir"`
	CreatedAt time.Time `json:"createdAt"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Settings holds the explicitly set settings; GET fills the defaults.
	Settings settingsDoc `json:"settings,omitempty"`
}

type entry struct {
	meta indexMeta
	idx  *index.Index
}

// catalog maps index uids to their open indexes. Only the task worker
// mutates it; HTTP readers take the read lock.
type catalog struct {
	st  *store
	dir string
	log *slog.Logger

	mu      sync.RWMutex
	entries map[string]*entry
}

var indexUIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,400}$`)

func validIndexUID(uid string) error {
	if !indexUIDPattern.MatchString(uid) {
		return meili.Errorf(meili.CodeInvalidIndexUID, "`%s` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 400 bytes.", uid)
	}
	return nil
}

// openCatalog opens every index of the catalog and removes index directories
// that no catalog entry names (left by a crash during create or delete).
func openCatalog(st *store, dataDir string, log *slog.Logger) (*catalog, error) {
	c := &catalog{st: st, dir: filepath.Join(dataDir, "indexes"), log: log, entries: map[string]*entry{}}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, fmt.Errorf("engine: create index dir: %w", err)
	}
	var metas []indexMeta
	err := st.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketIndexes).ForEach(func(_, v []byte) error {
			var m indexMeta
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			metas = append(metas, m)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("engine: load catalog: %w", err)
	}
	used := map[string]bool{}
	for _, m := range metas {
		is, err := index.SettingsFromJSON(m.Settings.full(nil))
		if err != nil {
			c.closeAll()
			return nil, fmt.Errorf("engine: settings of index %q: %w", m.UID, err)
		}
		idx, err := index.Open(filepath.Join(c.dir, m.Dir), "", is)
		if err != nil {
			c.closeAll()
			return nil, fmt.Errorf("engine: open index %q: %w", m.UID, err)
		}
		c.entries[m.UID] = &entry{meta: m, idx: idx}
		used[m.Dir] = true
	}
	c.removeOrphans(used)
	return c, nil
}

func (c *catalog) removeOrphans(used map[string]bool) {
	des, _ := os.ReadDir(c.dir)
	for _, de := range des {
		if !used[de.Name()] {
			c.log.Warn("removing orphaned index directory", "dir", de.Name())
			_ = os.RemoveAll(filepath.Join(c.dir, de.Name()))
		}
	}
}

func (c *catalog) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for uid, e := range c.entries {
		if err := e.idx.Close(); err != nil {
			c.log.Error("close index", "index", uid, "err", err)
		}
	}
	c.entries = map[string]*entry{}
}

// get returns the open index and a copy of its catalog entry.
func (c *catalog) get(uid string) (*index.Index, indexMeta, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[uid]
	if !ok {
		return nil, indexMeta{}, false
	}
	return e.idx, e.meta, true
}

// mustGet is get with Meilisearch's index_not_found error.
func (c *catalog) mustGet(uid string) (*index.Index, indexMeta, error) {
	idx, m, ok := c.get(uid)
	if !ok {
		return nil, m, meili.Errorf(meili.CodeIndexNotFound, "Index `%s` not found.", uid)
	}
	return idx, m, nil
}

// list returns the catalog entries sorted by uid.
func (c *catalog) list() []indexMeta {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]indexMeta, 0, len(c.entries))
	for _, e := range c.entries {
		out = append(out, e.meta)
	}
	slices.SortFunc(out, func(a, b indexMeta) int { return cmpString(a.UID, b.UID) })
	return out
}

// create opens a fresh index directory for uid and records it in the
// catalog within tx-writing callers' transaction via commit. It returns the
// entry; commit persists the catalog entry (the caller runs it inside the
// same bbolt transaction as the task status).
func (c *catalog) create(uid, primaryKey string, now time.Time) (*entry, error) {
	var n uint64
	err := c.st.db.Update(func(tx *bolt.Tx) error {
		n = counter(tx, metaNextDir)
		return setCounter(tx, metaNextDir, n+1)
	})
	if err != nil {
		return nil, err
	}
	dir := "idx-" + strconv.FormatUint(n, 10)
	idx, err := index.Open(filepath.Join(c.dir, dir), primaryKey, index.Settings{})
	if err != nil {
		return nil, fmt.Errorf("create index %q: %w", uid, err)
	}
	return &entry{meta: indexMeta{UID: uid, Dir: dir, CreatedAt: now, UpdatedAt: now}, idx: idx}, nil
}

// put publishes e in memory; callers persist it with putMeta first.
func (c *catalog) put(e *entry) {
	c.mu.Lock()
	c.entries[e.meta.UID] = e
	c.mu.Unlock()
}

// replace drops old and puts e in one step, so a reader never finds
// neither (an index renamed, or given a new primary key).
func (c *catalog) replace(old string, e *entry) {
	c.mu.Lock()
	delete(c.entries, old)
	c.entries[e.meta.UID] = e
	c.mu.Unlock()
}

func (c *catalog) drop(uid string) {
	c.mu.Lock()
	delete(c.entries, uid)
	c.mu.Unlock()
}

func putMeta(tx *bolt.Tx, m indexMeta) error {
	return putJSON(tx, bucketIndexes, []byte(m.UID), m)
}

func deleteMeta(tx *bolt.Tx, uid string) error {
	return tx.Bucket(bucketIndexes).Delete([]byte(uid))
}

// setMeta replaces the catalog entry of uid in memory (persisted by the caller).
func (c *catalog) setMeta(uid string, m indexMeta) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[uid]; ok {
		e.meta = m
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
