package index

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Keys of the bleve internal store. They are written in the same batch as
// the documents they describe, so the watermark never runs ahead of data.
var (
	keyAppliedTask = []byte("miroir.appliedTask")
	keyPrimaryKey  = []byte("miroir.primaryKey")
	keySettings    = []byte("miroir.settings")
)

// sourceField is the stored (not indexed) field holding a document's raw JSON.
const sourceField = "_source"

// store is the durable half of an Index: raw documents and metadata in a
// bleve scorch index. Batch returns only once scorch has persisted it.
type store struct {
	bl bleve.Index
}

func openStore(dir string) (*store, error) {
	if _, err := os.Stat(dir + "/index_meta.json"); err == nil {
		bl, err := bleve.Open(dir)
		if err != nil {
			return nil, fmt.Errorf("open bleve index %s: %w", dir, err)
		}
		return &store{bl: bl}, nil
	}
	m := mapping.NewIndexMapping()
	m.DefaultMapping.Dynamic = false
	m.DefaultAnalyzer = "keyword"
	bl, err := bleve.NewUsing(dir, m, "scorch", "scorch", nil)
	if err != nil {
		return nil, fmt.Errorf("create bleve index %s: %w", dir, err)
	}
	return &store{bl: bl}, nil
}

// write is one atomic, durable change: documents to put, ids to delete, and
// metadata to set.
type write struct {
	put      map[string][]byte
	del      []string
	internal map[string][]byte
}

func (s *store) apply(w write) error {
	b := s.bl.NewBatch()
	for _, id := range w.del {
		b.Delete(id)
	}
	for id, raw := range w.put {
		d := document.NewDocument(id)
		d.AddField(document.NewTextFieldWithIndexingOptions(sourceField, nil, raw, bindex.StoreField))
		if err := b.IndexAdvanced(d); err != nil {
			return err
		}
	}
	for k, v := range w.internal {
		b.SetInternal([]byte(k), v)
	}
	return s.bl.Batch(b)
}

func (s *store) getInternal(key []byte) ([]byte, error) { return s.bl.GetInternal(key) }

// each calls fn with every stored document.
func (s *store) each(fn func(id string, raw []byte) error) error {
	adv, err := s.bl.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	if is, ok := r.(*scorch.IndexSnapshot); ok {
		return eachInSegments(is, fn)
	}
	it, err := r.DocIDReaderAll()
	if err != nil {
		return err
	}
	defer it.Close()
	for {
		iid, err := it.Next()
		if err != nil || iid == nil {
			return err
		}
		id, err := r.ExternalID(iid)
		if err != nil {
			return err
		}
		d, err := r.Document(id)
		if err != nil || d == nil {
			return err
		}
		var raw []byte
		d.VisitFields(func(f bindex.Field) {
			if f.Name() == sourceField {
				raw = append([]byte(nil), f.Value()...)
			}
		})
		if raw == nil {
			return errors.New("stored document without source: " + id)
		}
		if err := fn(id, raw); err != nil {
			return err
		}
	}
}

// eachInSegments visits the live documents segment by segment: one stored
// fields visit per document, instead of an _id lookup each (which made
// reopening a 60k-document index take tens of seconds).
func eachInSegments(is *scorch.IndexSnapshot, fn func(id string, raw []byte) error) error {
	for _, seg := range is.Segments() {
		it := seg.DocNumbersLive().Iterator()
		for it.HasNext() {
			var id string
			var raw []byte
			err := seg.VisitDocument(uint64(it.Next()), func(name string, _ byte, val []byte, _ []uint64) bool {
				switch name {
				case "_id":
					id = string(val)
				case sourceField:
					raw = append([]byte(nil), val...)
				}
				return true
			})
			if err != nil {
				return err
			}
			if raw == nil {
				return errors.New("stored document without source: " + id)
			}
			if err := fn(id, raw); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *store) close() error { return s.bl.Close() }

func encodeUint(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func decodeUint(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
