package index

import (
	"fmt"
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
