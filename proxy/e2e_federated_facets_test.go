package proxy_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// postJSON sends a request with the master key and decodes the answer.
func (tc *testCluster) postJSON(path, body string, out any) int {
	tc.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, tc.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testMasterKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tc.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		tc.t.Fatal(err)
	}
	return resp.StatusCode
}

type facetsAnswer struct {
	FacetsByIndex map[string]struct {
		Distribution map[string]map[string]int         `json:"distribution"`
		Stats        map[string]struct{ Min, Max int } `json:"stats"`
	} `json:"facetsByIndex"`
	FacetDistribution map[string]map[string]int         `json:"facetDistribution"`
	FacetStats        map[string]struct{ Min, Max int } `json:"facetStats"`
	Code              string                            `json:"code"`
}

func TestFederatedSearchAnswersFacetsByIndexAndMergedFacets(t *testing.T) {
	tc := startCluster(t, 3, 1, 8)
	ctx := context.Background()
	for name, n := range map[string]int{"films": 40, "other": 20} {
		idx := tc.client.Index(name)
		tc.succeed(idx.AddDocuments(ctx, corpus(n), nil))
		tc.succeed(idx.UpdateFilterableAttributes(ctx, &[]interface{}{"genre", "year"}))
	}
	const queries = `"queries":[{"indexUid":"films","q":""},{"indexUid":"other","q":""}]`
	var a facetsAnswer
	if s := tc.postJSON("/multi-search", `{"federation":{"facetsByIndex":{"films":["genre","year"],"other":["genre"]}},`+queries+`}`, &a); s != http.StatusOK {
		t.Fatalf("status %d %+v", s, a)
	}
	if got := a.FacetsByIndex["films"].Distribution["genre"]["drama"]; got != 10 {
		t.Fatalf("films genre drama %d, want 10: %+v", got, a.FacetsByIndex)
	}
	if got := a.FacetsByIndex["other"].Distribution["genre"]["western"]; got != 5 {
		t.Fatalf("other genre western %d, want 5: %+v", got, a.FacetsByIndex)
	}
	if st := a.FacetsByIndex["films"].Stats["year"]; st.Min != 1950 || st.Max != 1989 {
		t.Fatalf("films year stats %+v", st)
	}
	if _, ok := a.FacetsByIndex["other"].Distribution["year"]; ok || a.FacetDistribution != nil {
		t.Fatalf("facets not asked for: %+v", a)
	}

	var m facetsAnswer
	tc.postJSON("/multi-search", `{"federation":{"facetsByIndex":{"films":["genre"],"other":["genre"]},"mergeFacets":{}},`+queries+`}`, &m)
	if got := m.FacetDistribution["genre"]["comedy"]; got != 15 || m.FacetsByIndex != nil {
		t.Fatalf("merged genre comedy %d, want 15 and no facetsByIndex: %+v", got, m)
	}

	var e facetsAnswer
	if s := tc.postJSON("/multi-search", `{"federation":{"facetsByIndex":{"nope":["genre"]}},`+queries+`}`, &e); s != http.StatusBadRequest && e.Code == "" {
		t.Fatalf("facets for an index no query uses: %d %+v", s, e)
	}
}
