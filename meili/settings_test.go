package meili

import (
	"encoding/json"
	"errors"
	"testing"
)

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := marshalNoEscape(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDefaultSettingsMarshalLikeMeilisearch(t *testing.T) {
	want := `{"displayedAttributes":["*"],"searchableAttributes":["*"],"filterableAttributes":[],"sortableAttributes":[],` +
		`"rankingRules":["words","typo","proximity","attributeRank","sort","wordPosition","exactness"],"stopWords":[],` +
		`"nonSeparatorTokens":[],"separatorTokens":[],"dictionary":[],"synonyms":{},"distinctAttribute":null,` +
		`"proximityPrecision":"byWord","typoTolerance":{"enabled":true,"minWordSizeForTypos":{"oneTypo":5,"twoTypos":9},` +
		`"disableOnWords":[],"disableOnAttributes":[],"disableOnNumbers":false},"faceting":{"maxValuesPerFacet":100,` +
		`"sortFacetValuesBy":{"*":"alpha"}},"pagination":{"maxTotalHits":1000},"embedders":{},"searchCutoffMs":null,` +
		`"localizedAttributes":null,"facetSearch":true,"prefixSearch":"indexingTime","chat":{"description":"",` +
		`"documentTemplate":"{% for field in fields %}{% if field.is_searchable and field.value != nil %}{{ field.name }}: {{ field.value }}\n{% endif %}{% endfor %}",` +
		`"documentTemplateMaxBytes":400,"searchParameters":{}}}`
	if got := mustJSON(t, DefaultSettings()); got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestSettingsRoundTripThroughJSON(t *testing.T) {
	d := DefaultSettings()
	var back Settings
	if err := json.Unmarshal([]byte(mustJSON(t, d)), &back); err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, back) != mustJSON(t, d) {
		t.Fatalf("round trip changed settings: %s", mustJSON(t, back))
	}
}

func TestMergeAppliesPatchSemantics(t *testing.T) {
	patch, err := DecodeSettings([]byte(`{"rankingRules":["typo","words"],"distinctAttribute":"sku",` +
		`"typoTolerance":{"minWordSizeForTypos":{"oneTypo":3}},"sortableAttributes":["b","a","b"],` +
		`"faceting":{"sortFacetValuesBy":{"genre":"count"}},"embedders":{"e1":{"source":"userProvided","dimensions":3}}}`))
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings().Merge(patch)
	if got := mustJSON(t, s.RankingRules); got != `["typo","words"]` {
		t.Errorf("rankingRules %s", got)
	}
	if v, _ := s.DistinctAttribute.Get(); v != "sku" {
		t.Errorf("distinctAttribute %+v", s.DistinctAttribute)
	}
	if got := mustJSON(t, s.TypoTolerance); got != `{"enabled":true,"minWordSizeForTypos":{"oneTypo":3,"twoTypos":9},"disableOnWords":[],"disableOnAttributes":[],"disableOnNumbers":false}` {
		t.Errorf("typoTolerance %s", got)
	}
	if got := mustJSON(t, s.SortableAttributes); got != `["a","b"]` {
		t.Errorf("sortableAttributes %s", got)
	}
	if got := mustJSON(t, s.Faceting); got != `{"maxValuesPerFacet":100,"sortFacetValuesBy":{"*":"alpha","genre":"count"}}` {
		t.Errorf("faceting %s", got)
	}
	reset, err := DecodeSettings([]byte(`{"rankingRules":null,"distinctAttribute":null,"typoTolerance":{"minWordSizeForTypos":null},"embedders":{"e1":null}}`))
	if err != nil {
		t.Fatal(err)
	}
	s = s.Merge(reset)
	if mustJSON(t, s.RankingRules) != mustJSON(t, DefaultSettings().RankingRules) || s.DistinctAttribute.Set && !s.DistinctAttribute.Reset {
		t.Errorf("reset failed: %s %+v", mustJSON(t, s.RankingRules), s.DistinctAttribute)
	}
	if got := mustJSON(t, s.TypoTolerance); got != mustJSON(t, DefaultTypoTolerance()) {
		t.Errorf("typo reset %s", got)
	}
	if got := mustJSON(t, s.Embedders); got != `{}` {
		t.Errorf("embedders %s", got)
	}
}

func TestSettingsRouteDecodeSetsOneField(t *testing.T) {
	r, ok := SettingsRouteByName("pagination")
	if !ok || r.Method != "PATCH" || r.Field != "pagination" {
		t.Fatalf("route %+v", r)
	}
	p, err := r.Decode([]byte(`{"maxTotalHits":50}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := mustJSON(t, p); got != `{"pagination":{"maxTotalHits":50}}` {
		t.Fatalf("patch %s", got)
	}
	r, _ = SettingsRouteByName("distinct-attribute")
	p, err = r.Decode([]byte(`null`))
	if err != nil || !p.DistinctAttribute.Reset {
		t.Fatalf("null body: %+v %v", p, err)
	}
	if n := len(SettingsRoutes()); n != 22 {
		t.Fatalf("%d routes", n)
	}
}

// Expected messages are Meilisearch's (tests/settings/errors.rs).
func TestSettingsErrorsMatchMeilisearch(t *testing.T) {
	cases := []struct {
		route, body string // route "" = the whole settings object
		code        Code
		msg         string
	}{
		{"", `{"displayedAttributes":"doggo"}`, CodeInvalidSettingsDisplayedAttributes, "Invalid value type at `.displayedAttributes`: expected an array, but found a string: `\"doggo\"`"},
		{"displayed-attributes", `"doggo"`, CodeInvalidSettingsDisplayedAttributes, "Invalid value type: expected an array, but found a string: `\"doggo\"`"},
		{"", `{"synonyms":"doggo"}`, CodeInvalidSettingsSynonyms, "Invalid value type at `.synonyms`: expected an object, but found a string: `\"doggo\"`"},
		{"", `{"distinctAttribute":["doggo"]}`, CodeInvalidSettingsDistinctAttribute, "Invalid value type at `.distinctAttribute`: expected a string, but found an array: `[\"doggo\"]`"},
		{"", `{"typoTolerance":{"minWordSizeForTypos":"doggo"}}`, CodeInvalidSettingsTypoTolerance, "Invalid value type at `.typoTolerance.minWordSizeForTypos`: expected an object, but found a string: `\"doggo\"`"},
		{"typo-tolerance", `{"typoTolerance":{"minWordSizeForTypos":"doggo"}}`, CodeInvalidSettingsTypoTolerance, "Unknown field `typoTolerance`: expected one of `enabled`, `minWordSizeForTypos`, `disableOnWords`, `disableOnAttributes`, `disableOnNumbers`"},
		{"", `{"pagination":{"maxTotalHits":"doggo"}}`, CodeInvalidSettingsPagination, "Invalid value type at `.pagination.maxTotalHits`: expected a positive integer, but found a string: `\"doggo\"`"},
		{"pagination", `{"maxTotalHits":0}`, CodeInvalidSettingsPagination, "Invalid value at `.maxTotalHits`: a non-zero integer value lower than `18446744073709551615` was expected, but found a zero"},
		{"", `{"searchCutoffMs":"doggo"}`, CodeInvalidSettingsSearchCutoffMs, "Invalid value type at `.searchCutoffMs`: expected a positive integer, but found a string: `\"doggo\"`"},
		{"", `{"rankingRules":["manyTheFish"]}`, CodeInvalidSettingsRankingRules, "Invalid value at `.rankingRules[0]`: `manyTheFish` ranking rule is invalid. Valid ranking rules are words, typo, sort, proximity, attribute, exactness and custom ranking rules."},
		{"", `{"rankingRules":["attribute","wordPosition"]}`, CodeInvalidSettingsRankingRules, "Mixed usage of the attribute, attributeRank, and wordPosition ranking rules. You must either use the attribute ranking rule alone or the attributeRank and wordPosition ranking rules."},
		{"", `{"proximityPrecision":"x"}`, CodeInvalidSettingsProximityPrecision, "Unknown value `x` at `.proximityPrecision`: expected one of `byWord`, `byAttribute`"},
		{"", `{"typoTolerance":{"minWordSizeForTypos":{"oneTypo":9,"twoTypos":5}}}`, CodeInvalidSettingsTypoTolerance, "Invalid value at `.typoTolerance.minWordSizeForTypos`: `minWordSizeForTypos` setting is invalid. `oneTypo` and `twoTypos` fields should be between `0` and `255`, and `twoTypos` should be greater or equals to `oneTypo` but found `oneTypo: 9` and twoTypos: 5`."},
		{"", `{"doggo":1}`, CodeBadRequest, "Unknown field `doggo`: expected one of `displayedAttributes`, `searchableAttributes`, `filterableAttributes`, `sortableAttributes`, `foreignKeys`, `rankingRules`, `stopWords`, `nonSeparatorTokens`, `separatorTokens`, `dictionary`, `synonyms`, `distinctAttribute`, `proximityPrecision`, `typoTolerance`, `faceting`, `pagination`, `embedders`, `searchCutoffMs`, `localizedAttributes`, `facetSearch`, `prefixSearch`, `chat`"},
		{"", `{"filterableAttributes":[1]}`, CodeInvalidSettingsFilterableAttributes, "Invalid value type at `.filterableAttributes[0]`: expected a string or an object, but found a positive integer: `1`"},
		{"", `{"a":`, CodeBadRequest, "The json payload provided is malformed. `EOF while parsing a value at line 1 column 5`."},
	}
	for _, c := range cases {
		var err error
		if c.route == "" {
			_, err = DecodeSettings([]byte(c.body))
		} else {
			r, _ := SettingsRouteByName(c.route)
			_, err = r.Decode([]byte(c.body))
		}
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("%s %s:\n got %v\nwant %s: %s", c.route, c.body, err, c.code, c.msg)
		}
	}
}

func TestFilterableAttributesAcceptBothForms(t *testing.T) {
	p, err := DecodeSettings([]byte(`{"filterableAttributes":["genre",{"attributePatterns":["price*"],"features":{"facetSearch":true,"filter":{"equality":true,"comparison":true}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	rules, _ := p.FilterableAttributes.Get()
	if len(rules) != 2 || rules[0].IsGranular() || rules[0].Attribute != "genre" || !rules[1].IsGranular() || rules[1].AttributePatterns[0] != "price*" {
		t.Fatalf("rules %+v", rules)
	}
	if got := mustJSON(t, rules); got != `["genre",{"attributePatterns":["price*"],"features":{"facetSearch":true,"filter":{"equality":true,"comparison":true}}}]` {
		t.Fatalf("marshal %s", got)
	}
}

func jsonUnmarshalString(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func TestSettingsEqualIgnoresSetOrder(t *testing.T) {
	a := DefaultSettings().Merge(Settings{StopWords: Some([]string{"b", "a"})})
	b := DefaultSettings().Merge(Settings{StopWords: Some([]string{"a", "b", "a"})})
	if !a.Equal(b) {
		t.Fatal("same stop words differ")
	}
	if a.Equal(DefaultSettings()) {
		t.Fatal("different settings equal")
	}
}

func TestSettingsRouteValueAndResets(t *testing.T) {
	r, _ := SettingsRouteByName("typo-tolerance")
	if got := string(r.Value(DefaultSettings())); got != mustJSON(t, DefaultTypoTolerance()) {
		t.Fatalf("value %s", got)
	}
	d, _ := SettingsRouteByName("distinct-attribute")
	if got := string(d.Value(DefaultSettings())); got != "null" {
		t.Fatalf("distinct %s", got)
	}
	custom := DefaultSettings().Merge(Settings{
		DistinctAttribute: Some("sku"),
		Embedders:         Some(map[string]json.RawMessage{"e": json.RawMessage(`{"source":"userProvided"}`)}),
		TypoTolerance:     Some(TypoTolerance{Enabled: Some(false)}),
	})
	if got := custom.Merge(d.ResetPatch()); got.DistinctAttribute.Set && !got.DistinctAttribute.Reset {
		t.Fatalf("distinct not reset: %+v", got.DistinctAttribute)
	}
	if !custom.Merge(ResetAllPatch()).Equal(DefaultSettings()) {
		t.Fatalf("reset all: %s", mustJSON(t, custom.Merge(ResetAllPatch())))
	}
}

// Meilisearch accepts "sampledCount" as a facet order (the meilisearch-go
// suite sets it); only unknown orders are refused.
func TestSortFacetValuesByAcceptsSampledCount(t *testing.T) {
	if _, err := DecodeSettings([]byte(`{"faceting":{"sortFacetValuesBy":{"*":"sampledCount"}}}`)); err != nil {
		t.Fatalf("sampledCount refused: %v", err)
	}
	if _, err := DecodeSettings([]byte(`{"faceting":{"sortFacetValuesBy":{"*":"random"}}}`)); err == nil {
		t.Fatal("an unknown facet order was accepted")
	}
}
