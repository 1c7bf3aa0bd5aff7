package index

import (
	"fmt"
	"sort"
	"testing"

	"github.com/miroir-search/miroir/meili"
)

// TestShardedMergeEqualsSingleIndex splits a corpus over three indexes and
// merges their answers rule by rule then by primary key, as the proxy does:
// the merged order must equal one index's order exactly.
func TestShardedMergeEqualsSingleIndex(t *testing.T) {
	words := []string{"red", "green", "blue", "car", "cart", "bike", "fast", "slow", "carbon", "blew"}
	var docs []string
	for i := 0; i < 90; i++ {
		title := fmt.Sprintf("%s %s %s", words[i%10], words[(i*7)%10], words[(i*3+1)%10])
		docs = append(docs, fmt.Sprintf(`{"id":%d,"title":%q,"year":%d}`, i, title, 1990+i%7))
	}
	s, _ := SettingsFromJSON(`{"sortableAttributes":["year"]}`)
	single := newTestIndex(t, s, docs...)
	shards := []*Index{newTestIndex(t, s), newTestIndex(t, s), newTestIndex(t, s)}
	for i, d := range docs {
		addDocs(t, shards[i%3], uint64(i+1), d)
	}
	for _, body := range []string{
		`{"q":"red car","limit":90}`,
		`{"q":"blu","limit":90}`,
		`{"q":"carbon fast","limit":90,"matchingStrategy":"all"}`,
		`{"q":"car","sort":["year:desc"],"limit":90}`,
		`{"q":"slwo bike","limit":90}`,
	} {
		q, _ := meili.DecodeSearchQuery([]byte(body))
		want, err := single.SearchRanked(q)
		if err != nil {
			t.Fatal(err)
		}
		var merged []fedHit
		parts := make([]FederatedPart, len(shards))
		for si, sh := range shards {
			r, err := sh.SearchRanked(q)
			if err != nil {
				t.Fatal(err)
			}
			parts[si] = FederatedPart{Weight: 1, Ranked: r}
			for i := range r.Result.Hits {
				merged = append(merged, fedHit{part: si, idx: i, values: r.values[i], global: r.global[i]})
			}
		}
		sort.SliceStable(merged, func(i, j int) bool {
			if c := compareWeighted(merged[i], merged[j], parts); c != 0 {
				return c < 0
			}
			return lessID(parts[merged[i].part].Ranked.ids[merged[i].idx], parts[merged[j].part].Ranked.ids[merged[j].idx])
		})
		got := make([]string, len(merged))
		for i, h := range merged {
			got[i] = parts[h.part].Ranked.ids[h.idx] + "@" + fmt.Sprint(h.global)
		}
		exp := make([]string, len(want.ids))
		for i := range want.ids {
			exp[i] = want.ids[i] + "@" + fmt.Sprint(want.global[i])
		}
		if fmt.Sprint(got) != fmt.Sprint(exp) {
			t.Errorf("%s\nmerged %v\nsingle %v", body, got, exp)
		}
	}
}

func TestFederateWeightsAndTagsHits(t *testing.T) {
	a := newTestIndex(t, Settings{}, `{"id":1,"title":"Alice In Wonderland"}`)
	b := newTestIndex(t, Settings{}, `{"id":456,"title":"Le Petit Prince"}`, `{"id":4,"title":"Harry Potter and the Half-Blood Prince"}`)
	qa, _ := meili.DecodeSearchQuery([]byte(`{"q":"wonder"}`))
	qb, _ := meili.DecodeSearchQuery([]byte(`{"q":"prince"}`))
	ra, _ := a.SearchRanked(qa)
	rb, _ := b.SearchRanked(qb)
	res := Federate([]FederatedPart{
		{IndexUID: "a", QueryPosition: 0, Weight: 1, Ranked: ra},
		{IndexUID: "b", QueryPosition: 1, Weight: 1, Ranked: rb},
	}, &meili.Federation{Limit: 20})
	var got []string
	for _, h := range res.Hits {
		got = append(got, string(h))
	}
	want := []string{
		`{"id":456,"title":"Le Petit Prince","_federation":{"indexUid":"b","queriesPosition":1,"weightedRankingScore":0.8787878787878788}}`,
		`{"id":1,"title":"Alice In Wonderland","_federation":{"indexUid":"a","queriesPosition":0,"weightedRankingScore":0.8712121212121212}}`,
		`{"id":4,"title":"Harry Potter and the Half-Blood Prince","_federation":{"indexUid":"b","queriesPosition":1,"weightedRankingScore":0.8333333333333334}}`,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || *res.EstimatedTotalHits != 3 {
		t.Errorf("federated\n got %v\nwant %v", got, want)
	}
	res = Federate([]FederatedPart{
		{IndexUID: "a", QueryPosition: 0, Weight: 2, Ranked: ra},
		{IndexUID: "b", QueryPosition: 1, Weight: 1, Ranked: rb},
	}, &meili.Federation{Limit: 1})
	if len(res.Hits) != 1 || string(res.Hits[0])[:8] != `{"id":1,` {
		t.Errorf("weighted: %s", res.Hits)
	}
}

// TestLazyBucketOrderEqualsFullRanking checks the bucket-by-bucket ranking
// against ranking every rule of every document (forced by a threshold).
func TestLazyBucketOrderEqualsFullRanking(t *testing.T) {
	words := []string{"red", "green", "blue", "car", "cart", "bike", "fast", "slow", "carbon", "blew"}
	var docs []string
	for i := 0; i < 120; i++ {
		title := fmt.Sprintf("%s %s %s %s", words[i%10], words[(i*7)%10], words[(i*3+1)%10], words[(i*i)%10])
		docs = append(docs, fmt.Sprintf(`{"id":%d,"title":%q,"n":%d}`, i, title, i%4))
	}
	s, _ := SettingsFromJSON(`{"sortableAttributes":["n"]}`)
	idx := newTestIndex(t, s, docs...)
	for _, q := range []string{`"q":"red car fast"`, `"q":"car","sort":["n:asc"]`, `"q":"blu bike"`, `"q":"c"`} {
		for _, limit := range []int{1, 7, 50} {
			_, lazy := search(t, idx, fmt.Sprintf(`{%s,"limit":%d}`, q, limit))
			_, full := search(t, idx, fmt.Sprintf(`{%s,"limit":%d,"rankingScoreThreshold":0}`, q, limit))
			if fmt.Sprint(ids(lazy)) != fmt.Sprint(ids(full)) {
				t.Errorf("%s limit %d:\nlazy %v\nfull %v", q, limit, ids(lazy), ids(full))
			}
		}
	}
}

func TestShortPrefixCacheMatchesFullGather(t *testing.T) {
	idx := newTestIndex(t, Settings{},
		`{"id":1,"title":"li lion"}`, `{"id":2,"title":"lime lemon"}`, `{"id":3,"title":"olive"}`, `{"id":4,"a":"lid","b":"li"}`)
	addDocs(t, idx, 2, `{"id":2,"title":"lit lime"}`) // a dead slot must be skipped
	m := idx.mem
	terms, _ := parseQuery(m.cfg, idx.dictionary(m), "li")
	if !cacheablePrefix(terms) {
		t.Fatal("li should use the prefix cache")
	}
	allowed := []bool{true, true, true, true, true}
	for i := 0; i < 2; i++ { // built, then cached
		cached := gatherPrefix(m, terms[0], allowed)
		full := gather(m, terms, allowed, make([]bool, 5))
		if fmt.Sprint(cached.slots) != fmt.Sprint(full.slots) {
			t.Fatalf("slots %v, want %v", cached.slots, full.slots)
		}
		for j := range full.slots {
			a, b := cached.of(j), full.of(j)
			sort.Slice(a, func(x, y int) bool { return fmt.Sprint(a[x]) < fmt.Sprint(a[y]) })
			sort.Slice(b, func(x, y int) bool { return fmt.Sprint(b[x]) < fmt.Sprint(b[y]) })
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("slot %d: %v, want %v", full.slots[j], a, b)
			}
		}
	}
}
