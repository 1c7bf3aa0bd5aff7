package proxy

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeHitKey feeds arbitrary bytes to the hit decoder and the
// stripper: they must never panic, and on valid JSON objects the decoder
// must agree with encoding/json about _rankingScore and the stripper must
// produce valid JSON.
func FuzzDecodeHitKey(f *testing.F) {
	f.Add([]byte(`{"id":1,"_rankingScore":0.5,"_rankingScoreDetails":{"words":{"order":0,"score":0.5},"price:asc":{"order":1,"value":"a\"b"}}}`))
	f.Add([]byte(`{"id":"x\\","_geo":{"lat":1},"_rankingScoreDetails":{"_geoPoint(1,2):desc":{"order":0,"distance":null}}}`))
	f.Add([]byte(`{"a":[1,{"b":"}"}],"_miroir_shard":2,"_formatted":{"_miroir_shard":"2"}}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var k hitKey
		var id idKey
		err := decodeHitKey(data, keyFields{primaryKey: "id", distinct: "a"}, true, &k, &id)
		// encoding/json matches struct keys case-insensitively; nodes
		// send exact names, so compare through an exact-key map.
		var ref map[string]json.RawMessage
		if err == nil && json.Unmarshal(data, &ref) == nil {
			var score float64
			if raw, ok := ref["_rankingScore"]; ok && json.Unmarshal(raw, &score) == nil && score != k.global {
				t.Fatalf("score %v, encoding/json says %v", k.global, score)
			}
		}
		out, err := stripHit(nil, data, &stripSpec{extra: []string{"a"}})
		if err == nil && json.Valid(data) && !json.Valid(out) {
			t.Fatalf("stripped %q into invalid %q", data, out)
		}
	})
}
