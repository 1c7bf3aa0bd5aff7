package meili

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestDecodeSearchQueryFillsDefaults(t *testing.T) {
	q, err := DecodeSearchQuery([]byte(`{"q":"x","filter":["a = 1",["b = 2","c = 3"]],"sort":["y:asc"],"rankingScoreThreshold":0.5}`))
	if err != nil {
		t.Fatal(err)
	}
	if q.Limit != 20 || q.CropMarker != "…" || q.HighlightPreTag != "<em>" || q.MatchingStrategy != "last" || *q.RankingScoreThreshold != 0.5 {
		t.Errorf("defaults: %+v", q)
	}
	if _, ok := q.Filter.([]any); !ok {
		t.Errorf("filter %T", q.Filter)
	}
}

func TestDecodeSearchQueryRejectsLikeMeilisearch(t *testing.T) {
	cases := []struct {
		body string
		code Code
		msg  string
	}{
		{`{"qq":1}`, CodeBadRequest, "Unknown field `qq`: expected one of `q`, `vector`"},
		{`{"limit":"x"}`, CodeInvalidSearchLimit, "Invalid value type at `.limit`: expected a positive integer, but found a string: `\"x\"`"},
		{`{"offset":-1}`, CodeInvalidSearchOffset, "found a negative integer"},
		{`{"matchingStrategy":"most"}`, CodeInvalidSearchMatchingStrategy, ""},
		{`{"rankingScoreThreshold":2}`, CodeInvalidSearchRankingScoreThreshold, ""},
		{`{"showRankingScore":"yes"}`, Code("invalid_search_show_ranking_score"), ""},
	}
	for _, c := range cases {
		_, err := DecodeSearchQuery([]byte(c.body))
		var e *Error
		if !errors.As(err, &e) || e.Code != c.code || !strings.Contains(e.Message, c.msg) || e.Status != 400 {
			t.Errorf("%s: got %v", c.body, err)
		}
	}
}

func TestParseSearchQueryValuesSplitsLists(t *testing.T) {
	v, _ := url.ParseQuery("q=a&limit=5&attributesToRetrieve=title,%20id&facets=genre&showRankingScore=true&filter=x%20%3D%201")
	q, err := ParseSearchQueryValues(v)
	if err != nil {
		t.Fatal(err)
	}
	if q.Q != "a" || q.Limit != 5 || strings.Join(q.AttributesToRetrieve, "|") != "title|id" || !q.ShowRankingScore || q.Filter != "x = 1" {
		t.Errorf("%+v", q)
	}
	v, _ = url.ParseQuery("limit=abc")
	if _, err := ParseSearchQueryValues(v); err == nil {
		t.Error("bad limit accepted")
	}
}

func TestMultiSearchFederationRefusesPerQueryPaging(t *testing.T) {
	_, err := DecodeMultiSearchRequest([]byte(`{"federation":{},"queries":[{"indexUid":"a","q":"x","limit":3}]}`))
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeInvalidMultiSearchQueryPagination {
		t.Fatalf("got %v", err)
	}
	req, err := DecodeMultiSearchRequest([]byte(`{"federation":{"limit":5},"queries":[{"indexUid":"a","q":"x"},{"indexUid":"b","federationOptions":{"weight":2.5}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if req.Federation.Limit != 5 || req.Queries[0].FederationOptions.Weight != 1 || req.Queries[1].FederationOptions.Weight != 2.5 {
		t.Errorf("%+v", req)
	}
}

func TestFacetCountsKeepOrder(t *testing.T) {
	fc := FacetCounts{{"b", 2}, {"a", 1}}
	b, _ := json.Marshal(fc)
	if string(b) != `{"b":2,"a":1}` {
		t.Errorf("%s", b)
	}
	var back FacetCounts
	if err := json.Unmarshal(b, &back); err != nil || back[0].Value != "b" {
		t.Errorf("%v %v", back, err)
	}
}
