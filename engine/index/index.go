package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/miroir-search/miroir/meili"
)

// ErrClosed is returned by every method of a closed Index.
var ErrClosed = errors.New("index: closed")

// Index is one Meilisearch index on disk. It is safe for concurrent use.
type Index struct {
	dir string

	writeMu sync.Mutex // serialises Apply and UpdateSettings

	mu         sync.RWMutex // guards the fields below
	st         *store
	mem        *mem
	settings   Settings
	primaryKey string
	applied    uint64
	indexing   bool
	closed     bool

	dictMu sync.Mutex // guards building mem.dict
}

// Open opens (or creates) the index stored in dir. primaryKey and settings
// are used only when the directory is new; an existing index keeps its own.
func Open(dir string, primaryKey string, settings Settings) (*Index, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	st, err := openStore(dir + "/bleve")
	if err != nil {
		return nil, err
	}
	idx := &Index{dir: dir, st: st, settings: settings, primaryKey: primaryKey}
	if err := idx.load(); err != nil {
		st.close()
		return nil, err
	}
	return idx, nil
}

// load reads metadata and every document from the store into memory.
func (x *Index) load() error {
	if b, err := x.st.getInternal(keyAppliedTask); err == nil && b != nil {
		x.applied = decodeUint(b)
	}
	if b, err := x.st.getInternal(keyPrimaryKey); err == nil && b != nil {
		x.primaryKey = string(b)
	}
	if b, err := x.st.getInternal(keySettings); err == nil && b != nil {
		if err := json.Unmarshal(b, &x.settings); err != nil {
			return fmt.Errorf("index: stored settings: %w", err)
		}
	}
	cfg, err := resolve(x.settings)
	if err != nil {
		return err
	}
	m := newMem(cfg)
	err = x.st.each(func(id string, raw []byte) error {
		fields, err := flatten(raw)
		if err != nil {
			return fmt.Errorf("index: stored document %s: %w", id, err)
		}
		m.put(id, raw, fields)
		return nil
	})
	x.mem = m
	return err
}

// AppliedTaskUID is the largest task uid whose batch is durably applied.
func (x *Index) AppliedTaskUID() uint64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.applied
}

// PrimaryKey is the index's primary key ("" until set or inferred).
func (x *Index) PrimaryKey() string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.primaryKey
}

// Settings returns the settings the index was last given.
func (x *Index) Settings() Settings {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.settings
}

// Close releases the store. Later calls return ErrClosed.
func (x *Index) Close() error {
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	x.mem = newMem(x.mem.cfg)
	return x.st.close()
}

// Destroy closes the index and removes its directory.
func (x *Index) Destroy() error {
	if err := x.Close(); err != nil {
		return err
	}
	return os.RemoveAll(x.dir)
}

// snapshot returns the current in-memory state for a reader. A mem is never
// mutated after publication except by Apply under mu, so readers hold mu.RLock
// for the duration of their work.
func (x *Index) readLock() (*mem, func(), error) {
	x.mu.RLock()
	if x.closed {
		x.mu.RUnlock()
		return nil, nil, ErrClosed
	}
	return x.mem, x.mu.RUnlock, nil
}

// dictionary returns the settled term dictionary of m.
// Callers hold mu.RLock, so m cannot change meanwhile.
func (x *Index) dictionary(m *mem) *dictionary {
	x.dictMu.Lock()
	defer x.dictMu.Unlock()
	m.dict.settle()
	return m.dict
}

// UpdateSettings stores new settings, re-indexing documents in memory, and
// records taskUID as applied in the same durable write.
func (x *Index) UpdateSettings(taskUID uint64, s Settings) error {
	cfg, err := resolve(s)
	if err != nil {
		return err
	}
	x.writeMu.Lock()
	defer x.writeMu.Unlock()
	if x.isClosed() {
		return ErrClosed
	}
	w := write{internal: map[string][]byte{string(keySettings): mustJSON(s)}}
	x.withTask(&w, taskUID)
	if err := x.st.apply(w); err != nil {
		return err
	}
	x.mu.RLock()
	fresh := x.mem.rebuild(cfg)
	x.mu.RUnlock()
	x.mu.Lock()
	x.mem, x.settings = fresh, s
	x.bumpApplied(taskUID)
	x.mu.Unlock()
	return nil
}

func (x *Index) isClosed() bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.closed
}

func (x *Index) withTask(w *write, taskUID uint64) {
	if taskUID > x.AppliedTaskUID() {
		if w.internal == nil {
			w.internal = map[string][]byte{}
		}
		w.internal[string(keyAppliedTask)] = encodeUint(taskUID)
	}
}

// bumpApplied raises the watermark; callers hold mu.
func (x *Index) bumpApplied(taskUID uint64) {
	if taskUID > x.applied {
		x.applied = taskUID
	}
}

// errNotFound is the Meilisearch error for a missing document.
func errNotFound(id string) error {
	return meili.Errorf(meili.CodeDocumentNotFound, "Document `%s` not found.", id)
}
