package meili

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func docsJSON(t *testing.T, docs []Document) string {
	t.Helper()
	b, err := marshalNoEscape(docs)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseDocumentsAcceptsEveryFormat(t *testing.T) {
	cases := []struct {
		name, ct, body string
		delim          rune
		want           string
	}{
		{"json array", "application/json", `[{"id":1,"title":"a"},{"id":"b2","n":{"x":[1,2]}}]`, 0, `[{"id":1,"title":"a"},{"id":"b2","n":{"x":[1,2]}}]`},
		{"json object", "application/json; charset=utf-8", ` {"id": 12345678901234567890} `, 0, `[{"id":12345678901234567890}]`},
		{"json empty array", "application/json", `[]`, 0, `[]`},
		{"ndjson", "application/x-ndjson", "{\"id\":1}\n{\"id\":2}\n\n", 0, `[{"id":1},{"id":2}]`},
		{"ndjson without newline", "application/x-ndjson", `{"id":1} {"id":2}`, 0, `[{"id":1},{"id":2}]`},
		{"csv", "text/csv", "id,title\n1,Carol\n2,\n", 0, `[{"id":"1","title":"Carol"},{"id":"2","title":null}]`},
		{"csv typed", "text/csv", "id:number,price:number,ok:boolean,name:string,odd:type\n1, 2.5 ,true,x,y\n-3,,,,\n", 0,
			`[{"id":1,"name":"x","odd:type":"y","ok":true,"price":2.5},{"id":-3,"name":null,"odd:type":null,"ok":null,"price":null}]`},
		{"csv quoted", "text/csv", "id,title\n1,\"a, \"\"b\"\"\"\n", 0, `[{"id":"1","title":"a, \"b\""}]`},
		{"csv delimiter", "text/csv", "id;title\n1;a<b\n", ';', `[{"id":"1","title":"a<b"}]`},
		{"csv header only", "text/csv", "id,title\n", 0, `[]`},
		{"csv crlf", "text/csv", "id,title\r\n1,a\r\n", 0, `[{"id":"1","title":"a"}]`},
		{"csv inf is null", "text/csv", "n:number\ninf\n", 0, `[{"n":null}]`},
		{"csv with BOM", "text/csv", "\ufeffid\n7\n", 0, `[{"id":"7"}]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docs, err := ParseDocuments(c.ct, strings.NewReader(c.body), c.delim)
			if err != nil {
				t.Fatal(err)
			}
			if got := docsJSON(t, docs); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestParseDocumentsErrorsMatchMeilisearch(t *testing.T) {
	cases := []struct {
		name, ct, body string
		delim          rune
		code           Code
		status         int
		msg            string
	}{
		{"missing content type", "", "[]", 0, CodeMissingContentType, 415,
			"A Content-Type header is missing. Accepted values for the Content-Type header are: `application/json`, `application/x-ndjson`, `text/csv`"},
		{"invalid content type", "text/plain", "[]", 0, CodeInvalidContentType, 415,
			"The Content-Type `text/plain` is invalid. Accepted values for the Content-Type header are: `application/json`, `application/x-ndjson`, `text/csv`"},
		{"delimiter with json", "application/json", "[]", ';', CodeInvalidContentType, 415,
			"The Content-Type `application/json` does not support the use of a csv delimiter. The csv delimiter can only be used with the Content-Type `text/csv`."},
		{"non-ascii delimiter", "text/csv", "a", 'é', CodeInvalidDocumentCSVDelimiter, 400,
			"Invalid value in parameter `csvDelimiter`: csv delimiter must be an ascii character. Found: `é`"},
		{"empty json", "application/json", "", 0, CodeMissingPayload, 400, "A json payload is missing."},
		{"empty csv", "text/csv", "", 0, CodeMissingPayload, 400, "A csv payload is missing."},
		{"key not string", "application/json", `[{"id": 1}, {id: 2}]`, 0, CodeMalformedPayload, 400,
			"The `json` payload provided is malformed. `Couldn't serialize document value: key must be a string at line 1 column 14`."},
		{"array of numbers", "application/json", `[1, 2]`, 0, CodeMalformedPayload, 400,
			"The `json` payload provided is malformed. `Couldn't serialize document value: data are neither an object nor a list of objects`."},
		{"string", "application/json", `"hello"`, 0, CodeMalformedPayload, 400,
			"The `json` payload provided is malformed. `Couldn't serialize document value: data are neither an object nor a list of objects`."},
		{"ndjson key", "application/x-ndjson", "{\"id\": 1}\n{id: 2}", 0, CodeMalformedPayload, 400,
			"The `ndjson` payload provided is malformed. `Couldn't serialize document value: key must be a string at line 2 column 2`."},
		{"csv field count", "text/csv", "title,color\n\"Harry Potter\",blue,extra\n", 0, CodeMalformedPayload, 400,
			"The `csv` payload provided is malformed: `CSV error: record 1 (line: 2, byte: 12): found record with 3 fields, but the previous record has 2 fields`."},
		{"csv bad boolean", "text/csv", "title,b:boolean\nx,doggo\n", 0, CodeMalformedPayload, 400,
			"The `csv` payload provided is malformed: `Error parsing boolean \"doggo\" at line 1: provided string was not `true` or `false``."},
		{"csv bad number", "text/csv", "title,n:number\nx,doggo\n", 0, CodeMalformedPayload, 400,
			"The `csv` payload provided is malformed: `Error parsing number \"doggo\" at line 1: invalid float literal`."},
		{"eof in list", "application/json", `[{"id":1}`, 0, CodeMalformedPayload, 400,
			"The `json` payload provided is malformed. `Couldn't serialize document value: EOF while parsing a list at line 1 column 9`."},
		{"eof in object", "application/json", `{"id":1`, 0, CodeMalformedPayload, 400,
			"The `json` payload provided is malformed. `Couldn't serialize document value: EOF while parsing an object at line 1 column 7`."},
		{"missing comma", "application/json", `[{"id":1} {"id":2}]`, 0, CodeMalformedPayload, 400,
			"The `json` payload provided is malformed. `Couldn't serialize document value: expected `,` or `]` at line 1 column 11`."},
		{"trailing data", "application/json", `[{"id":1}] x`, 0, CodeMalformedPayload, 400,
			"The `json` payload provided is malformed. `Couldn't serialize document value: trailing characters at line 1 column 12`."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseDocuments(c.ct, strings.NewReader(c.body), c.delim)
			var me *Error
			if !errors.As(err, &me) {
				t.Fatalf("err = %v", err)
			}
			if me.Code != c.code || me.Status != c.status || me.Message != c.msg {
				t.Fatalf("got %d %s %q\nwant %d %s %q", me.Status, me.Code, me.Message, c.status, c.code, c.msg)
			}
		})
	}
}

func TestParseDocumentsMapsBodyLimitToPayloadTooLarge(t *testing.T) {
	body := http.MaxBytesReader(httptest.NewRecorder(), nopCloser(strings.Repeat(" ", 2048)), 1024)
	_, err := ParseDocuments("application/json", body, 0)
	var me *Error
	if !errors.As(err, &me) || me.Code != CodePayloadTooLarge || me.Status != 413 {
		t.Fatalf("err = %v", err)
	}
	if want := "The provided payload reached the size limit. The maximum accepted payload size is 1 KiB."; me.Message != want {
		t.Fatalf("message %q, want %q", me.Message, want)
	}
	if got := PayloadTooLarge(100 << 20).Message; !strings.Contains(got, "100 MiB") {
		t.Fatalf("100 MiB limit: %q", got)
	}
}

func TestInferPrimaryKeyFollowsMeilisearchRule(t *testing.T) {
	cases := []struct {
		doc  string
		want string
		code Code
	}{
		{`{"id":1,"title":"a"}`, "id", ""},
		{`{"movieId":1,"title":"a"}`, "movieId", ""},
		{`{"ID":1}`, "ID", ""},
		{`{"title":"a"}`, "", CodeIndexPrimaryKeyNoCandidate},
		{`{"id":1,"uid":2,"zid":3}`, "", CodeIndexPrimaryKeyMultipleCandidates},
	}
	for _, c := range cases {
		var d Document
		if err := json.Unmarshal([]byte(c.doc), &d); err != nil {
			t.Fatal(err)
		}
		got, err := InferPrimaryKey(d)
		if c.code != "" {
			var me *Error
			if !errors.As(err, &me) || me.Code != c.code {
				t.Errorf("InferPrimaryKey(%s) err = %v, want %s", c.doc, err, c.code)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("InferPrimaryKey(%s) = %q, %v; want %q", c.doc, got, err, c.want)
		}
	}
	_, err := InferPrimaryKey(Document{"uid": nil, "id": nil, "zid": nil})
	want := "The primary key inference failed as the engine found 3 fields ending with `id` in their names: 'id' and 'uid'. Please specify the primary key manually using the `primaryKey` query parameter."
	if err.(*Error).Message != want {
		t.Fatalf("message %q", err.(*Error).Message)
	}
}

func TestCanonicalIDMakesIntegersAndStringsOneSpace(t *testing.T) {
	cases := []struct {
		raw, want string
		ok        bool
	}{
		{`1`, "1", true},
		{`"1"`, "1", true},
		{`-5`, "-5", true},
		{`18446744073709551615`, "18446744073709551615", true},
		{`"abc_DEF-09"`, "abc_DEF-09", true},
		{`"` + strings.Repeat("a", 511) + `"`, strings.Repeat("a", 511), true},
		{`"` + strings.Repeat("a", 512) + `"`, "", false},
		{`""`, "", false},
		{`"a b"`, "", false},
		{`"é"`, "", false},
		{`1.5`, "", false},
		{`1.0`, "", false},
		{`1e3`, "", false},
		{`18446744073709551616`, "", false},
		{`null`, "", false},
		{`true`, "", false},
		{`{"a":1}`, "", false},
		{`[1]`, "", false},
		{``, "", false},
	}
	for _, c := range cases {
		got, err := CanonicalID(json.RawMessage(c.raw))
		if c.ok != (err == nil) || got != c.want {
			t.Errorf("CanonicalID(%s) = %q, %v", c.raw, got, err)
		}
		var me *Error
		if err != nil && (!errors.As(err, &me) || me.Code != CodeInvalidDocumentID) {
			t.Errorf("CanonicalID(%s) error %v is not invalid_document_id", c.raw, err)
		}
	}
	_, err := CanonicalID(json.RawMessage(`"a b"`))
	want := "Document identifier `\"a b\"` is invalid. A document identifier can be of type integer or string, only composed of alphanumeric characters (a-z A-Z 0-9), hyphens (-) and underscores (_), and can not be more than 511 bytes."
	if err.(*Error).Message != want {
		t.Fatalf("message %q", err.(*Error).Message)
	}
}

func TestDocumentIDReadsFlatAndNestedKeys(t *testing.T) {
	doc := Document{"id": json.RawMessage(`7`), "product": json.RawMessage(`{"sku":"x-1","deep":{"k":2}}`), "a.b": json.RawMessage(`"flat"`)}
	for pk, want := range map[string]string{"id": "7", "product.sku": "x-1", "product.deep.k": "2", "a.b": "flat"} {
		got, err := DocumentID(doc, pk)
		if err != nil || got != want {
			t.Errorf("DocumentID(%s) = %q, %v; want %q", pk, got, err, want)
		}
	}
	_, err := DocumentID(Document{"title": json.RawMessage(`"a"`)}, "id")
	var me *Error
	if !errors.As(err, &me) || me.Code != CodeMissingDocumentID ||
		me.Message != "Document doesn't have a `id` attribute: `{\"title\":\"a\"}`." {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckReservedRejectsMiroirFields(t *testing.T) {
	if err := CheckReserved(Document{"id": nil, "_miroirx": nil}); err != nil {
		t.Fatalf("unexpected %v", err)
	}
	err := CheckReserved(Document{"id": nil, "_miroir_shard": nil})
	var me *Error
	if !errors.As(err, &me) || me.Code != CodeMiroirReservedField || me.Status != 400 {
		t.Fatalf("err = %v", err)
	}
}

func TestParseDocumentsLocatesNDJSONErrorsInFirstValue(t *testing.T) {
	_, err := ParseDocuments("application/x-ndjson", strings.NewReader("{id: 1}"), 0)
	want := "The `ndjson` payload provided is malformed. `Couldn't serialize document value: key must be a string at line 1 column 2`."
	if err == nil || err.(*Error).Message != want {
		t.Fatalf("err = %v", err)
	}
}

func TestParseDocumentsRawKeepsFieldOrder(t *testing.T) {
	cases := []struct {
		ct, body, want string
	}{
		{"application/json", " [ {\"z\":1,\"a\":{\"y\":2,\"b\":3}} ,\n {\"m\":null} ] ", `[{"z":1,"a":{"y":2,"b":3}},{"m":null}]`},
		{"application/json", "\n {\"z\":1,\"a\":2} \n", `[{"z":1,"a":2}]`},
		{"application/x-ndjson", "  {\"z\":1,\"a\":2}\n\n  {\"y\":3}", `[{"z":1,"a":2},{"y":3}]`},
		{"text/csv", "z,a:number,z\n1,2,3\n", `[{"z":"3","a":2}]`},
		{"application/json", `[{"a":"x,}]\"y\\"} , {"b":[1,{"c":"]"}]},{}]`, `[{"a":"x,}]\"y\\"},{"b":[1,{"c":"]"}]},{}]`},
	}
	for _, c := range cases {
		raws, err := ParseDocumentsRaw(c.ct, strings.NewReader(c.body), 0)
		if err != nil {
			t.Fatalf("%q: %v", c.body, err)
		}
		parts := make([]string, len(raws))
		for i, r := range raws {
			parts[i] = string(r)
		}
		if got := "[" + strings.Join(parts, ",") + "]"; got != c.want {
			t.Errorf("%q: got %s, want %s", c.body, got, c.want)
		}
	}
}

func BenchmarkParseDocumentsRawJSON(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[")
	for i := range 10000 {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `{"id":%d,"title":"The title of document %d","genres":["a","b"],"year":%d,"rating":4.5}`, i, i, 1900+i%120)
	}
	sb.WriteString("]")
	body := sb.String()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ParseDocumentsRaw("application/json", strings.NewReader(body), 0); err != nil {
			b.Fatal(err)
		}
	}
}

func TestDecodeDeleteRequests(t *testing.T) {
	f, raw, err := DecodeDeleteByFilter([]byte(`{"filter":"genre = horror"}`))
	if err != nil || f.String() != "genre = horror" || raw != "genre = horror" {
		t.Fatalf("%v %v %v", f, raw, err)
	}
	cases := []struct {
		body string
		code Code
		msg  string
	}{
		{`{}`, CodeMissingDocumentFilter, "Missing field `filter`"},
		{`{"filter":""}`, CodeInvalidDocumentFilter, "Sending an empty filter is forbidden."},
		{`{"filter":[]}`, CodeInvalidDocumentFilter, "Sending an empty filter is forbidden."},
		{`{"filter":true}`, CodeInvalidDocumentFilter, "Invalid syntax for the filter parameter: `expected String, Array, found: true`."},
		{`"hello"`, CodeBadRequest, "Invalid value type: expected an object, but found a string: `\"hello\"`"},
		{`null`, CodeBadRequest, "Invalid value type: expected an object, but found null"},
	}
	for _, c := range cases {
		_, _, err := DecodeDeleteByFilter([]byte(c.body))
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("%s: got %v, want %s %q", c.body, err, c.code, c.msg)
		}
	}
	ids, err := DecodeDeleteBatch([]byte(`["a", 1, 2.5]`))
	if err != nil || strings.Join(ids, ",") != "a,1,2.5" {
		t.Fatalf("%v %v", ids, err)
	}
	if _, err := DecodeDeleteBatch([]byte(`"doggo"`)); err == nil || err.(*Error).Code != CodeBadRequest {
		t.Fatalf("not an array: %v", err)
	}
}

func TestParseDocumentsRawElementsDoNotShareCapacity(t *testing.T) {
	raws, err := ParseDocumentsRaw("application/json", strings.NewReader(`[{"a":1},{"b":2}]`), 0)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(raws[0], []byte("XXXXXXXX")...)
	if string(raws[1]) != `{"b":2}` {
		t.Fatalf("appending to one document changed the next: %s", raws[1])
	}
}
