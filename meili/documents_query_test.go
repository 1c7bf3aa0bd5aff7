package meili

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParseDocumentsQuery(t *testing.T) {
	v, _ := url.ParseQuery("offset=2&limit=5&fields=a,b&ids=1,x&filter=a%20%3D%201&sort=_geoPoint(1,2):asc,title:desc&retrieveVectors=true")
	q, err := ParseDocumentsQuery(v)
	if err != nil {
		t.Fatal(err)
	}
	if q.Offset != 2 || q.Limit != 5 || strings.Join(q.Fields, "|") != "a|b" || strings.Join(q.IDs, "|") != "1|x" ||
		q.Filter != "a = 1" || strings.Join(q.Sort, "|") != "_geoPoint(1,2):asc|title:desc" || !q.RetrieveVectors {
		t.Fatalf("%+v", q)
	}
	q, _ = ParseDocumentsQuery(url.Values{"fields": {"*"}})
	if q.Fields != nil || q.Limit != DefaultPageLimit {
		t.Fatalf("%+v", q)
	}
}

// Expected messages are Meilisearch's (tests/documents/errors.rs).
func TestDocumentsQueryErrorsMatchMeilisearch(t *testing.T) {
	get := []struct {
		query string
		code  Code
		msg   string
	}{
		{"offset=-1", CodeInvalidDocumentOffset, "Invalid value in parameter `offset`: could not parse `-1` as a positive integer"},
		{"limit=", CodeInvalidDocumentLimit, "Invalid value in parameter `limit`: could not parse `` as a positive integer"},
		{"retrieveVectors=tamo", CodeInvalidDocumentRetrieveVectors, "Invalid value in parameter `retrieveVectors`: could not parse `tamo` as a boolean, expected either `true` or `false`"},
		{"doggo=1", CodeBadRequest, "Unknown parameter `doggo`: expected one of `offset`, `limit`, `fields`, `retrieveVectors`, `ids`, `filter`, `sort`, `useNetwork`"},
	}
	for _, c := range get {
		v, _ := url.ParseQuery(c.query)
		_, err := ParseDocumentsQuery(v)
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("GET %s: got %v", c.query, err)
		}
	}
	post := []struct {
		body string
		code Code
		msg  string
	}{
		{`{"fields":"doggo"}`, CodeInvalidDocumentFields, "Invalid value type at `.fields`: expected an array, but found a string: `\"doggo\"`"},
		{`{"limit":"doggo"}`, CodeInvalidDocumentLimit, "Invalid value type at `.limit`: expected a positive integer, but found a string: `\"doggo\"`"},
		{`{"offset":"doggo"}`, CodeInvalidDocumentOffset, "Invalid value type at `.offset`: expected a positive integer, but found a string: `\"doggo\"`"},
		{`{"retrieveVectors":"tamo"}`, CodeInvalidDocumentRetrieveVectors, "Invalid value type at `.retrieveVectors`: expected a boolean, but found a string: `\"tamo\"`"},
		{`"hello"`, CodeBadRequest, "Invalid value type: expected an object, but found a string: `\"hello\"`"},
	}
	for _, c := range post {
		_, err := DecodeDocumentsFetch([]byte(c.body))
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("POST %s: got %v", c.body, err)
		}
	}
	q, err := DecodeDocumentsFetch([]byte(`{"offset":1,"limit":2,"fields":["a"],"ids":[1,"b"],"filter":["x = 1"],"sort":["a:asc"]}`))
	if err != nil || q.Offset != 1 || q.Limit != 2 || q.Fields[0] != "a" || strings.Join(q.IDs, ",") != "1,b" || q.Sort[0] != "a:asc" {
		t.Fatalf("%+v %v", q, err)
	}
}
