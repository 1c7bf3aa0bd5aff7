package workload

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// fakeMeili is a tiny single-node Meilisearch for the workload's own tests:
// tasks finish as they are enqueued, so a correct fake yields a history
// every checker accepts. loseEvery > 0 makes it acknowledge every n-th
// document write without applying it: a bug the checkers must catch.
type fakeMeili struct {
	mu        sync.Mutex
	indexes   map[string]*fakeIndex
	tasks     []map[string]any
	keys      map[string]bool
	loseEvery int
	writes    int
}

type fakeIndex struct {
	docs     map[string]map[string]any
	synonyms map[string][]string
}

func newFakeMeili() *fakeMeili {
	return &fakeMeili{indexes: map[string]*fakeIndex{}, keys: map[string]bool{}}
}

func (f *fakeMeili) handler() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("POST /indexes", f.createIndex)
	m.HandleFunc("DELETE /indexes/{uid}", f.deleteIndex)
	m.HandleFunc("GET /tasks/{uid}", f.getTask)
	m.HandleFunc("POST /indexes/{uid}/documents", f.writeDocs(false))
	m.HandleFunc("PUT /indexes/{uid}/documents", f.writeDocs(true))
	m.HandleFunc("POST /indexes/{uid}/documents/delete-batch", f.deleteDocs)
	m.HandleFunc("GET /indexes/{uid}/documents/{id}", f.getDoc)
	m.HandleFunc("POST /indexes/{uid}/documents/fetch", f.fetchDocs)
	m.HandleFunc("POST /indexes/{uid}/search", f.search)
	m.HandleFunc("PUT /indexes/{uid}/settings/synonyms", f.setSynonyms)
	m.HandleFunc("GET /indexes/{uid}/settings/synonyms", f.getSynonyms)
	m.HandleFunc("PATCH /indexes/{uid}/settings/pagination", f.okTask)
	m.HandleFunc("POST /keys", f.createKey)
	m.HandleFunc("GET /keys/{uid}", f.getKey)
	return m
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func apiErr(w http.ResponseWriter, status int, code string) {
	reply(w, status, map[string]string{"message": code, "code": code, "type": "invalid_request", "link": ""})
}

// task records a finished task (failed when code != "") and answers 202.
func (f *fakeMeili) task(w http.ResponseWriter, index, code string) {
	uid := len(f.tasks)
	t := map[string]any{"uid": uid, "indexUid": index, "status": "succeeded", "type": "x"}
	if code != "" {
		t["status"] = "failed"
		t["error"] = map[string]string{"code": code, "message": code}
	}
	f.tasks = append(f.tasks, t)
	reply(w, http.StatusAccepted, map[string]any{"taskUid": uid, "indexUid": index, "status": "enqueued"})
}

func (f *fakeMeili) index(uid string) *fakeIndex {
	ix := f.indexes[uid]
	if ix == nil {
		ix = &fakeIndex{docs: map[string]map[string]any{}, synonyms: map[string][]string{}}
		f.indexes[uid] = ix
	}
	return ix
}

func (f *fakeMeili) createIndex(w http.ResponseWriter, r *http.Request) {
	var body struct{ UID string }
	_ = json.NewDecoder(r.Body).Decode(&body)
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.indexes[body.UID]; ok {
		f.task(w, body.UID, "index_already_exists")
		return
	}
	f.index(body.UID)
	f.task(w, body.UID, "")
}

func (f *fakeMeili) deleteIndex(w http.ResponseWriter, r *http.Request) {
	uid := r.PathValue("uid")
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.indexes[uid]; !ok {
		f.task(w, uid, "index_not_found")
		return
	}
	delete(f.indexes, uid)
	f.task(w, uid, "")
}

func (f *fakeMeili) getTask(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var uid int
	_ = json.Unmarshal([]byte(r.PathValue("uid")), &uid)
	if uid < 0 || uid >= len(f.tasks) {
		apiErr(w, http.StatusNotFound, "task_not_found")
		return
	}
	reply(w, http.StatusOK, f.tasks[uid])
}

// lose reports whether this acknowledged write is to be dropped.
func (f *fakeMeili) lose() bool {
	f.writes++
	return f.loseEvery > 0 && f.writes%f.loseEvery == 0
}

func (f *fakeMeili) writeDocs(partial bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var docs []map[string]any
		_ = json.NewDecoder(r.Body).Decode(&docs)
		f.mu.Lock()
		defer f.mu.Unlock()
		ix := f.index(r.PathValue("uid"))
		if !f.lose() {
			for _, d := range docs {
				id := d["id"].(string)
				if old, ok := ix.docs[id]; ok && partial {
					for k, v := range d {
						old[k] = v
					}
					continue
				}
				ix.docs[id] = d
			}
		}
		f.task(w, r.PathValue("uid"), "")
	}
}

func (f *fakeMeili) deleteDocs(w http.ResponseWriter, r *http.Request) {
	var ids []string
	_ = json.NewDecoder(r.Body).Decode(&ids)
	f.mu.Lock()
	defer f.mu.Unlock()
	ix := f.index(r.PathValue("uid"))
	if !f.lose() {
		for _, id := range ids {
			delete(ix.docs, id)
		}
	}
	f.task(w, r.PathValue("uid"), "")
}

func (f *fakeMeili) existing(w http.ResponseWriter, r *http.Request) *fakeIndex {
	ix := f.indexes[r.PathValue("uid")]
	if ix == nil {
		apiErr(w, http.StatusNotFound, "index_not_found")
	}
	return ix
}

func (f *fakeMeili) getDoc(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ix := f.existing(w, r); ix != nil {
		if d, ok := ix.docs[r.PathValue("id")]; ok {
			reply(w, http.StatusOK, d)
			return
		}
		apiErr(w, http.StatusNotFound, "document_not_found")
	}
}

// sorted returns the documents whose text contains q, by id.
func (ix *fakeIndex) sorted(q string) []map[string]any {
	var out []map[string]any
	for _, d := range ix.docs {
		if text, _ := d["text"].(string); q == "" || strings.Contains(text, q) {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(string) < out[j]["id"].(string) })
	return out
}

func page(docs []map[string]any, offset, limit int) []map[string]any {
	if limit == 0 {
		limit = 20
	}
	if offset > len(docs) {
		offset = len(docs)
	}
	return docs[offset:min(len(docs), offset+limit)]
}

func (f *fakeMeili) fetchDocs(w http.ResponseWriter, r *http.Request) {
	var q struct{ Offset, Limit int }
	_ = json.NewDecoder(r.Body).Decode(&q)
	f.mu.Lock()
	defer f.mu.Unlock()
	if ix := f.existing(w, r); ix != nil {
		reply(w, http.StatusOK, map[string]any{"results": page(ix.sorted(""), q.Offset, q.Limit)})
	}
}

func (f *fakeMeili) search(w http.ResponseWriter, r *http.Request) {
	var q struct {
		Q             string
		Offset, Limit int
	}
	_ = json.NewDecoder(r.Body).Decode(&q)
	f.mu.Lock()
	defer f.mu.Unlock()
	if ix := f.existing(w, r); ix != nil {
		reply(w, http.StatusOK, map[string]any{"hits": page(ix.sorted(q.Q), q.Offset, q.Limit)})
	}
}

func (f *fakeMeili) setSynonyms(w http.ResponseWriter, r *http.Request) {
	var syn map[string][]string
	_ = json.NewDecoder(r.Body).Decode(&syn)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.index(r.PathValue("uid")).synonyms = syn
	f.task(w, r.PathValue("uid"), "")
}

func (f *fakeMeili) getSynonyms(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ix := f.existing(w, r); ix != nil {
		reply(w, http.StatusOK, ix.synonyms)
	}
}

func (f *fakeMeili) okTask(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.task(w, r.PathValue("uid"), "")
}

func (f *fakeMeili) createKey(w http.ResponseWriter, r *http.Request) {
	var k struct{ UID string }
	_ = json.NewDecoder(r.Body).Decode(&k)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keys[k.UID] {
		apiErr(w, http.StatusConflict, "api_key_already_exists")
		return
	}
	f.keys[k.UID] = true
	reply(w, http.StatusCreated, map[string]any{"uid": k.UID})
}

func (f *fakeMeili) getKey(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.keys[r.PathValue("uid")] {
		apiErr(w, http.StatusNotFound, "api_key_not_found")
		return
	}
	reply(w, http.StatusOK, map[string]any{"uid": r.PathValue("uid")})
}
