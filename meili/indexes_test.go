package meili

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestIndexUIDValidation(t *testing.T) {
	cases := []struct {
		uid string
		ok  bool
	}{
		{"movies", true}, {"Movies_2-x", true}, {"1", true}, {strings.Repeat("a", 400), true},
		{strings.Repeat("a", 401), false}, {"", false}, {"the good doggo", false}, {"hé", false}, {"a.b", false}, {"a*", false},
	}
	for _, c := range cases {
		if ValidIndexUID(c.uid) != c.ok || (ValidateIndexUID(c.uid) == nil) != c.ok {
			t.Errorf("ValidIndexUID(%q) != %v", c.uid, c.ok)
		}
	}
	err := ValidateIndexUIDAt("test test#!", ".uid")
	want := "Invalid value at `.uid`: `test test#!` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 512 bytes."
	var me *Error
	if !errors.As(err, &me) || me.Code != CodeInvalidIndexUID || me.Message != want {
		t.Fatalf("err = %v", err)
	}
}

func TestIndexPatterns(t *testing.T) {
	cases := []struct {
		pattern, uid string
		match        bool
	}{
		{"*", "anything", true}, {"movies", "movies", true}, {"movies", "movies2", false},
		{"mov*", "movies", true}, {"mov*", "mo", false}, {"movies*", "movies", true},
	}
	for _, c := range cases {
		if IndexPatternMatches(c.pattern, c.uid) != c.match {
			t.Errorf("IndexPatternMatches(%q, %q) != %v", c.pattern, c.uid, c.match)
		}
	}
	for p, ok := range map[string]bool{"*": true, "a*": true, "a": true, "a b*": false, "**": false, "": false} {
		if ValidIndexPattern(p) != ok {
			t.Errorf("ValidIndexPattern(%q) != %v", p, ok)
		}
	}
}

func TestValidateSwapsMatchesMeilisearch(t *testing.T) {
	cases := []struct {
		swaps []SwapIndexes
		code  Code
		msg   string
	}{
		{[]SwapIndexes{{Indexes: []string{"a", "b"}}, {Indexes: []string{"c", "d"}, Rename: true}}, "", ""},
		{[]SwapIndexes{{Indexes: []string{"doggo"}}}, CodeInvalidSwapIndexes, "Two indexes must be given for each swap. The list `[\"doggo\"]` contains 1 indexes."},
		{[]SwapIndexes{{Indexes: []string{"doggo", "crabo", "croco"}}}, CodeInvalidSwapIndexes, "Two indexes must be given for each swap. The list `[\"doggo\", \"crabo\", \"croco\"]` contains 3 indexes."},
		{[]SwapIndexes{{Indexes: []string{"doggo", "a"}}, {Indexes: []string{"doggo", "b"}}}, CodeInvalidSwapDuplicateIndexFound, "Indexes must be declared only once during a swap. `doggo` was specified several times."},
		{[]SwapIndexes{{Indexes: []string{"a", "b"}}, {Indexes: []string{"b", "a"}}}, CodeInvalidSwapDuplicateIndexFound, "Indexes must be declared only once during a swap. `b`, `a` were specified several times."},
	}
	for _, c := range cases {
		err := ValidateSwaps(c.swaps)
		if c.code == "" {
			if err != nil {
				t.Errorf("%+v: %v", c.swaps, err)
			}
			continue
		}
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("%+v: got %v, want %q", c.swaps, err, c.msg)
		}
	}
}

func TestIndexListEnvelope(t *testing.T) {
	pk := "id"
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l := IndexList{Results: []Index{{UID: "movies", PrimaryKey: &pk, CreatedAt: at, UpdatedAt: at}, {UID: "b", CreatedAt: at, UpdatedAt: at}}, Limit: 20, Total: 2}
	want := `{"results":[{"uid":"movies","primaryKey":"id","createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z"},{"uid":"b","primaryKey":null,"createdAt":"2026-01-02T03:04:05Z","updatedAt":"2026-01-02T03:04:05Z"}],"offset":0,"limit":20,"total":2}`
	if got := mustJSON(t, l); got != want {
		t.Fatalf("got %s", got)
	}
	if mustJSON(t, HealthAvailable()) != `{"status":"available"}` {
		t.Fatal("health")
	}
}

func TestParsePageMatchesMeilisearch(t *testing.T) {
	v, _ := url.ParseQuery("offset=2&limit=3")
	off, lim, err := ParsePage(v, CodeInvalidIndexOffset, CodeInvalidIndexLimit)
	if err != nil || off != 2 || lim != 3 {
		t.Fatalf("%d %d %v", off, lim, err)
	}
	off, lim, _ = ParsePage(url.Values{}, CodeInvalidIndexOffset, CodeInvalidIndexLimit)
	if off != 0 || lim != DefaultPageLimit {
		t.Fatalf("defaults %d %d", off, lim)
	}
	cases := []struct {
		query string
		code  Code
		msg   string
	}{
		{"doggo=1", CodeBadRequest, "Unknown parameter `doggo`: expected one of `offset`, `limit`"},
		{"offset=doggo", CodeInvalidAPIKeyOffset, "Invalid value in parameter `offset`: could not parse `doggo` as a positive integer"},
		{"limit=doggo", CodeInvalidAPIKeyLimit, "Invalid value in parameter `limit`: could not parse `doggo` as a positive integer"},
	}
	for _, c := range cases {
		v, _ := url.ParseQuery(c.query)
		_, _, err := ParsePage(v, CodeInvalidAPIKeyOffset, CodeInvalidAPIKeyLimit)
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("%s: %v", c.query, err)
		}
	}
	p := PageOf([]int{1, 2, 3, 4, 5}, 3, 5)
	if len(p.Results) != 2 || p.Total != 5 || p.Offset != 3 || p.Limit != 5 {
		t.Fatalf("page %+v", p)
	}
	if p := PageOf([]int{1}, 9, 2); len(p.Results) != 0 || p.Results == nil {
		t.Fatalf("past the end %+v", p)
	}
}

// Expected messages are Meilisearch's (tests/index/errors.rs).
func TestIndexRequestErrorsMatchMeilisearch(t *testing.T) {
	cases := []struct {
		body   string
		update bool
		code   Code
		msg    string
	}{
		{`{"primaryKey":"doggo"}`, false, CodeInvalidIndexUID, "Missing field `uid`"},
		{`{"uid":true}`, false, CodeInvalidIndexUID, "Invalid value type at `.uid`: expected a string, but found a boolean: `true`"},
		{`{"uid":"the best doggo"}`, false, CodeInvalidIndexUID, "Invalid value at `.uid`: `the best doggo` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 512 bytes."},
		{`{"uid":"a","primaryKey":["doggo"]}`, false, CodeInvalidIndexPrimaryKey, "Invalid value type at `.primaryKey`: expected a string, but found an array: `[\"doggo\"]`"},
		{`{"uid":"a","doggo":1}`, false, CodeBadRequest, "Unknown field `doggo`: expected one of `uid`, `primaryKey`"},
		{`{"createdAt":"x"}`, true, CodeImmutableIndexCreatedAt, "Immutable field `createdAt`: expected one of `primaryKey`, `uid`"},
		{`{"updatedAt":"x"}`, true, CodeImmutableIndexUpdatedAt, "Immutable field `updatedAt`: expected one of `primaryKey`, `uid`"},
		{`{"doggo":1}`, true, CodeBadRequest, "Unknown field `doggo`: expected one of `primaryKey`, `uid`"},
		{`{"primaryKey":["the","best","doggo"]}`, true, CodeInvalidIndexPrimaryKey, "Invalid value type at `.primaryKey`: expected a string, but found an array: `[\"the\",\"best\",\"doggo\"]`"},
	}
	for _, c := range cases {
		var err error
		if c.update {
			_, err = DecodeUpdateIndex([]byte(c.body))
		} else {
			_, err = DecodeCreateIndex([]byte(c.body))
		}
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("%s: got %v, want %s %q", c.body, err, c.code, c.msg)
		}
	}
	req, err := DecodeCreateIndex([]byte(`{"uid":"movies","primaryKey":"id"}`))
	if err != nil || req.UID != "movies" || *req.PrimaryKey != "id" {
		t.Fatalf("%+v %v", req, err)
	}
	up, err := DecodeUpdateIndex([]byte(`{"uid":"films"}`))
	if err != nil || *up.UID != "films" || up.PrimaryKey != nil {
		t.Fatalf("%+v %v", up, err)
	}
}

// Expected messages are Meilisearch's (tests/swap_indexes/errors.rs).
func TestDecodeSwapIndexesMatchesMeilisearch(t *testing.T) {
	cases := []struct {
		body string
		code Code
		msg  string
	}{
		{`"doggo"`, CodeBadRequest, "Invalid value type: expected an array, but found a string: `\"doggo\"`"},
		{`["doggo"]`, CodeBadRequest, "Invalid value type at `[0]`: expected an object, but found a string: `\"doggo\"`"},
		{`[{"indexes":"doggo"}]`, CodeInvalidSwapIndexes, "Invalid value type at `[0].indexes`: expected an array, but found a string: `\"doggo\"`"},
		{`[{"indexes":["doggo"]}]`, CodeInvalidSwapIndexes, "Two indexes must be given for each swap. The list `[\"doggo\"]` contains 1 indexes."},
		{`[{"indexes":["doggo","catto"]},{"indexes":["doggo","x"]}]`, CodeInvalidSwapDuplicateIndexFound, "Indexes must be declared only once during a swap. `doggo` was specified several times."},
		{`[{"indexes":["a","b"],"rename":"hello"}]`, CodeInvalidSwapRename, "Invalid value type at `[0].rename`: expected a boolean, but found a string: `\"hello\"`"},
	}
	for _, c := range cases {
		_, err := DecodeSwapIndexes([]byte(c.body))
		var me *Error
		if !errors.As(err, &me) || me.Code != c.code || me.Message != c.msg {
			t.Errorf("%s: got %v, want %s %q", c.body, err, c.code, c.msg)
		}
	}
	swaps, err := DecodeSwapIndexes([]byte(`[{"indexes":["a","b"],"rename":true}]`))
	if err != nil || len(swaps) != 1 || !swaps[0].Rename || swaps[0].Indexes[1] != "b" {
		t.Fatalf("%+v %v", swaps, err)
	}
}
