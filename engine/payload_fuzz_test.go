package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/miroir-search/miroir/meili"
)

// FuzzParseDocuments checks that no payload makes the parsers panic, that
// every accepted document is one JSON object kept as sent, and that every
// refusal is a Meilisearch error.
func FuzzParseDocuments(f *testing.F) {
	for _, seed := range []string{
		`[{"id":1,"a":"b"}]`, `{"id":"x"}`, "{\"id\":1}\n{\"id\":2}\n", "id,name:number\n1,2\n", `[1]`, `[{`, "", "a;b\n\"x\";1",
	} {
		f.Add([]byte(seed), uint8(0))
		f.Add([]byte(seed), uint8(1))
		f.Add([]byte(seed), uint8(2))
	}
	f.Fuzz(func(t *testing.T, body []byte, format uint8) {
		mt := []string{"application/json", "application/x-ndjson", "text/csv"}[int(format)%3]
		docs, err := parseDocuments(mt, bytes.NewReader(body), ',')
		if err != nil {
			var me *meili.Error
			if !errors.As(err, &me) {
				t.Fatalf("%s: non-Meilisearch error %T %v", mt, err, err)
			}
			return
		}
		for _, d := range docs {
			var obj map[string]json.RawMessage
			if json.Unmarshal(d, &obj) != nil {
				t.Fatalf("%s: accepted a document that is not an object: %q", mt, d)
			}
		}
		// The fast paths must return exactly what the decoder paths return.
		var slow []json.RawMessage
		switch mt {
		case "application/json":
			slow, err = parseJSONDocuments(bytes.NewReader(body))
		case "application/x-ndjson":
			slow, err = parseNDJSON(bytes.NewReader(body))
		default:
			return
		}
		if err != nil || len(slow) != len(docs) {
			t.Fatalf("%s: fast path gave %d documents, decoder %d (%v)", mt, len(docs), len(slow), err)
		}
		for i := range docs {
			if !bytes.Equal(docs[i], slow[i]) {
				t.Fatalf("%s: document %d differs: %q vs %q", mt, i, docs[i], slow[i])
			}
		}
	})
}
