package meili

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

func nopCloser(s string) io.ReadCloser { return io.NopCloser(strings.NewReader(s)) }

func FuzzParseDocuments(f *testing.F) {
	f.Add(uint8(0), `[{"id":1}]`)
	f.Add(uint8(1), "{\"id\":1}\n{\"id\":2}")
	f.Add(uint8(2), "id,n:number,b:boolean\n1,2,true\n")
	f.Add(uint8(2), "a,b\n\"x\"\"y\",\n")
	f.Add(uint8(0), `{"id":"x"}`)
	types := []string{"application/json", "application/x-ndjson", "text/csv"}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		raws, rawErr := ParseDocumentsRaw(types[int(which)%3], strings.NewReader(body), 0)
		for _, r := range raws {
			if !json.Valid(r) || r[0] != '{' {
				t.Fatalf("raw document %q is not a JSON object", r)
			}
		}
		docs, err := ParseDocuments(types[int(which)%3], strings.NewReader(body), 0)
		if (err == nil) != (rawErr == nil) || len(docs) != len(raws) {
			t.Fatalf("ParseDocuments and ParseDocumentsRaw disagree: %v / %v", err, rawErr)
		}
		if err != nil {
			var me *Error
			if !errors.As(err, &me) || me.Status != 400 {
				t.Fatalf("error %v is not a 400 *Error", err)
			}
			return
		}
		for _, d := range docs {
			if d == nil {
				t.Fatal("nil document")
			}
			for k, v := range d {
				if !json.Valid(v) {
					t.Fatalf("field %q holds invalid JSON %q", k, v)
				}
			}
		}
	})
}

func FuzzCanonicalID(f *testing.F) {
	for _, s := range []string{`1`, `"a"`, `-0`, `1.5`, `"a b"`, `99999999999999999999`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		id, err := CanonicalID(json.RawMessage(raw))
		if err != nil {
			return
		}
		if _, isInt := canonicalInteger(id); !ValidDocumentID(id) && !isInt {
			t.Fatalf("CanonicalID(%q) = %q, neither a valid string id nor an integer", raw, id)
		}
		// The canonical id, as a JSON string, canonicalises to itself.
		var b bytes.Buffer
		_ = json.NewEncoder(&b).Encode(id)
		again, err := CanonicalID(bytes.TrimSpace(b.Bytes()))
		if _, isInt := canonicalInteger(id); isInt && !ValidDocumentID(id) {
			return // "-5" is a valid integer id but not a valid string id
		}
		if err != nil || again != id {
			t.Fatalf("CanonicalID(%q) = %q, then %q, %v", raw, id, again, err)
		}
	})
}
