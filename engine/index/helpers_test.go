package index

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/miroir-search/miroir/meili"
)

// newTestIndex opens an index in a temp dir and adds docs (JSON objects).
func newTestIndex(t *testing.T, s Settings, docs ...string) *Index {
	t.Helper()
	idx, err := Open(t.TempDir(), "id", s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	if len(docs) > 0 {
		addDocs(t, idx, 1, docs...)
	}
	return idx
}

func addDocs(t *testing.T, idx *Index, task uint64, docs ...string) BatchResult {
	t.Helper()
	raws := make([]json.RawMessage, len(docs))
	for i, d := range docs {
		raws[i] = json.RawMessage(d)
	}
	res, err := idx.Apply(context.Background(), Batch{TaskUID: task, Kind: KindUpsert, Documents: raws})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// search runs a search from a JSON body and decodes the hits.
func search(t *testing.T, idx *Index, body string) (*meili.SearchResult, []map[string]any) {
	t.Helper()
	q, err := meili.DecodeSearchQuery([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	res, err := idx.Search(q)
	if err != nil {
		t.Fatalf("search %s: %v", body, err)
	}
	hits := make([]map[string]any, len(res.Hits))
	for i, h := range res.Hits {
		if err := json.Unmarshal(h, &hits[i]); err != nil {
			t.Fatal(err)
		}
	}
	return res, hits
}

func ids(hits []map[string]any) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		b, _ := json.Marshal(h["id"])
		out[i] = string(b)
	}
	return out
}

func strp(s string) *string { return &s }
