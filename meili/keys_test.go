package meili

import (
	"errors"
	"testing"
	"time"
)

var testNow = time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC)

func TestDeriveKeyIsHMACOfLowercaseUID(t *testing.T) {
	// printf %s ac5cd97d-5a4b-4226-a868-2d0eb6d197ab | openssl dgst -sha256 -hmac masterKey
	const want = "1665b249ecd0a31946d9f08fd5755e80b0d76c15a9c506e5dce2622c8d02d1e6"
	for _, uid := range []string{"ac5cd97d-5a4b-4226-a868-2d0eb6d197ab", "AC5CD97D-5A4B-4226-A868-2D0EB6D197AB"} {
		if got := DeriveKey("masterKey", uid); got != want {
			t.Errorf("DeriveKey(%s) = %s, want %s", uid, got, want)
		}
	}
}

func TestActionGrants(t *testing.T) {
	cases := []struct {
		have, want Action
		ok         bool
	}{
		{ActionAll, ActionKeysCreate, true},
		{ActionSearch, ActionSearch, true},
		{ActionSearch, ActionDocumentsGet, false},
		{ActionDocumentsAll, ActionDocumentsAdd, true},
		{ActionDocumentsAll, ActionIndexesGet, false},
		{ActionIndexesAll, ActionIndexesCompact, true},
		{ActionTasksAll, ActionTasksCompact, true},
		{ActionChatsAll, ActionChatsSettingsGet, false},
		{ActionAllGet, ActionSettingsGet, true},
		{ActionAllGet, ActionKeysGet, false},
		{ActionAllGet, ActionDocumentsAdd, false},
		{ActionAllGet, ActionVersion, true},
	}
	for _, c := range cases {
		if got := c.have.Grants(c.want); got != c.ok {
			t.Errorf("%s grants %s = %v", c.have, c.want, got)
		}
	}
}

func TestKeyAllowsChecksActionIndexAndExpiry(t *testing.T) {
	past, future := testNow.Add(-time.Second), testNow.Add(time.Hour)
	key := Key{Actions: []Action{ActionSearch, ActionDocumentsAll}, Indexes: []string{"movies", "books_*"}, ExpiresAt: &future}
	cases := []struct {
		action Action
		index  string
		want   bool
	}{
		{ActionSearch, "movies", true},
		{ActionSearch, "books_fr", true},
		{ActionSearch, "moviesX", false},
		{ActionDocumentsDelete, "movies", true},
		{ActionSettingsUpdate, "movies", false},
		{ActionSearch, "", true},
	}
	for _, c := range cases {
		if got := KeyAllows(key, c.action, c.index, testNow); got != c.want {
			t.Errorf("KeyAllows(%s, %q) = %v", c.action, c.index, got)
		}
	}
	key.ExpiresAt = &past
	if KeyAllows(key, ActionSearch, "movies", testNow) {
		t.Fatal("expired key allowed")
	}
}

func TestDefaultKeysHaveMeilisearchNamesAndActions(t *testing.T) {
	uids := [4]string{"00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002", "00000000-0000-4000-8000-000000000003", "00000000-0000-4000-8000-000000000004"}
	keys := DefaultKeys("masterKey", uids, testNow)
	byName := map[string]Key{}
	for _, k := range keys {
		byName[*k.Name] = k
		if k.Key != DeriveKey("masterKey", k.UID) || k.Indexes[0] != "*" || k.ExpiresAt != nil {
			t.Errorf("key %+v", k)
		}
	}
	if !KeyAllows(byName["Default Admin API Key"], ActionKeysCreate, "", testNow) {
		t.Error("admin key cannot manage keys")
	}
	if s := byName["Default Search API Key"]; len(s.Actions) != 1 || s.Actions[0] != ActionSearch {
		t.Errorf("search key %+v", s)
	}
	ro := byName["Default Read-Only Admin API Key"]
	if !KeyAllows(ro, ActionKeysGet, "", testNow) || KeyAllows(ro, ActionDocumentsAdd, "x", testNow) {
		t.Errorf("read-only key %+v", ro)
	}
	if _, ok := byName["Default Chat API Key"]; !ok {
		t.Error("no chat key")
	}
}

func TestDecodeCreateKeyAcceptsValidBodies(t *testing.T) {
	req, err := DecodeCreateKey([]byte(`{"name":"n","uid":"01B4BC42-EB33-4041-B481-254D00CCE834","actions":["search","documents.*"],"indexes":["movies","books*","*"],"expiresAt":"2030-01-01"}`), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if req.UID != "01b4bc42-eb33-4041-b481-254d00cce834" || *req.Name != "n" || req.Description != nil ||
		len(req.Actions) != 2 || len(req.Indexes) != 3 || !req.ExpiresAt.Equal(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("req %+v", req)
	}
	req, err = DecodeCreateKey([]byte(`{"actions":["*"],"indexes":["*"],"expiresAt":null}`), testNow)
	if err != nil || req.UID != "" || req.ExpiresAt != nil {
		t.Fatalf("req %+v %v", req, err)
	}
}

// Expected messages are Meilisearch's (tests/auth/errors.rs).
func TestKeyRequestErrorsMatchMeilisearch(t *testing.T) {
	cases := []struct {
		body   string
		update bool
		code   Code
		msg    string
	}{
		{`{"actions":["search"],"indexes":["*"]}`, false, CodeMissingAPIKeyExpiresAt, "Missing field `expiresAt`"},
		{`{"indexes":["*"],"expiresAt":null}`, false, CodeMissingAPIKeyActions, "Missing field `actions`"},
		{`{"actions":["search"],"expiresAt":null}`, false, CodeMissingAPIKeyIndexes, "Missing field `indexes`"},
		{`{"actions":"doggo","indexes":["*"],"expiresAt":null}`, false, CodeInvalidAPIKeyActions, "Invalid value type at `.actions`: expected an array, but found a string: `\"doggo\"`"},
		{`{"actions":["search"],"indexes":"doggo","expiresAt":null}`, false, CodeInvalidAPIKeyIndexes, "Invalid value type at `.indexes`: expected an array, but found a string: `\"doggo\"`"},
		{`{"actions":["search"],"indexes":["good doggo"],"expiresAt":null}`, false, CodeInvalidAPIKeyIndexes, "Invalid value at `.indexes[0]`: `good doggo` is not a valid index uid pattern. Index uid patterns can be an integer or a string containing only alphanumeric characters, hyphens (-), underscores (_), and optionally end with a star (*)."},
		{`{"name":["doggo"],"actions":["search"],"indexes":["*"],"expiresAt":null}`, false, CodeInvalidAPIKeyName, "Invalid value type at `.name`: expected a string, but found an array: `[\"doggo\"]`"},
		{`{"description":["doggo"],"actions":["search"],"indexes":["*"],"expiresAt":null}`, false, CodeInvalidAPIKeyDescription, "Invalid value type at `.description`: expected a string, but found an array: `[\"doggo\"]`"},
		{`{"uid":"doggo","actions":["search"],"indexes":["*"],"expiresAt":null}`, false, CodeInvalidAPIKeyUID, "Invalid value at `.uid`: invalid character: found `o` at 1"},
		{`{"actions":["search"],"indexes":["*"],"expiresAt":"2010-11-13T00:00:00Z"}`, false, CodeInvalidAPIKeyExpiresAt, "Invalid value at `.expiresAt`: `2010-11-13T00:00:00Z` is not a valid date. It should follow the RFC 3339 format to represents a date or datetime in the future or specified as a null value. e.g. 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.\n"},
		{`{"actions":["search"],"indexes":["*"],"expiresAt":{"name":"products"}}`, false, CodeInvalidAPIKeyExpiresAt, "Invalid value type at `.expiresAt`: expected a string, but found an object: `{\"name\":\"products\"}`"},
		{`{"doggo":1,"actions":["search"],"indexes":["*"],"expiresAt":null}`, false, CodeBadRequest, "Unknown field `doggo`: expected one of `description`, `name`, `uid`, `actions`, `indexes`, `expiresAt`"},
		{`{"actions":["doggo"],"indexes":["*"],"expiresAt":null}`, false, CodeInvalidAPIKeyActions, "Unknown value `doggo` at `.actions[0]`: expected one of `*`, `search`, `documents.*`, `documents.add`, `documents.get`, `documents.delete`, `indexes.*`, `indexes.create`, `indexes.get`, `indexes.update`, `indexes.delete`, `indexes.swap`, `tasks.*`, `tasks.cancel`, `tasks.delete`, `tasks.get`, `settings.*`, `settings.get`, `settings.update`, `stats.*`, `stats.get`, `metrics.*`, `metrics.get`, `dumps.*`, `dumps.create`, `snapshots.*`, `snapshots.create`, `version`, `keys.create`, `keys.get`, `keys.update`, `keys.delete`, `experimental.get`, `experimental.update`, `export`, `network.get`, `network.update`, `chatCompletions`, `chats.*`, `chats.get`, `chats.delete`, `chatsSettings.*`, `chatsSettings.get`, `chatsSettings.update`, `*.get`, `webhooks.get`, `webhooks.update`, `webhooks.delete`, `webhooks.create`, `webhooks.*`, `indexes.compact`, `fields.post`, `tasks.compact`, `dynamicSearchRules.get`, `dynamicSearchRules.create`, `dynamicSearchRules.update`, `dynamicSearchRules.delete`, `dynamicSearchRules.*`"},
		{`{"uid":"x"}`, true, CodeImmutableAPIKeyUID, "Immutable field `uid`: expected one of `description`, `name`"},
		{`{"actions":[]}`, true, CodeImmutableAPIKeyActions, "Immutable field `actions`: expected one of `description`, `name`"},
		{`{"createdAt":"x"}`, true, CodeImmutableAPIKeyCreatedAt, "Immutable field `createdAt`: expected one of `description`, `name`"},
		{`{"doggo":1}`, true, CodeBadRequest, "Unknown field `doggo`: expected one of `description`, `name`"},
	}
	for _, c := range cases {
		var err error
		if c.update {
			_, err = DecodeUpdateKey([]byte(c.body))
		} else {
			_, err = DecodeCreateKey([]byte(c.body), testNow)
		}
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("%s:\n got %v\nwant %s: %q", c.body, err, c.code, c.msg)
		}
	}
}

func TestDecodeUpdateKeyDistinguishesNullFromAbsent(t *testing.T) {
	req, err := DecodeUpdateKey([]byte(`{"name":null,"description":"d"}`))
	if err != nil || !req.Name.Reset || req.Description.Value != "d" {
		t.Fatalf("req %+v %v", req, err)
	}
	req, _ = DecodeUpdateKey([]byte(`{}`))
	if req.Name.Set || req.Description.Set {
		t.Fatalf("req %+v", req)
	}
}
