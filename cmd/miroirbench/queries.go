package main

import (
	"encoding/json"
	"fmt"
)

// query is one search of the fixed query set.
type query struct {
	class string // word, multi, typo, filter, facet, sort, prefix
	body  string // the JSON body of POST /indexes/{uid}/search
}

// querySet is fixed so runs compare; it covers what issue 3 and 6 name:
// single words, multi-word, typos, filters on strings and numbers, facets,
// sort, and one-to-three-letter prefixes.
var querySet = []query{
	{"word", `{"q":"python"}`},
	{"word", `{"q":"library"}`},
	{"word", `{"q":"firmware"}`},
	{"word", `{"q":"haskell"}`},
	{"multi", `{"q":"web server"}`},
	{"multi", `{"q":"python library for parsing"}`},
	{"multi", `{"q":"development files"}`},
	{"multi", `{"q":"gnome desktop theme"}`},
	{"typo", `{"q":"pyhton"}`},
	{"typo", `{"q":"compresion utility"}`},
	{"typo", `{"q":"databse"}`},
	{"typo", `{"q":"enviroment"}`},
	{"filter", `{"q":"editor","filter":"section = editors"}`},
	{"filter", `{"q":"game","filter":"installed_size_kb > 1000 AND priority = optional"}`},
	{"filter", `{"q":"library","filter":"depends_count >= 10 AND architecture = amd64"}`},
	{"filter", `{"q":"","filter":"section IN [games, graphics] AND installed_size_kb 100 TO 1000"}`},
	{"filter", `{"q":"tool","filter":"tags = \"role::program\""}`},
	{"facet", `{"q":"","facets":["section","priority"]}`},
	{"facet", `{"q":"network","facets":["section","architecture"]}`},
	{"facet", `{"q":"","facets":["installed_size_kb","depends_count"],"filter":"priority = optional","limit":5}`},
	{"sort", `{"q":"tool","sort":["installed_size_kb:desc"]}`},
	{"sort", `{"q":"","sort":["name:asc"],"limit":10}`},
	{"sort", `{"q":"game","sort":["size_bytes:asc"]}`},
	{"prefix", `{"q":"l"}`},
	{"prefix", `{"q":"li"}`},
	{"prefix", `{"q":"lib"}`},
	{"prefix", `{"q":"py"}`},
	{"prefix", `{"q":"x"}`},
	{"prefix", `{"q":"net"}`},
	{"word", `{"q":"gtk","showRankingScoreDetails":true,"attributesToHighlight":["*"]}`},
}

// queryClasses in the order reports list them.
var queryClasses = []string{"word", "multi", "typo", "filter", "facet", "sort", "prefix"}

// nodeQuery is what miroir sends each node for a client query
// (proxy.planSearch): offset 0, limit offset+limit, the ranking score
// forced, and the ranking details when the query sorts. Sending it to the
// nodes directly measures the shards' own time for the same work.
func nodeQuery(body string) ([]byte, error) {
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		return nil, fmt.Errorf("query %s: %w", body, err)
	}
	limit, offset := 20.0, 0.0
	if v, ok := m["limit"].(float64); ok {
		limit = v
	}
	if v, ok := m["offset"].(float64); ok {
		offset = v
	}
	m["offset"], m["limit"] = 0, min(offset+limit, 1000)
	m["showRankingScore"] = true
	if _, ok := m["sort"]; ok {
		m["showRankingScoreDetails"] = true
	}
	return json.Marshal(m)
}
