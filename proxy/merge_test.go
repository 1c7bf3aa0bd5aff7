package proxy

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// relHit builds a hit with relevancy-only details: words then typo, and a
// global score that preserves their lexicographic order, as Meilisearch's
// mixed-radix global score does.
func relHit(id any, words, typo float64) json.RawMessage {
	idj, _ := json.Marshal(id)
	return json.RawMessage(fmt.Sprintf(
		`{"id":%s,"title":"t","_miroir_shard":3,"_rankingScore":%v,"_rankingScoreDetails":{"words":{"order":0,"matchingWords":1,"maxMatchingWords":1,"score":%v},"typo":{"order":1,"typoCount":0,"maxTypoCount":1,"score":%v}}}`,
		idj, words+typo/100, words, typo))
}

// sortHit builds a hit whose first rule is a sort on "price".
func sortHit(id int, dir string, value any, score float64) json.RawMessage {
	v, _ := json.Marshal(value)
	return json.RawMessage(fmt.Sprintf(
		`{"id":%d,"_rankingScore":%v,"_rankingScoreDetails":{"price:%s":{"order":0,"value":%s},"words":{"order":1,"score":%v}}}`,
		id, score, dir, v, score))
}

func ids(t *testing.T, hits []mergedHit) []string {
	t.Helper()
	out := make([]string, len(hits))
	for i, h := range hits {
		var d struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal(h.Hit, &d); err != nil {
			t.Fatal(err)
		}
		out[i] = string(d.ID)
	}
	return out
}

func srcs(lists ...[]json.RawMessage) []source {
	out := make([]source, len(lists))
	for i, l := range lists {
		out[i] = source{Hits: l, Fields: keyFields{primaryKey: "id"}}
	}
	return out
}

func TestMergeOrdersByRulesThenPrimaryKey(t *testing.T) {
	cases := []struct {
		name  string
		lists [][]json.RawMessage
		want  string
	}{
		{"higher words first", [][]json.RawMessage{
			{relHit(1, 0.5, 1)}, {relHit(2, 1, 0.2)}}, "2,1"},
		{"equal words, typo decides", [][]json.RawMessage{
			{relHit(1, 1, 0.5)}, {relHit(2, 1, 1)}}, "2,1"},
		{"full tie: integer ids in numeric order", [][]json.RawMessage{
			{relHit(10, 1, 1)}, {relHit(9, 1, 1)}, {relHit(100, 1, 1)}}, "9,10,100"},
		{"full tie: integers before strings, strings bytewise", [][]json.RawMessage{
			{relHit("b", 1, 1)}, {relHit("B", 1, 1), relHit("a", 1, 1)}, {relHit(7, 1, 1)}}, `7,"B","a","b"`},
		{"scores within epsilon tie", [][]json.RawMessage{
			{relHit(2, 0.3, 1)}, {relHit(1, 0.1+0.2, 1)}}, "1,2"},
		{"sort asc numbers", [][]json.RawMessage{
			{sortHit(1, "asc", 5, 1), sortHit(2, "asc", 9, 1)}, {sortHit(3, "asc", 1, 0.1)}}, "3,1,2"},
		{"sort desc numbers beat relevancy", [][]json.RawMessage{
			{sortHit(1, "desc", 9, 0.1)}, {sortHit(2, "desc", 5, 1)}}, "1,2"},
		{"sort asc: numbers before strings, null last", [][]json.RawMessage{
			{sortHit(1, "asc", "a", 1), sortHit(2, "asc", nil, 1)}, {sortHit(3, "asc", 100, 1)}}, "3,1,2"},
		{"sort desc: numbers before strings, null last", [][]json.RawMessage{
			{sortHit(2, "desc", 3, 1), sortHit(4, "desc", "z", 1), sortHit(1, "desc", nil, 1)}, {sortHit(3, "desc", "b", 1)}}, "2,4,3,1"},
		{"sort equal falls to relevancy", [][]json.RawMessage{
			{sortHit(1, "asc", 5, 0.2)}, {sortHit(2, "asc", 5, 0.9)}}, "2,1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := mergeHits(srcs(tc.lists...), 0, 100, false)
			if err != nil {
				t.Fatal(err)
			}
			if g := strings.Join(ids(t, got), ","); g != tc.want {
				t.Fatalf("got %s, want %s", g, tc.want)
			}
		})
	}
}

func TestMergeOrdersGeoByDistance(t *testing.T) {
	geo := func(id int, dist float64) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"id":%d,"_rankingScoreDetails":{"_geoPoint(45.0,9.0):asc":{"order":0,"value":{"lat":1,"lng":2},"distance":%v}}}`, id, dist))
	}
	got, err := mergeHits(srcs([]json.RawMessage{geo(1, 10), geo(2, 500)}, []json.RawMessage{geo(3, 20)}), 0, 10, false)
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(ids(t, got), ","); g != "1,3,2" {
		t.Fatalf("got %s", g)
	}
}

func TestMergeSkipsAndTakesAfterDistinct(t *testing.T) {
	h := func(id int, score float64, color string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"id":%d,"color":%q,"_rankingScore":%v,"_rankingScoreDetails":{"words":{"order":0,"score":%v}}}`, id, color, score, score))
	}
	lists := srcs(
		[]json.RawMessage{h(1, 0.9, "red"), h(2, 0.7, "blue"), h(3, 0.5, "green")},
		[]json.RawMessage{h(4, 0.8, "red"), h(5, 0.6, "yellow")},
	)
	for i := range lists {
		lists[i].Fields.distinct = "color"
	}
	got, err := mergeHits(lists, 1, 2, true)
	if err != nil {
		t.Fatal(err)
	}
	if g := strings.Join(ids(t, got), ","); g != "2,5" {
		t.Fatalf("got %s, want 2,5 (4 is a duplicate red, 1 skipped)", g)
	}
}

// TestMergeOfShardsEqualsOneSortedList splits random hits over shards the way
// nodes would (each shard list sorted by the same order) and checks the merge
// equals sorting them all at once: a sharded result equals a single node's.
func TestMergeOfShardsEqualsOneSortedList(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 16; round++ {
		var all []json.RawMessage
		for i := 0; i < 200; i++ {
			if round%2 == 0 {
				all = append(all, relHit(i, float64(r.IntN(4))/4, float64(r.IntN(3))/3))
			} else {
				all = append(all, sortHit(i, "desc", r.IntN(5), float64(r.IntN(3))/3))
			}
		}
		type decoded struct {
			k  hitKey
			id idKey
		}
		keys := map[string]*decoded{}
		for _, h := range all {
			d := &decoded{}
			if err := decodeHitKey(h, keyFields{primaryKey: "id"}, true, &d.k, &d.id); err != nil {
				t.Fatal(err)
			}
			keys[string(h)] = d
		}
		less := func(a, b json.RawMessage) int {
			ka, kb := keys[string(a)], keys[string(b)]
			return compareKeys(&ka.k, 1, 0, &ka.id, &kb.k, 1, 0, &kb.id)
		}
		shards := make([][]json.RawMessage, 1+r.IntN(5))
		for _, h := range all {
			s := r.IntN(len(shards))
			shards[s] = append(shards[s], h)
		}
		for _, s := range shards {
			slices.SortFunc(s, less)
		}
		slices.SortFunc(all, less)
		skip, take := r.IntN(50), r.IntN(100)
		got, err := mergeHits(srcs(shards...), skip, take, false)
		if err != nil {
			t.Fatal(err)
		}
		want := all[min(skip, len(all)):min(skip+take, len(all))]
		if len(got) != len(want) {
			t.Fatalf("round %d: %d hits, want %d", round, len(got), len(want))
		}
		for i := range got {
			if string(got[i].Hit) != string(want[i]) {
				t.Fatalf("round %d: hit %d differs:\n%s\n%s", round, i, got[i].Hit, want[i])
			}
		}
	}
}

func TestStripRemovesReservedAndUnrequestedFields(t *testing.T) {
	hit := []byte(`{"id":1, "title":"x","_miroir_shard":4,"_miroir_version":9,"price":3,` +
		`"_formatted":{"id":"1","title":"<em>x</em>","_miroir_shard":"4","price":"3"},` +
		`"_rankingScore":0.5,"_rankingScoreDetails":{"words":{"order":0,"score":0.5}}}`)
	cases := []struct {
		name string
		sp   stripSpec
		want string
	}{
		{"default", stripSpec{}, `{"id":1,"title":"x","price":3,"_formatted":{"id":"1","title":"<em>x</em>","price":"3"}}`},
		{"score kept", stripSpec{keepScore: true}, `{"id":1,"title":"x","price":3,"_formatted":{"id":"1","title":"<em>x</em>","price":"3"},"_rankingScore":0.5}`},
		{"details kept, added price dropped", stripSpec{keepDetails: true, extra: []string{"price"}},
			`{"id":1,"title":"x","_formatted":{"id":"1","title":"<em>x</em>"},"_rankingScoreDetails":{"words":{"order":0,"score":0.5}}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := stripHit(nil, hit, &tc.sp)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestMergeSearchAggregatesTotalsFacetsAndPages(t *testing.T) {
	i64 := func(v int64) *int64 { return &v }
	parts := []*nodeSearchResult{
		{Hits: []json.RawMessage{relHit(1, 1, 1), relHit(3, 0.5, 1)}, Query: "q", ProcessingTimeMs: 3, TotalHits: i64(600),
			FacetDistribution: map[string]map[string]int64{"genre": {"a": 2, "b": 1}, "_miroir_shard": {"1": 3}},
			FacetStats:        map[string]facetStat{"price": {Min: 2, Max: 10}}},
		{Hits: []json.RawMessage{relHit(2, 0.75, 1)}, Query: "q", ProcessingTimeMs: 7, TotalHits: i64(700),
			FacetDistribution: map[string]map[string]int64{"genre": {"b": 5, "c": 1}},
			FacetStats:        map[string]facetStat{"price": {Min: 1, Max: 4}}},
	}
	opt := &mergeOptions{
		Window:       window{PageMode: true, Page: 1, HitsPerPage: 2},
		MaxTotalHits: 1000,
		Fields:       keyFields{primaryKey: "id"},
		Facets:       facetOptions{MaxValuesPerFacet: 2, SortBy: map[string]string{"*": "count"}},
	}
	resp, err := mergeSearch(parts, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(resp)
	want := `{"hits":[{"id":1,"title":"t"},{"id":2,"title":"t"}],"query":"q","processingTimeMs":7,"hitsPerPage":2,"page":1,"totalPages":500,"totalHits":1000,` +
		`"facetDistribution":{"genre":{"b":6,"a":2}},"facetStats":{"price":{"min":1,"max":10}}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestWindowClampsAtMaxTotalHits(t *testing.T) {
	cases := []struct {
		w               window
		max, skip, take int
	}{
		{window{Offset: 0, Limit: 20}, 1000, 0, 20},
		{window{Offset: 990, Limit: 20}, 1000, 990, 10},
		{window{Offset: 1000, Limit: 20}, 1000, 1000, 0},
		{window{PageMode: true, Page: 3, HitsPerPage: 10}, 1000, 20, 10},
		{window{PageMode: true, Page: 0, HitsPerPage: 10}, 1000, 0, 10},
	}
	for _, tc := range cases {
		skip, take := tc.w.span(tc.max)
		if skip != tc.skip || take != tc.take {
			t.Errorf("%+v: got %d,%d want %d,%d", tc.w, skip, take, tc.skip, tc.take)
		}
	}
}

func TestFacetAlphaOrderPutsNumbersFirst(t *testing.T) {
	l := orderFacet(map[string]int64{"b": 1, "10": 1, "A": 1, "2": 1}, "alpha", 100)
	var got []string
	for _, v := range l {
		got = append(got, v.Value)
	}
	if strings.Join(got, ",") != "2,10,A,b" {
		t.Fatalf("got %v", got)
	}
}
