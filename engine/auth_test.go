package engine

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/miroir-search/miroir/meili"
	"net/http"
	"testing"
)

func TestWithoutMasterKeyEverythingIsOpenButKeys(t *testing.T) {
	n := startNode(t, "")
	if code, _ := n.do(http.MethodGet, "/indexes", nil); code != http.StatusOK {
		t.Fatalf("indexes: %d", code)
	}
	code, out := n.do(http.MethodGet, "/keys", nil)
	if code != http.StatusUnauthorized || errCode(t, out) != "missing_master_key" {
		t.Fatalf("keys: %d %v", code, out)
	}
}

func TestMasterKeyGuardsRoutes(t *testing.T) {
	n := startNode(t, "masterKey")
	code, out := n.do(http.MethodGet, "/indexes", nil, "Authorization", "")
	if code != http.StatusUnauthorized || errCode(t, out) != "missing_authorization_header" {
		t.Fatalf("no header: %d %v", code, out)
	}
	code, out = n.do(http.MethodGet, "/indexes", nil, "Authorization", "Bearer wrong")
	if code != http.StatusForbidden || errCode(t, out) != "invalid_api_key" {
		t.Fatalf("wrong key: %d %v", code, out)
	}
	if code, _ := n.do(http.MethodGet, "/health", nil, "Authorization", ""); code != http.StatusOK {
		t.Fatalf("health must be public: %d", code)
	}
}

func TestDefaultKeysAndKeyEnforcement(t *testing.T) {
	n := startNode(t, "masterKey")
	_, list := n.do(http.MethodGet, "/keys", nil)
	names := map[string]string{}
	for _, k := range list["results"].([]any) {
		km := k.(map[string]any)
		names[km["name"].(string)] = km["key"].(string)
		if km["key"] != meili.DeriveKey("masterKey", km["uid"].(string)) {
			t.Fatalf("key value is not HMAC(master, uid): %v", km)
		}
	}
	for _, want := range []string{"Default Search API Key", "Default Admin API Key", "Default Read-Only Admin API Key", "Default Chat API Key"} {
		if names[want] == "" {
			t.Fatalf("missing default key %q in %v", want, names)
		}
	}
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books))
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "secret"}))

	code, key := n.do(http.MethodPost, "/keys", map[string]any{
		"description": "Test key", "actions": []string{"search"}, "indexes": []string{"bo*"}, "expiresAt": nil,
	})
	if code != http.StatusCreated {
		t.Fatalf("create key: %d %v", code, key)
	}
	bearer := "Bearer " + key["key"].(string)
	if code, _ := n.do(http.MethodPost, "/indexes/books/search", map[string]any{"q": "prince"}, "Authorization", bearer); code != http.StatusOK {
		t.Fatalf("allowed search: %d", code)
	}
	if code, _ := n.do(http.MethodPost, "/indexes/secret/search", map[string]any{}, "Authorization", bearer); code != http.StatusForbidden {
		t.Fatalf("search outside the key's indexes: %d", code)
	}
	if code, _ := n.do(http.MethodGet, "/indexes/books/documents", nil, "Authorization", bearer); code != http.StatusForbidden {
		t.Fatalf("action outside the key's actions: %d", code)
	}
	code, upd := n.do(http.MethodPatch, "/keys/"+key["uid"].(string), map[string]any{"name": "renamed"})
	if code != http.StatusOK || upd["name"] != "renamed" {
		t.Fatalf("update key: %d %v", code, upd)
	}
	code, out := n.do(http.MethodPatch, "/keys/"+key["uid"].(string), map[string]any{"actions": []string{"*"}})
	if code != http.StatusBadRequest || errCode(t, out) != "immutable_api_key_actions" {
		t.Fatalf("immutable field: %d %v", code, out)
	}
	if code, _ := n.raw(http.MethodDelete, "/keys/"+key["key"].(string), nil); code != http.StatusNoContent {
		t.Fatalf("delete key: %d", code)
	}
	if code, _ := n.do(http.MethodPost, "/indexes/books/search", map[string]any{}, "Authorization", bearer); code != http.StatusForbidden {
		t.Fatalf("deleted key still works: %d", code)
	}
}

func TestTenantTokenFilterIsANDedIntoSearches(t *testing.T) {
	n := startNode(t, "masterKey")
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books))
	n.succeed(n.mustEnqueue(http.MethodPut, "/indexes/books/settings/filterable-attributes", []string{"genre"}))
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "secret"}))
	_, list := n.do(http.MethodGet, "/keys", nil)
	var uid, value string
	for _, k := range list["results"].([]any) {
		if km := k.(map[string]any); km["name"] == "Default Search API Key" {
			uid, value = km["uid"].(string), km["key"].(string)
		}
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"apiKeyUid":   uid,
		"searchRules": map[string]any{"books": map[string]any{"filter": "genre = tale"}},
		"exp":         time.Now().Add(time.Hour).Unix(),
	}).SignedString([]byte(value))
	if err != nil {
		t.Fatal(err)
	}
	bearer := "Bearer " + token
	code, res := n.do(http.MethodPost, "/indexes/books/search", map[string]any{"q": ""}, "Authorization", bearer)
	if code != http.StatusOK || len(res["hits"].([]any)) != 2 {
		t.Fatalf("tenant search: %d %v", code, res)
	}
	if code, _ := n.do(http.MethodPost, "/indexes/secret/search", map[string]any{}, "Authorization", bearer); code != http.StatusForbidden {
		t.Fatalf("search outside the token's rules: %d", code)
	}
	if code, _ := n.do(http.MethodGet, "/indexes/books/documents", nil, "Authorization", bearer); code != http.StatusForbidden {
		t.Fatalf("tenant token on a non-search route: %d", code)
	}
}
