package proxy

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzParseNodeSearch feeds arbitrary bytes to the one-pass node answer
// parser, alone and as the one hit of an answer: it must never panic, and on
// valid JSON it must agree with encoding/json (hits, totals, facets), its
// hit records with decodeHitKey, and its spliced stripping with stripHit.
func FuzzParseNodeSearch(f *testing.F) {
	f.Add([]byte(`{"id":1,"_miroir_shard":2,"_rankingScore":0.5,"_rankingScoreDetails":{"words":{"order":0,"score":0.5},"price:asc":{"order":1,"value":"a\"b"}}}`))
	f.Add([]byte(`{"_miroir_shard":1,"id":"x\\","g":[{"a":"}"}],"_formatted":{"_miroir_shard":"2","g":"x"},"_rankingScore":1}`))
	f.Add([]byte(`{ "_miroir_version" : 1 , "id" : 2 }`))
	f.Add([]byte(`{"hits":[{"id":1},{}],"query":"q","processingTimeMs":3,"estimatedTotalHits":2,"facetDistribution":{"g":{"a":1}},"facetStats":{"n":{"min":1,"max":2}}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fields := keyFields{primaryKey: "id", distinct: "g"}
		specs := []stripSpec{{extra: []string{"g"}}, {keepScore: true, keepDetails: true}}
		for i := range specs {
			sp := &specs[i]
			var out nodeSearchResult
			if parseNodeSearch(data, fields, sp, 1, &out) == nil && validAnswer(data) {
				checkParsedAnswer(t, data, fields, sp)
			}
			body := append(append([]byte(`{"hits":[`), data...), "]}"...)
			out = nodeSearchResult{}
			if parseNodeSearch(body, fields, sp, 1, &out) == nil && validAnswer(body) {
				checkParsedAnswer(t, body, fields, sp)
			}
		}
	})
}

// validAnswer reports whether body is what a node could send: valid JSON
// that encoding/json decodes as an answer whose hits are objects with
// distinct member names and a numeric score.
func validAnswer(body []byte) bool {
	var res nodeSearchResult
	if !json.Valid(body) || json.Unmarshal(body, &res) != nil {
		return false
	}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil || len(top) != countMembers(body) {
		return false
	}
	for key := range top {
		// encoding/json matches names case-insensitively; nodes send
		// exact names.
		for _, name := range answerFields {
			if key != name && strings.EqualFold(key, name) {
				return false
			}
		}
	}
	for _, h := range res.Hits {
		var m map[string]json.RawMessage
		if json.Unmarshal(h, &m) != nil || len(m) != countMembers(h) {
			return false
		}
		if raw, ok := m["_rankingScore"]; ok {
			var f float64
			if json.Unmarshal(raw, &f) != nil {
				return false
			}
		}
	}
	return true
}

var answerFields = []string{"hits", "query", "processingTimeMs", "estimatedTotalHits", "totalHits",
	"facetDistribution", "facetStats", "semanticHitCount", "performanceDetails"}

// countMembers counts an object's top-level members (duplicates included).
func countMembers(obj []byte) int {
	s := scanner{b: obj}
	n := 0
	if s.members(func([]byte, int) (bool, error) {
		n++
		_, err := s.skip()
		return true, err
	}) != nil {
		return -1
	}
	return n
}
