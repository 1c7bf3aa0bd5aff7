package meili

import (
	"errors"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

const parentUID = "76cf8b87-fd12-4688-ad34-260d930ca4f4"

func parentKey(actions []Action, indexes []string) Key {
	return Key{UID: parentUID, Key: DeriveKey("masterKey", parentUID), Actions: actions, Indexes: indexes}
}

func signToken(t *testing.T, method jwt.SigningMethod, secret string, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, claims).SignedString([]byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func lookupOf(keys ...Key) func(string) (Key, bool) {
	return func(uid string) (Key, bool) {
		for _, k := range keys {
			if k.UID == uid {
				return k, true
			}
		}
		return Key{}, false
	}
}

func TestTenantTokenSearchRulesInAllThreeForms(t *testing.T) {
	key := parentKey([]Action{ActionSearch}, []string{"*"})
	cases := []struct {
		rules      any
		index      string
		allowed    bool
		wantFilter any
	}{
		{map[string]any{"*": map[string]any{}}, "movies", true, nil},
		{map[string]any{"movies": map[string]any{"filter": "genre = horror"}}, "movies", true, "genre = horror"},
		{map[string]any{"movies": map[string]any{"filter": "genre = horror"}}, "books", false, nil},
		{map[string]any{"*": map[string]any{"filter": "a = 1"}, "mov*": map[string]any{"filter": "b = 2"}, "movies": nil}, "movies", true, nil},
		{map[string]any{"*": map[string]any{"filter": "a = 1"}, "mov*": map[string]any{"filter": "b = 2"}}, "movies", true, "b = 2"},
		{[]any{"movies", "books*"}, "books_fr", true, nil},
		{[]any{"movies"}, "books", false, nil},
	}
	for i, c := range cases {
		tok := signToken(t, jwt.SigningMethodHS256, key.Key, jwt.MapClaims{"apiKeyUid": parentUID, "searchRules": c.rules})
		tc, err := ValidateTenantToken(tok, lookupOf(key), testNow)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		f, ok := tc.FilterFor(c.index)
		if ok != c.allowed || f != c.wantFilter {
			t.Errorf("case %d: FilterFor(%s) = %v, %v", i, c.index, f, ok)
		}
		if (tc.AuthorizeIndex(c.index) == nil) != c.allowed {
			t.Errorf("case %d: AuthorizeIndex(%s) = %v", i, c.index, tc.AuthorizeIndex(c.index))
		}
	}
}

func TestTenantTokenAcceptsHS384AndHS512(t *testing.T) {
	key := parentKey([]Action{ActionAll}, []string{"*"})
	for _, m := range []jwt.SigningMethod{jwt.SigningMethodHS384, jwt.SigningMethodHS512} {
		tok := signToken(t, m, key.Key, jwt.MapClaims{"apiKeyUid": parentUID, "searchRules": []any{"*"}})
		if _, err := ValidateTenantToken(tok, lookupOf(key), testNow); err != nil {
			t.Errorf("%s: %v", m.Alg(), err)
		}
	}
}

func TestTenantTokenRejections(t *testing.T) {
	key := parentKey([]Action{ActionSearch}, []string{"movies"})
	noSearch := parentKey([]Action{ActionDocumentsGet}, []string{"*"})
	past := testNow.Add(-time.Hour)
	expiredKey := parentKey([]Action{ActionSearch}, []string{"*"})
	expiredKey.ExpiresAt = &past
	good := jwt.MapClaims{"apiKeyUid": parentUID, "searchRules": []any{"*"}}
	cases := []struct {
		name  string
		token string
		keys  []Key
		msg   string
	}{
		{"wrong secret", signToken(t, jwt.SigningMethodHS256, "not the key", good), []Key{key}, "Could not decode tenant token, InvalidSignature."},
		{"expired", signToken(t, jwt.SigningMethodHS256, key.Key, jwt.MapClaims{"apiKeyUid": parentUID, "searchRules": []any{"*"}, "exp": testNow.Unix() - 10}), []Key{key},
			"Tenant token expired. Was valid up to `1795852790` and we're now `1795852800`."},
		{"unknown key", signToken(t, jwt.SigningMethodHS256, key.Key, good), nil, "The provided API key is invalid."},
		{"parent cannot search", signToken(t, jwt.SigningMethodHS256, noSearch.Key, good), []Key{noSearch}, "The provided API key is invalid."},
		{"parent expired", signToken(t, jwt.SigningMethodHS256, expiredKey.Key, good), []Key{expiredKey}, "The provided API key is invalid."},
		{"missing rules", signToken(t, jwt.SigningMethodHS256, key.Key, jwt.MapClaims{"apiKeyUid": parentUID}), []Key{key}, "Could not decode tenant token, JSON error: missing field `searchRules`."},
		{"bad rules", signToken(t, jwt.SigningMethodHS256, key.Key, jwt.MapClaims{"apiKeyUid": parentUID, "searchRules": 3}), []Key{key}, "Could not decode tenant token, JSON error: data did not match any variant of untagged enum SearchRules."},
	}
	for _, c := range cases {
		_, err := ValidateTenantToken(c.token, lookupOf(c.keys...), testNow)
		var me *Error
		if !errors.As(err, &me) || me.Code != CodeInvalidAPIKey || me.Message != c.msg {
			t.Errorf("%s: got %v, want %q", c.name, err, c.msg)
		}
	}
	if _, err := ValidateTenantToken(DeriveKey("m", parentUID), lookupOf(key), testNow); !errors.Is(err, ErrNotTenantToken) {
		t.Errorf("plain key: %v", err)
	}
	none, err := jwt.NewWithClaims(jwt.SigningMethodNone, good).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ValidateTenantToken(none, lookupOf(key), testNow); err == nil {
		t.Error("alg none accepted")
	}
}

func TestTenantTokenIndexErrorsMatchMeilisearch(t *testing.T) {
	key := parentKey([]Action{ActionSearch}, []string{"catto", "doggo"})
	tok := signToken(t, jwt.SigningMethodHS256, key.Key, jwt.MapClaims{"apiKeyUid": parentUID, "searchRules": []any{"doggo", "catto", "dog"}})
	tc, err := ValidateTenantToken(tok, lookupOf(key), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if err := tc.AuthorizeIndex("cow"); err == nil || err.(*Error).Message != "The provided tenant token cannot acces the index `cow`, allowed indexes are [\"catto\", \"dog\", \"doggo\"]." {
		t.Errorf("rules refusal: %v", err)
	}
	if err := tc.AuthorizeIndex("dog"); err == nil || err.(*Error).Message != "The API key used to generate this tenant token cannot acces the index `dog`." {
		t.Errorf("parent refusal: %v", err)
	}
	if _, ok := tc.FilterFor("dog"); ok {
		t.Error("FilterFor allowed an index the parent key cannot search")
	}
}
