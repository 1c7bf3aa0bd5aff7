package meili

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestExportRemoteSendsWithTheKeyAndReportsTheRemotesErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer secret" || r.Header.Get("Content-Type") != "application/json" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/indexes":
			w.WriteHeader(http.StatusConflict)
		case "/indexes/movies/documents":
			w.WriteHeader(http.StatusAccepted)
		default:
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"message":"bad settings","code":"invalid_settings_ranking_rules","type":"invalid_request","link":"https://docs.meilisearch.com/errors#invalid_settings_ranking_rules"}`))
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	r := NewExportRemote(srv.URL+"/", "secret")
	if err := r.Send(ctx, http.MethodPost, "/indexes/movies/documents", []byte(`[]`), false); err != nil {
		t.Fatalf("documents: %v", err)
	}
	if err := r.Send(ctx, http.MethodPost, "/indexes", []byte(`{}`), true); err != nil {
		t.Fatalf("an existing index is fine when asked: %v", err)
	}
	var me *Error
	if err := r.Send(ctx, http.MethodPost, "/indexes", []byte(`{}`), false); !errors.As(err, &me) || me.Code != "export_remote_error" || me.Status != http.StatusBadRequest {
		t.Fatalf("409 not tolerated: %v", err)
	}
	err := r.Send(ctx, http.MethodPatch, "/indexes/movies/settings", []byte(`{}`), false)
	if !errors.As(err, &me) || !strings.Contains(me.Message, "invalid_settings_ranking_rules") {
		t.Fatalf("the remote's own error must be reported: %v", err)
	}
	srv.Close()
	if err := r.Send(ctx, http.MethodPost, "/indexes", nil, false); !errors.As(err, &me) || me.Code != "export_remote_unreachable" {
		t.Fatalf("unreachable remote: %v", err)
	}
}
