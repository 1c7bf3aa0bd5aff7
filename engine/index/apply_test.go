package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/miroir-search/miroir/meili"
)

func apply(t *testing.T, idx *Index, b Batch) (BatchResult, error) {
	t.Helper()
	return idx.Apply(context.Background(), b)
}

func TestDocumentsRoundTripExactlyAndSurviveReopen(t *testing.T) {
	dir := t.TempDir()
	idx, err := Open(dir, "", Settings{})
	if err != nil {
		t.Fatal(err)
	}
	doc := `{"zeta":1.50,"id":"a-1","alpha":{"b":[1,2]},"u":"caf\u00e9"}`
	res, err := apply(t, idx, Batch{TaskUID: 7, Kind: KindUpsert, Documents: []json.RawMessage{json.RawMessage(doc)}})
	if err != nil || res.PrimaryKey != "id" || res.IndexedDocuments != 1 {
		t.Fatalf("apply: %+v %v", res, err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	idx, err = Open(dir, "", Settings{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if idx.AppliedTaskUID() != 7 || idx.PrimaryKey() != "id" {
		t.Fatalf("reopened: task %d pk %q", idx.AppliedTaskUID(), idx.PrimaryKey())
	}
	got, err := idx.Get("a-1", nil)
	if err != nil || string(got) != doc {
		t.Fatalf("get: %s %v", got, err)
	}
	if _, hits := search(t, idx, `{"q":"cafe"}`); len(hits) != 1 {
		t.Errorf("search after reopen: %v", hits)
	}
}

func TestReplayedTaskIsANoOp(t *testing.T) {
	idx := newTestIndex(t, Settings{}, `{"id":1}`)
	res, err := apply(t, idx, Batch{TaskUID: 1, Kind: KindClear})
	if err != nil || res.DeletedDocuments != 0 || idx.Stats().NumberOfDocuments != 1 {
		t.Fatalf("replay: %+v %v", res, err)
	}
}

func TestInvalidBatchChangesNothingButRecordsTheTask(t *testing.T) {
	idx := newTestIndex(t, Settings{}, `{"id":1}`)
	_, err := apply(t, idx, Batch{TaskUID: 5, Kind: KindUpsert, Documents: []json.RawMessage{
		json.RawMessage(`{"id":2}`), json.RawMessage(`{"id":"bad id"}`)}})
	var me *meili.Error
	if !errors.As(err, &me) || me.Code != meili.CodeInvalidDocumentID {
		t.Fatalf("err %v", err)
	}
	if idx.AppliedTaskUID() != 5 || idx.Stats().NumberOfDocuments != 1 {
		t.Errorf("task %d docs %d", idx.AppliedTaskUID(), idx.Stats().NumberOfDocuments)
	}
	_, err = apply(t, idx, Batch{TaskUID: 6, Kind: KindUpsert, Documents: []json.RawMessage{json.RawMessage(`{"x":2}`)}})
	if !errors.As(err, &me) || me.Code != meili.CodeMissingDocumentID {
		t.Errorf("missing id: %v", err)
	}
}

func TestPartialUpdateMergesFields(t *testing.T) {
	idx := newTestIndex(t, Settings{}, `{"id":1,"a":"x","b":2}`)
	_, err := apply(t, idx, Batch{TaskUID: 2, Kind: KindUpdate, Documents: []json.RawMessage{
		json.RawMessage(`{"id":1,"b":3,"c":true}`), json.RawMessage(`{"id":9,"a":"new"}`)}})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := idx.Get("1", nil)
	if string(got) != `{"id":1,"a":"x","b":3,"c":true}` {
		t.Errorf("merged %s", got)
	}
	if got, _ := idx.Get("9", []string{"a"}); string(got) != `{"a":"new"}` {
		t.Errorf("new doc %s", got)
	}
}

func TestDeletesByIDFilterAndClear(t *testing.T) {
	s, _ := SettingsFromJSON(`{"filterableAttributes":["n"]}`)
	idx := newTestIndex(t, s, `{"id":1,"n":1}`, `{"id":2,"n":2}`, `{"id":3,"n":3}`, `{"id":4,"n":4}`)
	res, _ := apply(t, idx, Batch{TaskUID: 2, Kind: KindDelete, IDs: []string{"1", "99"}})
	if res.DeletedDocuments != 1 {
		t.Errorf("delete ids: %+v", res)
	}
	res, _ = apply(t, idx, Batch{TaskUID: 3, Kind: KindDeleteByFilter, Filter: "n >= 3"})
	if res.DeletedDocuments != 2 {
		t.Errorf("delete by filter: %+v", res)
	}
	if _, err := idx.Get("3", nil); !errors.Is(err, meili.Errorf(meili.CodeDocumentNotFound, "")) {
		t.Errorf("get deleted: %v", err)
	}
	res, _ = apply(t, idx, Batch{TaskUID: 4, Kind: KindClear})
	if res.DeletedDocuments != 1 || idx.Stats().NumberOfDocuments != 0 {
		t.Errorf("clear: %+v", res)
	}
	if _, hits := search(t, idx, `{}`); len(hits) != 0 {
		t.Errorf("after clear: %v", hits)
	}
}

func TestFetchFiltersSortsAndPages(t *testing.T) {
	s, _ := SettingsFromJSON(`{"filterableAttributes":["n"],"sortableAttributes":["n"]}`)
	idx := newTestIndex(t, s, `{"id":3,"n":1}`, `{"id":1,"n":3}`, `{"id":2,"n":2}`, `{"id":"x","n":9}`)
	page, err := idx.Fetch(FetchQuery{Limit: 2, Filter: "n < 5", Fields: []string{"id"}})
	if err != nil || page.Total != 3 || fmt.Sprint(rawStrings(page.Results)) != `[{"id":1} {"id":2}]` {
		t.Errorf("fetch: %+v %v", page, err)
	}
	page, _ = idx.Fetch(FetchQuery{Limit: 10, Sort: []string{"n:desc"}, IDs: []string{"1", "3"}})
	if fmt.Sprint(rawStrings(page.Results)) != `[{"id":1,"n":3} {"id":3,"n":1}]` {
		t.Errorf("fetch sorted: %v", rawStrings(page.Results))
	}
}

func rawStrings(r []json.RawMessage) []string {
	out := make([]string, len(r))
	for i, v := range r {
		out[i] = string(v)
	}
	return out
}

func TestUpdateSettingsReindexes(t *testing.T) {
	idx := newTestIndex(t, Settings{}, `{"id":1,"a":"blue","b":"red"}`)
	s, _ := SettingsFromJSON(`{"searchableAttributes":["b"],"filterableAttributes":["a"]}`)
	if err := idx.UpdateSettings(2, s); err != nil {
		t.Fatal(err)
	}
	if _, hits := search(t, idx, `{"q":"blue"}`); len(hits) != 0 {
		t.Errorf("a is no longer searchable: %v", hits)
	}
	if _, hits := search(t, idx, `{"filter":"a = blue"}`); len(hits) != 1 {
		t.Errorf("a is filterable: %v", hits)
	}
	if idx.AppliedTaskUID() != 2 {
		t.Errorf("task %d", idx.AppliedTaskUID())
	}
}

func TestStatsCountFields(t *testing.T) {
	idx := newTestIndex(t, Settings{}, `{"id":1,"a":{"b":1}}`, `{"id":2,"c":null}`)
	st := idx.Stats()
	if st.NumberOfDocuments != 2 || fmt.Sprint(st.FieldDistribution) != "map[a:1 c:1 id:2]" {
		t.Errorf("stats %+v", st)
	}
}
