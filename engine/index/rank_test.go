package index

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestSdkFederationScoresMatchMeilisearch(t *testing.T) {
	// meilisearch-go's TestClientMultiSearchWithFederation expects these
	// weightedRankingScore values (weight 1) for the same documents.
	books := newTestIndex(t, Settings{},
		`{"id":456,"title":"Le Petit Prince"}`,
		`{"id":4,"title":"Harry Potter and the Half-Blood Prince"}`,
		`{"id":1,"title":"Alice In Wonderland"}`,
		`{"id":2,"title":"Pride and Prejudice"}`)
	cases := []struct {
		q    string
		id   string
		want float64
	}{
		{"prince", "456", 0.8787878787878788},
		{"prince", "4", 0.8333333333333334},
		{"wonder", "1", 0.8712121212121212},
	}
	for _, c := range cases {
		_, hits := search(t, books, `{"q":"`+c.q+`","showRankingScore":true}`)
		found := false
		for _, h := range hits {
			if fmt.Sprint(h["id"]) == c.id {
				found = true
				if got := h["_rankingScore"].(float64); got != c.want {
					t.Errorf("q=%s id=%s: score %v, want %v", c.q, c.id, got, c.want)
				}
			}
		}
		if !found {
			t.Errorf("q=%s: id %s not found in %v", c.q, c.id, ids(hits))
		}
	}
}

func TestTwoWordQueryScoresAreHandComputed(t *testing.T) {
	idx := newTestIndex(t, Settings{},
		`{"id":1,"title":"green apple"}`,
		`{"id":2,"title":"green appel"}`,
		`{"id":3,"title":"green"}`)
	_, hits := search(t, idx, `{"q":"green apple","showRankingScore":true,"showRankingScoreDetails":true}`)
	if got := ids(hits); fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("order %v, want [1 2 3]", got)
	}
	// B: words 2/2, typo 2/3 (maxTypoCount 2, one typo), proximity 4/4,
	// attributeRank 1/1, wordPosition 21/21, exactness noExactMatch 1/3 then
	// exact words 2/3 (shown as one exactness score 2/9): merged = 3773/4536.
	// C: words 1/2 (apple dropped), typo 2/2, proximity 1/1, attributeRank
	// 1/1, wordPosition 11/11, exactMatch 3/3, exact words 2/2 -> 132/264.
	want := []float64{1, 3773.0 / 4536.0, 0.5}
	for i, h := range hits {
		if got := h["_rankingScore"].(float64); got != want[i] {
			t.Errorf("hit %d: score %v, want %v", i, got, want[i])
		}
	}
	details, _ := json.Marshal(hits[1]["_rankingScoreDetails"])
	wantDetails := `{"attributeRank":{"order":3,"score":1},` +
		`"exactness":{"matchType":"noExactMatch","matchingWords":1,"maxMatchingWords":2,"order":5,"score":0.2222222222222222},` +
		`"proximity":{"order":2,"score":1},` +
		`"typo":{"maxTypoCount":2,"order":1,"score":0.6666666666666666,"typoCount":1},` +
		`"wordPosition":{"order":4,"score":1},` +
		`"words":{"matchingWords":2,"maxMatchingWords":2,"order":0,"score":1}}`
	if string(details) != wantDetails {
		t.Errorf("details\n got %s\nwant %s", details, wantDetails)
	}
}

func TestRankingScoreDetailsKeepRuleOrder(t *testing.T) {
	idx := newTestIndex(t, Settings{}, `{"id":1,"title":"green apple"}`)
	res, _ := search(t, idx, `{"q":"green","showRankingScoreDetails":true}`)
	raw := string(res.Hits[0])
	want := `"_rankingScoreDetails":{"words":{"order":0,"matchingWords":1,"maxMatchingWords":1,"score":1.0},"typo":{"order":1,"typoCount":0,"maxTypoCount":1,"score":1.0},"proximity":{"order":2,"score":1.0},"attributeRank":{"order":3,"score":1.0},"wordPosition":{"order":4,"score":1.0},"exactness":{"order":5,"matchType":"matchesStart","score":0.6666666666666666}}`
	if !strings.Contains(raw, want) {
		t.Errorf("hit %s\nwant details %s", raw, want)
	}
}

func TestLegacyAttributeRuleAndCustomSortRule(t *testing.T) {
	s, _ := SettingsFromJSON(`{"rankingRules":["words","attribute","year:desc"],"searchableAttributes":["title","body"]}`)
	idx := newTestIndex(t, s,
		`{"id":1,"title":"other","body":"green","year":2000}`,
		`{"id":2,"title":"green","body":"x","year":1990}`,
		`{"id":3,"title":"green","body":"y","year":2010}`)
	_, hits := search(t, idx, `{"q":"green","showRankingScoreDetails":true}`)
	if got := fmt.Sprint(ids(hits)); got != "[3 2 1]" {
		t.Fatalf("order %s, want [3 2 1]", got)
	}
	d := hits[2]["_rankingScoreDetails"].(map[string]any)
	attr := d["attribute"].(map[string]any)
	// attributeRank: weight 1 of max 1 -> 1/2; position 11/11.
	if attr["attributeRankingOrderScore"].(float64) != 0.5 || attr["queryWordDistanceScore"].(float64) != 1 {
		t.Errorf("attribute details %v", attr)
	}
	if y := d["year:desc"].(map[string]any); y["value"].(float64) != 2000 || y["order"].(float64) != 2 {
		t.Errorf("sort details %v", y)
	}
}
