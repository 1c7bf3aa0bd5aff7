package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSuffixIDRewritesOnlyTheID(t *testing.T) {
	doc := []byte(`{"id": "0ad", "name": "0ad", "description": "id game"}`)
	got := string(suffixID(doc, `-3"`))
	want := `{"id": "0ad-3", "name": "0ad", "description": "id game"}`
	if got != want {
		t.Fatalf("suffixID = %s, want %s", got, want)
	}
}

func TestScaledMakesDistinctIDs(t *testing.T) {
	docs := [][]byte{[]byte(`{"id":"a"}`), []byte(`{"id":"b"}`)}
	out := scaled(docs, 3)
	seen := map[string]bool{}
	for _, d := range out {
		var v struct{ ID string }
		if err := json.Unmarshal(d, &v); err != nil {
			t.Fatal(err)
		}
		if seen[v.ID] {
			t.Fatalf("duplicate id %q", v.ID)
		}
		seen[v.ID] = true
	}
	if len(seen) != 6 {
		t.Fatalf("got %d documents, want 6", len(seen))
	}
}

func TestCopiesGrowTheCorpusStepByStep(t *testing.T) {
	docs := [][]byte{[]byte(`{"id":"a"}`), []byte(`{"id":"b"}`)}
	var grown []string
	prev := 0
	for _, k := range []int{1, 4, 16} {
		for _, d := range copiesOf(docs, prev, k) {
			grown = append(grown, string(d))
		}
		prev = k
	}
	var whole []string
	for _, d := range scaled(docs, 16) {
		whole = append(whole, string(d))
	}
	if strings.Join(grown, ",") != strings.Join(whole, ",") {
		t.Fatalf("grown %v\nwhole %v", grown, whole)
	}
}

func TestNodeQueryMirrorsTheProxyPlan(t *testing.T) {
	b, err := nodeQuery(`{"q":"x","offset":5,"limit":10,"sort":["name:asc"]}`)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	if m["offset"] != 0.0 || m["limit"] != 15.0 || m["showRankingScore"] != true || m["showRankingScoreDetails"] != true {
		t.Fatalf("node query = %s", b)
	}
}

func TestEveryQueryIsJSONWithAKnownClass(t *testing.T) {
	classes := map[string]bool{}
	for _, c := range queryClasses {
		classes[c] = true
	}
	for _, q := range querySet {
		if !classes[q.class] || !json.Valid([]byte(q.body)) {
			t.Errorf("bad query %+v", q)
		}
	}
}

func TestParseBenchReadsCustomMetrics(t *testing.T) {
	out := []byte("goos: linux\nBenchmarkApplyConcurrent/leader/proposers=64-2 \t 5000\t 300 ns/op\t 3100 commits/s\t 12.5 p50-ms\nBenchmarkMerge3x1000-2 100 150000 ns/op 2048 B/op 12 allocs/op\nPASS\n")
	m, order := parseBench(out)
	if len(order) != 2 || order[0] != "BenchmarkApplyConcurrent/leader/proposers=64" {
		t.Fatalf("order = %v", order)
	}
	if m["BenchmarkApplyConcurrent/leader/proposers=64"]["commits/s"][0] != 3100 || m["BenchmarkMerge3x1000"]["allocs/op"][0] != 12 {
		t.Fatalf("metrics = %v", m)
	}
}

func TestPercentileIsNearestRank(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	for p, want := range map[float64]time.Duration{50: 50, 95: 95, 99: 99, 100: 100} {
		if got := pct(d, p); got != want {
			t.Errorf("pct(%v) = %v, want %v", p, got, want)
		}
	}
	if pct(nil, 50) != 0 {
		t.Error("pct of nothing is not 0")
	}
}

func TestReplaceBlockKeepsTextAround(t *testing.T) {
	doc := "# B\n\nhand written\n\n<!-- bench:x -->\nold\n<!-- /bench:x -->\n\nafter\n"
	got := replaceBlock(doc, section{id: "x", title: "X", body: "new\n"})
	if !strings.Contains(got, "hand written") || !strings.Contains(got, "after") || strings.Contains(got, "old") || !strings.Contains(got, "new") {
		t.Fatalf("replaceBlock = %q", got)
	}
	got = replaceBlock(got, section{id: "y", title: "Y", body: "appended\n"})
	if !strings.HasSuffix(got, "<!-- /bench:y -->\n") {
		t.Fatalf("a missing block is not appended: %q", got)
	}
}
