package proxy_test

import (
	"context"
	"testing"

	"github.com/meilisearch/meilisearch-go"

	"github.com/miroir-search/miroir/meili"
)

func TestKeyValueIsDerivedFromTheLowercasedUID(t *testing.T) {
	tc := startCluster(t, 1, 1, 2)
	ctx := context.Background()
	uid := "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"
	k, err := tc.client.CreateKey(ctx, &meilisearch.Key{UID: uid, Actions: []string{"search"}, Indexes: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := meili.DeriveKey(testMasterKey, uid); k.Key != want {
		t.Fatalf("key value %s, want %s (HMAC of the lowercased uid)", k.Key, want)
	}
	tc.succeed(tc.client.Index("films").AddDocuments(ctx, corpus(4), nil))
	sc := meilisearch.New(tc.url, meilisearch.WithAPIKey(k.Key))
	if _, err := sc.Index("films").Search(ctx, "film", &meilisearch.SearchRequest{}); err != nil {
		t.Fatalf("searching with the derived value: %v", err)
	}
}

func TestTenantTokenUsesTheMostSpecificRuleAndTheParentKeyIndexes(t *testing.T) {
	tc := startCluster(t, 2, 1, 4)
	ctx := context.Background()
	for _, name := range []string{"films", "other"} {
		idx := tc.client.Index(name)
		tc.succeed(idx.AddDocuments(ctx, corpus(40), nil))
		tc.succeed(idx.UpdateFilterableAttributes(ctx, &[]interface{}{"genre"}))
	}
	parent, err := tc.client.CreateKey(ctx, &meilisearch.Key{Actions: []string{"search"}, Indexes: []string{"films"}})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]interface{}{
		"f*":   map[string]string{"filter": "genre = comedy"},
		"fil*": map[string]string{"filter": "genre = drama"},
		"*":    nil,
	}
	token, err := tc.client.GenerateTenantToken(parent.UID, rules, &meilisearch.TenantTokenOptions{APIKey: parent.Key})
	if err != nil {
		t.Fatal(err)
	}
	tenant := meilisearch.New(tc.url, meilisearch.WithAPIKey(token))
	for range 5 { // map order must not matter
		res, err := tenant.Index("films").Search(ctx, "", &meilisearch.SearchRequest{Limit: 40})
		if err != nil || res.EstimatedTotalHits != 10 {
			t.Fatalf("tenant search: %v %+v", err, res)
		}
		for _, h := range res.Hits {
			var g string
			if err := h.DecodeInto(&struct {
				Genre *string `json:"genre"`
			}{&g}); err != nil || g != "drama" {
				t.Fatalf("hit of genre %q: the most specific rule (fil*) must apply", g)
			}
		}
	}
	if _, err := tenant.Index("other").Search(ctx, "", &meilisearch.SearchRequest{}); apiCode(err) != "invalid_api_key" {
		t.Fatalf("token searched an index its parent key does not allow: %v", err)
	}
	_, err = tenant.MultiSearch(ctx, &meilisearch.MultiSearchRequest{Queries: []*meilisearch.SearchRequest{{IndexUID: "other"}}})
	if apiCode(err) != "invalid_api_key" {
		t.Fatalf("multi-search on an index the parent key does not allow: %v", err)
	}
}
