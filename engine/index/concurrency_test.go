package index

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/miroir-search/miroir/meili"
)

func TestSearchesRunDuringWrites(t *testing.T) {
	s, _ := SettingsFromJSON(`{"filterableAttributes":["n"],"sortableAttributes":["n"]}`)
	idx := newTestIndex(t, s)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			doc := json.RawMessage(fmt.Sprintf(`{"id":%d,"t":"word%d common","n":%d}`, i, i, i))
			if _, err := idx.Apply(context.Background(), Batch{TaskUID: uint64(i + 1), Kind: KindUpsert, Documents: []json.RawMessage{doc}}); err != nil {
				t.Error(err)
			}
		}
	}()
	q, _ := meili.DecodeSearchQuery([]byte(`{"q":"comm","facets":["n"],"sort":["n:desc"]}`))
	for i := 0; i < 50; i++ {
		if _, err := idx.Search(q); err != nil {
			t.Fatal(err)
		}
		idx.Stats()
	}
	wg.Wait()
	if res, err := idx.Search(q); err != nil || *res.EstimatedTotalHits != 20 {
		t.Fatalf("final search: %v", err)
	}
}
