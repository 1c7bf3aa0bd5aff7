package index

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/miroir-search/miroir/meili"
)

func movies(t *testing.T) *Index {
	s, _ := SettingsFromJSON(`{"filterableAttributes":["genre","year","tags","director"],
		"sortableAttributes":["year","title"]}`)
	return newTestIndex(t, s,
		`{"id":1,"title":"The Matrix","genre":"Action","year":1999,"tags":["cyberpunk","ai"],"director":"Wachowski"}`,
		`{"id":2,"title":"Matrix Reloaded","genre":"action","year":2003,"tags":["cyberpunk"],"director":"Wachowski"}`,
		`{"id":3,"title":"Blade Runner","genre":"SciFi","year":1982,"tags":["cyberpunk","ai"],"director":"Scott"}`,
		`{"id":4,"title":"Alien","genre":"Horror","year":1979,"tags":[],"director":"Scott"}`,
		`{"id":5,"title":"Heat","genre":"Crime","year":1995,"director":null}`)
}

func TestFilterSemantics(t *testing.T) {
	idx := movies(t)
	cases := []struct{ filter, want string }{
		{`genre = action`, "[1 2]"}, // case-insensitive
		{`genre != action`, "[3 4 5]"},
		{`year > 1995`, "[1 2]"},
		{`year 1980 TO 1999`, "[1 3 5]"},
		{`year = 1999`, "[1]"},
		{`genre IN [horror, crime]`, "[4 5]"},
		{`tags = ai AND NOT year < 1990`, "[1]"},
		{`director IS NULL`, "[5]"},
		{`tags IS EMPTY`, "[4]"},
		{`tags EXISTS`, "[1 2 3 4]"},
		{`tags NOT EXISTS`, "[5]"},
		{`(genre = action OR genre = scifi) AND director = scott`, "[3]"},
	}
	for _, c := range cases {
		_, hits := search(t, idx, fmt.Sprintf(`{"filter":%q}`, c.filter))
		if got := fmt.Sprint(ids(hits)); got != c.want {
			t.Errorf("filter %q: %s, want %s", c.filter, got, c.want)
		}
	}
	_, hits := search(t, idx, `{"filter":[["genre = horror","genre = crime"],"year > 1990"]}`)
	if got := fmt.Sprint(ids(hits)); got != "[5]" {
		t.Errorf("array filter: %s", got)
	}
}

func TestFilterOnNonFilterableAttributeIsMeilisearchError(t *testing.T) {
	idx := movies(t)
	q, _ := meili.DecodeSearchQuery([]byte(`{"filter":"title = x"}`))
	_, err := idx.Search(q)
	var me *meili.Error
	if !errors.As(err, &me) || me.Code != meili.CodeInvalidSearchFilter ||
		!strings.HasPrefix(me.Message, "Attribute `title` is not filterable. Available filterable attribute patterns are: `director, genre, tags, year`.") {
		t.Fatalf("got %v", err)
	}
}

func TestSortAndSortErrors(t *testing.T) {
	idx := movies(t)
	_, hits := search(t, idx, `{"sort":["year:desc"]}`)
	if got := fmt.Sprint(ids(hits)); got != "[2 1 5 3 4]" {
		t.Errorf("year desc: %s", got)
	}
	_, hits = search(t, idx, `{"q":"matrix","sort":["year:asc"],"showRankingScoreDetails":true}`)
	if got := fmt.Sprint(ids(hits)); got != "[1 2]" {
		t.Errorf("matrix year asc: %s", got)
	}
	q, _ := meili.DecodeSearchQuery([]byte(`{"sort":["genre:asc"]}`))
	if _, err := idx.Search(q); err == nil || !strings.Contains(err.Error(), "Attribute `genre` is not sortable") {
		t.Errorf("unsortable: %v", err)
	}
}

func TestFacetDistributionAndStats(t *testing.T) {
	idx := movies(t)
	res, _ := search(t, idx, `{"facets":["genre","year","tags"]}`)
	got := fmt.Sprint(res.FacetDistribution["genre"])
	if got != "[{action 2} {Crime 1} {Horror 1} {SciFi 1}]" && got != "[{Action 2} {Crime 1} {Horror 1} {SciFi 1}]" {
		t.Errorf("genre facet %s", got)
	}
	if fmt.Sprint(res.FacetDistribution["tags"]) != "[{ai 2} {cyberpunk 3}]" {
		t.Errorf("tags facet %v", res.FacetDistribution["tags"])
	}
	if st := res.FacetStats["year"]; st.Min != 1979 || st.Max != 2003 {
		t.Errorf("year stats %+v", st)
	}
	q, _ := meili.DecodeSearchQuery([]byte(`{"facets":["title"]}`))
	if _, err := idx.Search(q); err == nil || !strings.Contains(err.Error(), "invalid_search_facets") {
		t.Errorf("non-filterable facet: %v", err)
	}
}

func TestDistinctKeepsBestHitPerValue(t *testing.T) {
	idx := movies(t)
	res, hits := search(t, idx, `{"q":"","distinct":"director"}`)
	if got := fmt.Sprint(ids(hits)); got != "[1 3 5]" {
		t.Errorf("distinct: %s", got)
	}
	if *res.EstimatedTotalHits != 3 {
		t.Errorf("distinct total %d", *res.EstimatedTotalHits)
	}
}

func TestHighlightCropAndMatchesPosition(t *testing.T) {
	idx := newTestIndex(t, Settings{},
		`{"id":1,"title":"Wonderful world","body":"one two three four five wonder six seven eight nine ten"}`)
	_, hits := search(t, idx, `{"q":"wonder","attributesToHighlight":["title"],"attributesToCrop":["body:4"],"showMatchesPosition":true}`)
	f := hits[0]["_formatted"].(map[string]any)
	if f["title"] != "<em>Wonder</em>ful world" {
		t.Errorf("highlight %q", f["title"])
	}
	if f["body"] != "…five wonder six seven…" {
		t.Errorf("crop %q", f["body"])
	}
	if f["id"] != "1" {
		t.Errorf("_formatted id %v", f["id"])
	}
	mp := fmt.Sprint(hits[0]["_matchesPosition"])
	if mp != "map[body:[map[length:6 start:24]] title:[map[length:6 start:0]]]" {
		t.Errorf("matches position %s", mp)
	}
}

func TestAttributesToRetrieveAndDisplayed(t *testing.T) {
	s, _ := SettingsFromJSON(`{"displayedAttributes":["id","title"]}`)
	idx := newTestIndex(t, s, `{"id":1,"title":"a","secret":"x","year":3}`)
	res, _ := search(t, idx, `{"attributesToRetrieve":["title","secret"]}`)
	if got := string(res.Hits[0]); got != `{"title":"a"}` {
		t.Errorf("hit %s", got)
	}
}

func TestPagingTotalsAndMaxTotalHits(t *testing.T) {
	s, _ := SettingsFromJSON(`{"pagination":{"maxTotalHits":3}}`)
	idx := movies(t)
	res, hits := search(t, idx, `{"page":2,"hitsPerPage":2}`)
	if got := fmt.Sprint(ids(hits)); got != "[3 4]" || *res.TotalHits != 5 || *res.TotalPages != 3 {
		t.Errorf("page 2: %s totals %d/%d", got, *res.TotalHits, *res.TotalPages)
	}
	capped := newTestIndex(t, s, `{"id":1}`, `{"id":2}`, `{"id":3}`, `{"id":4}`)
	res, hits = search(t, capped, `{"offset":2,"limit":5}`)
	if len(hits) != 1 || *res.EstimatedTotalHits != 4 {
		t.Errorf("maxTotalHits: %v est=%d", ids(hits), *res.EstimatedTotalHits)
	}
}

func TestRankingScoreThreshold(t *testing.T) {
	idx := newTestIndex(t, Settings{}, `{"id":1,"t":"red car"}`, `{"id":2,"t":"red"}`)
	res, hits := search(t, idx, `{"q":"red car","rankingScoreThreshold":0.9}`)
	if fmt.Sprint(ids(hits)) != "[1]" || *res.EstimatedTotalHits != 1 {
		t.Errorf("threshold: %v", ids(hits))
	}
}

func TestUnsupportedParametersAreRefused(t *testing.T) {
	idx := movies(t)
	q, _ := meili.DecodeSearchQuery([]byte(`{"q":"x","vector":[0.1,0.2]}`))
	var me *meili.Error
	if _, err := idx.Search(q); !errors.As(err, &me) || me.Code != meili.CodeFeatureNotEnabled {
		t.Errorf("vector: %v", err)
	}
}

func TestAttributesToSearchOnRestrictsFields(t *testing.T) {
	idx := newTestIndex(t, Settings{}, `{"id":1,"a":"blue","b":"red"}`, `{"id":2,"a":"red","b":"blue"}`)
	if _, hits := search(t, idx, `{"q":"blue","attributesToSearchOn":["a"]}`); fmt.Sprint(ids(hits)) != "[1]" {
		t.Errorf("searchOn: %v", ids(hits))
	}
}

func TestGeoRadiusFilterAndSort(t *testing.T) {
	s, _ := SettingsFromJSON(`{"filterableAttributes":["_geo"],"sortableAttributes":["_geo"]}`)
	idx := newTestIndex(t, s,
		`{"id":1,"_geo":{"lat":48.8566,"lng":2.3522}}`,
		`{"id":2,"_geo":{"lat":51.5074,"lng":-0.1278}}`,
		`{"id":3,"_geo":{"lat":48.86,"lng":2.35}}`)
	_, hits := search(t, idx, `{"filter":"_geoRadius(48.8566, 2.3522, 2000)","sort":["_geoPoint(48.8566, 2.3522):asc"]}`)
	if fmt.Sprint(ids(hits)) != "[1 3]" || hits[0]["_geoDistance"].(float64) != 0 || hits[1]["_geoDistance"].(float64) != 411 {
		t.Errorf("geo: %v %v", ids(hits), hits)
	}
}

// Regression: miroir stamps _miroir_shard and _miroir_version on every
// document; a query word equal to a shard number or a task uid matched them
// and changed hits and scores. They stay filterable, never searchable.
func TestReservedMiroirFieldsAreNeverSearched(t *testing.T) {
	s, err := SettingsFromJSON(`{"filterableAttributes":["_miroir_shard"]}`)
	if err != nil {
		t.Fatal(err)
	}
	idx := newTestIndex(t, s,
		`{"id":1,"title":"route 15","_miroir_shard":3,"_miroir_version":9}`,
		`{"id":2,"title":"other","_miroir_shard":15,"_miroir_version":15}`)
	if _, hits := search(t, idx, `{"q":"15"}`); len(hits) != 1 {
		t.Fatalf("q=15 matched %d documents, want only the one whose title says 15: %s", len(hits), hits)
	}
	if _, hits := search(t, idx, `{"q":"","filter":"_miroir_shard = 15"}`); len(hits) != 1 {
		t.Fatalf("filter on _miroir_shard matched %d documents, want 1", len(hits))
	}
}
