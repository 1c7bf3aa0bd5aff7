package engine

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// The durable state of a node lives in one bbolt file. Every write is one
// transaction that bbolt fsyncs before Update returns, so a task that was
// answered 202 is on disk, and a status change is on disk before any reader
// can observe it.
var (
	bucketTasks    = []byte("tasks")    // be64(uid) -> task JSON
	bucketPayloads = []byte("payloads") // be64(uid) -> payload JSON, be64(uid)+"d" -> documents; dropped when the task finishes
	bucketIndexes  = []byte("indexes")  // index uid -> indexMeta JSON
	bucketKeys     = []byte("keys")     // key uid -> apiKey JSON
	bucketMeta     = []byte("meta")     // counters and node-wide settings
)

var (
	metaNextTask  = []byte("nextTaskUID")
	metaNextBatch = []byte("nextBatchUID")
	metaNextDir   = []byte("nextIndexDir")
	metaFeatures  = []byte("experimentalFeatures")
	metaKeysInit  = []byte("defaultKeysCreated")
)

type store struct {
	db *bolt.DB
}

func openStore(dir string) (*store, error) {
	db, err := bolt.Open(filepath.Join(dir, "tasks.db"), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open task store: %w", err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketTasks, bucketPayloads, bucketIndexes, bucketKeys, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("init task store: %w", err)
	}
	return &store{db: db}, nil
}

func (s *store) close() error { return s.db.Close() }

func be64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

// counter reads a meta counter (0 when unset).
func counter(tx *bolt.Tx, key []byte) uint64 {
	v := tx.Bucket(bucketMeta).Get(key)
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

func setCounter(tx *bolt.Tx, key []byte, v uint64) error {
	return tx.Bucket(bucketMeta).Put(key, be64(v))
}

func putJSON(tx *bolt.Tx, bucket, key []byte, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put(key, b)
}

func getJSON(tx *bolt.Tx, bucket, key []byte, v any) (bool, error) {
	b := tx.Bucket(bucket).Get(key)
	if b == nil {
		return false, nil
	}
	return true, json.Unmarshal(b, v)
}

func putTask(tx *bolt.Tx, t *task) error { return putJSON(tx, bucketTasks, be64(t.UID), t) }

// loadTasks returns every stored task in uid order.
func (s *store) loadTasks() ([]*task, error) {
	var out []*task
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTasks).ForEach(func(_, v []byte) error {
			t := new(task)
			if err := json.Unmarshal(v, t); err != nil {
				return err
			}
			out = append(out, t)
			return nil
		})
	})
	return out, err
}

func (s *store) payload(uid uint64, p *payload) error {
	return s.db.View(func(tx *bolt.Tx) error {
		ok, err := getJSON(tx, bucketPayloads, be64(uid), p)
		if err == nil && !ok {
			return errors.New("task payload missing")
		}
		if err != nil {
			return err
		}
		p.Documents, err = decodeDocs(tx.Bucket(bucketPayloads).Get(docsKey(uid)))
		return err
	})
}

// putPayload stores p; documents go in their own value as length-prefixed
// raw bytes, so a large payload is written without re-encoding it.
func putPayload(tx *bolt.Tx, uid uint64, p *payload) error {
	if err := putJSON(tx, bucketPayloads, be64(uid), p); err != nil {
		return err
	}
	if len(p.Documents) == 0 {
		return nil
	}
	return tx.Bucket(bucketPayloads).Put(docsKey(uid), encodeDocs(p.Documents))
}

func deletePayload(tx *bolt.Tx, uid uint64) error {
	b := tx.Bucket(bucketPayloads)
	if err := b.Delete(be64(uid)); err != nil {
		return err
	}
	return b.Delete(docsKey(uid))
}

func docsKey(uid uint64) []byte { return append(be64(uid), 'd') }

func encodeDocs(docs []json.RawMessage) []byte {
	n := 0
	for _, d := range docs {
		n += len(d) + binary.MaxVarintLen64
	}
	out := make([]byte, 0, n)
	for _, d := range docs {
		out = binary.AppendUvarint(out, uint64(len(d)))
		out = append(out, d...)
	}
	return out
}

// decodeDocs splits an encodeDocs value; the documents alias a copy of b,
// as bbolt values are only valid inside their transaction.
func decodeDocs(b []byte) ([]json.RawMessage, error) {
	if len(b) == 0 {
		return nil, nil
	}
	b = append([]byte(nil), b...)
	var docs []json.RawMessage
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return nil, errors.New("corrupt task payload")
		}
		docs = append(docs, json.RawMessage(b[k:k+int(n)]))
		b = b[k+int(n):]
	}
	return docs, nil
}
