package engine

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddDocumentsThenSearchAndGet(t *testing.T) {
	n := startNode(t, "")
	uid := n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books)
	task := n.succeed(uid)
	if d := task["details"].(map[string]any); d["receivedDocuments"] != 5.0 || d["indexedDocuments"] != 5.0 {
		t.Fatalf("details = %v", d)
	}
	code, idx := n.do(http.MethodGet, "/indexes/books", nil)
	if code != http.StatusOK || idx["primaryKey"] != "book_id" {
		t.Fatalf("GET index: %d %v", code, idx)
	}
	code, doc := n.do(http.MethodGet, "/indexes/books/documents/456?fields=title", nil)
	if code != http.StatusOK || doc["title"] != "Le Petit Prince" || len(doc) != 1 {
		t.Fatalf("GET document: %d %v", code, doc)
	}
	code, res := n.do(http.MethodPost, "/indexes/books/search", map[string]any{"q": "prince"})
	if code != http.StatusOK || len(res["hits"].([]any)) != 2 {
		t.Fatalf("search: %d %v", code, res)
	}
	code, page := n.do(http.MethodPost, "/indexes/books/documents/fetch", map[string]any{"limit": 2})
	if code != http.StatusOK || page["total"] != 5.0 || len(page["results"].([]any)) != 2 {
		t.Fatalf("fetch: %d %v", code, page)
	}
}

func TestPrimaryKeyInferenceFailsTheTaskNotTheRequest(t *testing.T) {
	n := startNode(t, "")
	uid := n.mustEnqueue(http.MethodPost, "/indexes/things/documents", []map[string]any{{"name": "x"}})
	task := n.wait(uid)
	if task["status"] != statusFailed {
		t.Fatalf("task = %v", task)
	}
	if code := task["error"].(map[string]any)["code"]; code != "index_primary_key_no_candidate_found" {
		t.Fatalf("error code = %v", code)
	}
	if code, _ := n.do(http.MethodGet, "/indexes/things", nil); code != http.StatusNotFound {
		t.Fatalf("a failed first write left an index behind (status %d)", code)
	}
}

func TestDocumentPayloadFormats(t *testing.T) {
	n := startNode(t, "")
	ndjson := "{\"id\": 1, \"name\": \"a\"}\n{\"id\": 2, \"name\": \"b\"}\n"
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes/f/documents", ndjson, "Content-Type", "application/x-ndjson"))
	csv := "id;name;score:number\n3;c;1.5\n4;d;2\n"
	n.succeed(n.mustEnqueue(http.MethodPut, "/indexes/f/documents?csvDelimiter=%3B", csv, "Content-Type", "text/csv"))
	code, doc := n.do(http.MethodGet, "/indexes/f/documents/4", nil)
	if code != http.StatusOK || doc["score"] != 2.0 || doc["name"] != "d" {
		t.Fatalf("csv document: %d %v", code, doc)
	}
	code, out := n.do(http.MethodPost, "/indexes/f/documents", "[{", "Content-Type", "application/json")
	if code != http.StatusBadRequest || errCode(t, out) != "malformed_payload" {
		t.Fatalf("malformed: %d %v", code, out)
	}
	code, out = n.do(http.MethodPost, "/indexes/f/documents", "[]", "Content-Type", "")
	if code != http.StatusUnsupportedMediaType || errCode(t, out) != "missing_content_type" {
		t.Fatalf("no content type: %d %v", code, out)
	}
}

func TestErrorShapes(t *testing.T) {
	n := startNode(t, "")
	code, out := n.do(http.MethodGet, "/nope", nil)
	if code != http.StatusNotFound || errCode(t, out) != "not_found" {
		t.Fatalf("unknown route: %d %v", code, out)
	}
	code, out = n.do(http.MethodGet, "/indexes/missing", nil)
	if code != http.StatusNotFound || errCode(t, out) != "index_not_found" {
		t.Fatalf("missing index: %d %v", code, out)
	}
	code, out = n.do(http.MethodPost, "/indexes", "{not json")
	if code != http.StatusBadRequest || errCode(t, out) != "malformed_payload" {
		t.Fatalf("malformed JSON: %d %v", code, out)
	}
	code, out = n.do(http.MethodPost, "/indexes", map[string]any{"uid": "x", "extra": 1})
	if code != http.StatusBadRequest || errCode(t, out) != "bad_request" {
		t.Fatalf("unknown field: %d %v", code, out)
	}
	code, out = n.do(http.MethodPost, "/indexes", map[string]any{"uid": "bad uid!"})
	if code != http.StatusBadRequest || errCode(t, out) != "invalid_index_uid" {
		t.Fatalf("bad uid: %d %v", code, out)
	}
	code, out = n.do(http.MethodPost, "/indexes/x/documents/edit", map[string]any{"function": "doc"})
	if code != http.StatusNotImplemented || errCode(t, out) != "not_implemented" {
		t.Fatalf("unsupported: %d %v", code, out)
	}
}

func TestIndexLifecycle(t *testing.T) {
	n := startNode(t, "")
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "a", "primaryKey": "id"}))
	again := n.wait(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "a"}))
	if again["status"] != statusFailed || again["error"].(map[string]any)["code"] != "index_already_exists" {
		t.Fatalf("duplicate create: %v", again)
	}
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "b"}))
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes/b/documents", []map[string]any{{"id": 1}}))
	n.succeed(n.mustEnqueue(http.MethodPost, "/swap-indexes", []map[string]any{{"indexes": []string{"a", "b"}}}))
	if _, st := n.do(http.MethodGet, "/indexes/a/stats", nil); st["numberOfDocuments"] != 1.0 {
		t.Fatalf("after swap, a has %v documents", st["numberOfDocuments"])
	}
	n.succeed(n.mustEnqueue(http.MethodPatch, "/indexes/a", map[string]any{"uid": "c"}))
	if code, _ := n.do(http.MethodGet, "/indexes/c", nil); code != http.StatusOK {
		t.Fatalf("renamed index missing: %d", code)
	}
	del := n.succeed(n.mustEnqueue(http.MethodDelete, "/indexes/c", nil))
	if del["details"].(map[string]any)["deletedDocuments"] != 1.0 {
		t.Fatalf("delete details: %v", del["details"])
	}
	_, list := n.do(http.MethodGet, "/indexes?limit=10", nil)
	if list["total"] != 1.0 {
		t.Fatalf("list: %v", list)
	}
}

func TestPrimaryKeyChangesOnlyWhileTheIndexIsEmpty(t *testing.T) {
	n := startNode(t, "")
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "p", "primaryKey": "id"}))
	n.succeed(n.mustEnqueue(http.MethodPut, "/indexes/p/settings/filterable-attributes", []string{"genre"}))
	n.succeed(n.mustEnqueue(http.MethodPatch, "/indexes/p", map[string]any{"primaryKey": "book_id"}))
	if _, idx := n.do(http.MethodGet, "/indexes/p", nil); idx["primaryKey"] != "book_id" {
		t.Fatalf("primary key of an empty index not changed: %v", idx)
	}
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes/p/documents", books))
	_, res := n.do(http.MethodPost, "/indexes/p/search", map[string]any{"filter": "genre = tale"})
	if len(res["hits"].([]any)) != 2 {
		t.Fatalf("settings lost with the primary key change: %v", res)
	}
	task := n.wait(n.mustEnqueue(http.MethodPatch, "/indexes/p", map[string]any{"primaryKey": "title"}))
	if task["status"] != statusFailed || task["error"].(map[string]any)["code"] != "index_primary_key_already_exists" {
		t.Fatalf("change with documents: %v", task)
	}
}

func TestDumpWritesALogicalExport(t *testing.T) {
	n := startNode(t, "")
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books))
	task := n.succeed(n.mustEnqueue(http.MethodPost, "/dumps", nil))
	name, _ := task["details"].(map[string]any)["dumpUid"].(string)
	raw, err := os.ReadFile(filepath.Join(n.srv.cfg.DataDir, "dumps", name+".dump.jsonl"))
	if err != nil || strings.Count(string(raw), "\n") != 1+len(books) {
		t.Fatalf("dump %q: %v\n%s", name, err, raw)
	}
	n.succeed(n.mustEnqueue(http.MethodPost, "/snapshots", nil))
	_, version := n.do(http.MethodGet, "/version", nil)
	_, stats := n.do(http.MethodGet, "/stats", nil)
	if version["pkgVersion"] != EmulatedVersion || stats["indexes"].(map[string]any)["books"] == nil {
		t.Fatalf("version %v, stats %v", version, stats)
	}
}
