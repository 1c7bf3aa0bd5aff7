package engine

import (
	"encoding/json"
	"net/http"
	"reflect"
	"testing"
)

func TestSettingsDefaultsMatchMeilisearch(t *testing.T) {
	n := startNode(t, "")
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "s"}))
	_, got := n.do(http.MethodGet, "/indexes/s/settings", nil)
	var want map[string]any
	_ = json.Unmarshal([]byte(`{"displayedAttributes":["*"],"searchableAttributes":["*"],"filterableAttributes":[],
		"sortableAttributes":[],"rankingRules":["words","typo","proximity","attributeRank","sort","wordPosition","exactness"],
		"stopWords":[],"nonSeparatorTokens":[],"separatorTokens":[],"dictionary":[],"synonyms":{},"distinctAttribute":null,
		"proximityPrecision":"byWord","typoTolerance":{"enabled":true,"minWordSizeForTypos":{"oneTypo":5,"twoTypos":9},
		"disableOnWords":[],"disableOnAttributes":[],"disableOnNumbers":false},
		"faceting":{"maxValuesPerFacet":100,"sortFacetValuesBy":{"*":"alpha"}},"pagination":{"maxTotalHits":1000},
		"embedders":{},"searchCutoffMs":null,"localizedAttributes":null,"facetSearch":true,"prefixSearch":"indexingTime",
		"chat":`+defaultChatJSON+`}`), &want)
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("defaults:\n got %v\nwant %v", got, want)
	}
}

func TestSettingsUpdateMergeAndReset(t *testing.T) {
	n := startNode(t, "")
	n.succeed(n.mustEnqueue(http.MethodPatch, "/indexes/s/settings", map[string]any{
		"filterableAttributes": []string{"genre"},
		"typoTolerance":        map[string]any{"minWordSizeForTypos": map[string]any{"oneTypo": 4}},
	}))
	_, typo := n.do(http.MethodGet, "/indexes/s/settings/typo-tolerance", nil)
	sizes := typo["minWordSizeForTypos"].(map[string]any)
	if sizes["oneTypo"] != 4.0 || sizes["twoTypos"] != 9.0 || typo["enabled"] != true {
		t.Fatalf("typo tolerance not merged: %v", typo)
	}
	code, raw := n.raw(http.MethodGet, "/indexes/s/settings/filterable-attributes", nil)
	if code != http.StatusOK || string(raw) != `["genre"]` {
		t.Fatalf("filterable: %d %s", code, raw)
	}
	n.succeed(n.mustEnqueue(http.MethodDelete, "/indexes/s/settings/filterable-attributes", nil))
	if _, raw = n.raw(http.MethodGet, "/indexes/s/settings/filterable-attributes", nil); string(raw) != `[]` {
		t.Fatalf("after reset: %s", raw)
	}
	code, out := n.do(http.MethodPut, "/indexes/s/settings/ranking-rules", []string{"wrong"})
	if code != http.StatusBadRequest || errCode(t, out) != "invalid_settings_ranking_rules" {
		t.Fatalf("invalid rule: %d %v", code, out)
	}
	code, out = n.do(http.MethodPatch, "/indexes/s/settings", map[string]any{"nope": 1})
	if code != http.StatusBadRequest || errCode(t, out) != "bad_request" {
		t.Fatalf("unknown setting: %d %v", code, out)
	}
}

func TestFilterableSettingTakesEffect(t *testing.T) {
	n := startNode(t, "")
	n.succeed(n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books))
	code, out := n.do(http.MethodPost, "/indexes/books/search", map[string]any{"filter": "genre = tale"})
	if code != http.StatusBadRequest || errCode(t, out) != "invalid_search_filter" {
		t.Fatalf("filter on non-filterable attribute: %d %v", code, out)
	}
	n.succeed(n.mustEnqueue(http.MethodPut, "/indexes/books/settings/filterable-attributes", []string{"genre"}))
	_, res := n.do(http.MethodPost, "/indexes/books/search", map[string]any{"filter": "genre = tale"})
	if len(res["hits"].([]any)) != 2 {
		t.Fatalf("filtered search: %v", res)
	}
}
