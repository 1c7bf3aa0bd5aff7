package index

import (
	"fmt"
	"testing"
)

func typoIndex(t *testing.T, s Settings) *Index {
	return newTestIndex(t, s,
		`{"id":1,"title":"python"}`,
		`{"id":2,"title":"programming"}`,
		`{"id":3,"title":"cat"}`,
		`{"id":4,"title":"bython"}`)
}

func TestTypoBudgetFollowsWordLength(t *testing.T) {
	idx := typoIndex(t, Settings{})
	cases := []struct {
		q    string
		want string
	}{
		{"pythn ", "[1]"},        // 5 letters: one typo allowed (deletion)
		{"pyhton ", "[1]"},       // a transposition is one typo
		{"cot ", "[]"},           // under 5 letters: no typo
		{"porgrammign ", "[2]"},  // 11 letters: two typos
		{"prugrammmming ", "[]"}, // three typos is too many
		{"xython ", "[]"},        // first-letter typo needs a 2-typo budget
		{"prog", "[2]"},          // prefix on the last word
		{"prog ", "[]"},          // a trailing space ends the prefix
		{"progrmaming", "[2]"},   // typo and prefix together
	}
	for _, c := range cases {
		_, hits := search(t, idx, `{"q":"`+c.q+`"}`)
		if got := fmt.Sprint(ids(hits)); got != c.want {
			t.Errorf("q=%q: %s, want %s", c.q, got, c.want)
		}
	}
}

func TestTypoCountIsReported(t *testing.T) {
	idx := typoIndex(t, Settings{})
	_, hits := search(t, idx, `{"q":"porgrammign ","showRankingScoreDetails":true}`)
	typo := hits[0]["_rankingScoreDetails"].(map[string]any)["typo"].(map[string]any)
	if typo["typoCount"].(float64) != 2 || typo["maxTypoCount"].(float64) != 2 {
		t.Errorf("typo details %v", typo)
	}
}

func TestTypoToleranceSettings(t *testing.T) {
	off, _ := SettingsFromJSON(`{"typoTolerance":{"enabled":false}}`)
	if _, hits := search(t, typoIndex(t, off), `{"q":"pyhton"}`); len(hits) != 0 {
		t.Errorf("typos disabled: got %v", ids(hits))
	}
	words, _ := SettingsFromJSON(`{"typoTolerance":{"disableOnWords":["pyhton"]}}`)
	if _, hits := search(t, typoIndex(t, words), `{"q":"pyhton"}`); len(hits) != 0 {
		t.Errorf("disableOnWords: got %v", ids(hits))
	}
	sizes, _ := SettingsFromJSON(`{"typoTolerance":{"minWordSizeForTypos":{"oneTypo":3,"twoTypos":4}}}`)
	if _, hits := search(t, typoIndex(t, sizes), `{"q":"cot "}`); fmt.Sprint(ids(hits)) != "[3]" {
		t.Errorf("minWordSizeForTypos: got %v", ids(hits))
	}
	attrs, _ := SettingsFromJSON(`{"typoTolerance":{"disableOnAttributes":["title"]}}`)
	if _, hits := search(t, typoIndex(t, attrs), `{"q":"pyhton"}`); len(hits) != 0 {
		t.Errorf("disableOnAttributes: got %v", ids(hits))
	}
}

func TestMatchingStrategyDropsWordsFromTheEnd(t *testing.T) {
	idx := newTestIndex(t, Settings{},
		`{"id":1,"title":"red car"}`,
		`{"id":2,"title":"red"}`,
		`{"id":3,"title":"car"}`)
	if _, hits := search(t, idx, `{"q":"red car"}`); fmt.Sprint(ids(hits)) != "[1 2]" {
		t.Errorf("last: %v, want [1 2]", ids(hits))
	}
	if _, hits := search(t, idx, `{"q":"red car","matchingStrategy":"all"}`); fmt.Sprint(ids(hits)) != "[1]" {
		t.Errorf("all: %v, want [1]", ids(hits))
	}
}

func TestStopWordsAndSynonyms(t *testing.T) {
	s, _ := SettingsFromJSON(`{"stopWords":["the"],"synonyms":{"car":["automobile"]}}`)
	idx := newTestIndex(t, s,
		`{"id":1,"title":"the automobile"}`,
		`{"id":2,"title":"the cat"}`)
	if _, hits := search(t, idx, `{"q":"the car "}`); fmt.Sprint(ids(hits)) != "[1]" {
		t.Errorf("synonym: %v, want [1]", ids(hits))
	}
}

func TestPlaceholderSearchReturnsPrimaryKeyOrder(t *testing.T) {
	idx := newTestIndex(t, Settings{},
		`{"id":"b"}`, `{"id":10}`, `{"id":"a"}`, `{"id":9}`, `{"id":"B"}`)
	_, hits := search(t, idx, `{}`)
	if got := fmt.Sprint(ids(hits)); got != `[9 10 "B" "a" "b"]` {
		t.Errorf("order %s", got)
	}
}

func TestNegativeOperatorExcludesWord(t *testing.T) {
	idx := newTestIndex(t, Settings{},
		`{"id":1,"title":"red car"}`,
		`{"id":2,"title":"red bike"}`,
		`{"id":3,"title":"t-shirt red"}`)
	if _, hits := search(t, idx, `{"q":"red -car"}`); fmt.Sprint(ids(hits)) != "[2 3]" {
		t.Errorf("negative: %v", ids(hits))
	}
	if _, hits := search(t, idx, `{"q":"-bike"}`); fmt.Sprint(ids(hits)) != "[1 3]" {
		t.Errorf("negative placeholder: %v", ids(hits))
	}
	if _, hits := search(t, idx, `{"q":"t-shirt"}`); fmt.Sprint(ids(hits)) != "[3]" {
		t.Errorf("hyphenated word: %v", ids(hits))
	}
}
