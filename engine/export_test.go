package engine

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestExportCopiesDocumentsAndSettingsToAnotherNode(t *testing.T) {
	src, dst := startNode(t, ""), startNode(t, "")
	target := httptest.NewServer(dst.srv.Handler())
	defer target.Close()
	src.succeed(src.mustEnqueue(http.MethodPost, "/indexes/books/documents", books))
	src.succeed(src.mustEnqueue(http.MethodPut, "/indexes/books/settings/filterable-attributes", []string{"genre"}))
	task := src.wait(src.mustEnqueue(http.MethodPost, "/export", map[string]any{
		"url": target.URL, "payloadSize": "200B",
		"indexes": map[string]any{"bo*": map[string]any{"filter": "genre = fantasy", "overrideSettings": true}},
	}))
	if task["status"] != statusSucceeded {
		t.Fatalf("export: %v", task)
	}
	waitFor(t, 10*time.Second, func() bool {
		_, st := dst.do(http.MethodGet, "/indexes/books/stats", nil)
		return st["numberOfDocuments"] == 2.0 && st["isIndexing"] == false
	})
	if _, raw := dst.raw(http.MethodGet, "/indexes/books/settings/filterable-attributes", nil); string(raw) != `["genre"]` {
		t.Fatalf("settings not exported: %s", raw)
	}
}
