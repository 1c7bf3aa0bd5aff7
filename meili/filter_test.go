package meili

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestParseFilterRendersCanonicalSyntax(t *testing.T) {
	cases := []struct{ in, want string }{
		{"channel = Ponce", "channel = Ponce"},
		{"subscribers >= 1000", "subscribers >= 1000"},
		{"a>1", "a > 1"},
		{"a!=1", "a != 1"},
		{"a<=1 AND b<1", "a <= 1 AND b < 1"},
		{"channel = 'Mister Mv'", `channel = "Mister Mv"`},
		{`channel = "Mister \"Mv\""`, `channel = "Mister \"Mv\""`},
		{`channel = 'it\'s'`, `channel = "it's"`},
		{`title = "a\\b"`, `title = "a\\b"`},
		{`title = "tab\there"`, "title = \"tab\there\""},
		{`x = ""`, `x = ""`},
		{`title = "NOT"`, `title = "NOT"`},
		{`"AND" = 1`, `"AND" = 1`},
		{"rating.users = 10", "rating.users = 10"},
		{"release_date = 2004-01-01", "release_date = 2004-01-01"},
		{"subscribers 100 TO 1000", "subscribers 100 TO 1000"},
		{"colour IN [blue, green, 'light blue']", `colour IN [blue, green, "light blue"]`},
		{"colour IN []", "colour IN []"},
		{"colour IN [blue,]", "colour IN [blue]"},
		{"colour NOT IN [blue]", "NOT colour IN [blue]"},
		{"colour EXISTS", "colour EXISTS"},
		{"colour NOT EXISTS", "NOT colour EXISTS"},
		{"colour IS NULL", "colour IS NULL"},
		{"colour IS NOT NULL", "NOT colour IS NULL"},
		{"colour IS EMPTY", "colour IS EMPTY"},
		{"colour IS NOT EMPTY", "NOT colour IS EMPTY"},
		{"title CONTAINS kono", "title CONTAINS kono"},
		{"title NOT CONTAINS kono", "NOT title CONTAINS kono"},
		{"title STARTS WITH kon", "title STARTS WITH kon"},
		{"title NOT STARTS WITH kon", "NOT title STARTS WITH kon"},
		{"NOT channel = ponce", "NOT channel = ponce"},
		{"NOT NOT channel = ponce", "channel = ponce"},
		{"NOT (NOT channel = ponce)", "channel = ponce"},
		{"a = 1 OR b = 2 AND c = 3", "a = 1 OR b = 2 AND c = 3"},
		{"(a = 1 OR b = 2) AND c = 3", "(a = 1 OR b = 2) AND c = 3"},
		{"a = 1 OR (b = 2 OR c = 3)", "a = 1 OR (b = 2 OR c = 3)"},
		{"NOT (a = 1 AND b = 2)", "NOT (a = 1 AND b = 2)"},
		{"((((a = 1))))", "a = 1"},
		{"  a = 1  ", "a = 1"},
		{"ANDROID = 1", "ANDROID = 1"},
		{"_geoRadius(45.472735, 9.184019, 2000)", "_geoRadius(45.472735, 9.184019, 2000)"},
		{"_geoRadius( 45 , 9 , 2000 , 10 )", "_geoRadius(45, 9, 2000, 10)"},
		{"_geoBoundingBox([45.494181, 9.214024], [45.449484, 9.179175])", "_geoBoundingBox([45.494181, 9.214024], [45.449484, 9.179175])"},
		{"_geoPolygon([1, 2], [3, 4], [5, 6],)", "_geoPolygon([1, 2], [3, 4], [5, 6])"},
		{"_geoRadius(1, 2, 3) AND x = 1", "_geoRadius(1, 2, 3) AND x = 1"},
		{"日本 = 東京", "日本 = 東京"},
		{"_vectors EXISTS", "_vectors EXISTS"},
		{"  _vectors  NOT  EXISTS", "NOT _vectors EXISTS"},
		{"_vectors.emb EXISTS", "_vectors.emb EXISTS"},
		{"_vectors.emb.fragments.frag EXISTS", "_vectors.emb.fragments.frag EXISTS"},
		{"_vectors.'my emb'.userProvided NOT EXISTS", `NOT _vectors."my emb".userProvided EXISTS`},
		{"_vectors.emb.regenerate EXISTS", "_vectors.emb.regenerate EXISTS"},
		{"_vectors = 1", "_vectors = 1"},
		{`name = "\u{1F600}"`, "name = \"\U0001F600\""},
	}
	for _, c := range cases {
		f, err := ParseFilter(c.in)
		if err != nil {
			t.Errorf("ParseFilter(%q): %v", c.in, err)
			continue
		}
		if got := f.String(); got != c.want {
			t.Errorf("ParseFilter(%q).String() = %q, want %q", c.in, got, c.want)
		}
		assertRoundTrip(t, f)
	}
}

func TestParseFilterBuildsEvaluatorTree(t *testing.T) {
	f, err := ParseFilter("genre IN [horror, comedy] AND (rating > 3.5 OR NOT director EXISTS)")
	if err != nil {
		t.Fatal(err)
	}
	and, ok := f.Root.(*And)
	if !ok || len(and.Children) != 2 {
		t.Fatalf("root = %#v", f.Root)
	}
	in := and.Children[0].(*Condition)
	if in.Field.Text != "genre" || in.Op != OpIn || len(in.Values) != 2 || in.Values[1].Text != "comedy" {
		t.Fatalf("IN = %#v", in)
	}
	if in.Field.At != (Pos{Start: 0, End: 5}) {
		t.Fatalf("field position = %+v", in.Field.At)
	}
	or := and.Children[1].(*Or)
	gt := or.Children[0].(*Condition)
	if n, ok := gt.Value.Number(); !ok || n != 3.5 || gt.Op != OpGt {
		t.Fatalf("rating > 3.5 = %#v", gt)
	}
	not := or.Children[1].(*Not)
	if c := not.Child.(*Condition); c.Op != OpExists || c.Field.Text != "director" {
		t.Fatalf("NOT EXISTS = %#v", c)
	}
}

func TestParseFilterAcceptsEveryInputForm(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{nil, ""},
		{"", ""},
		{"   ", ""},
		{json.RawMessage(`null`), ""},
		{json.RawMessage(`"a = 1"`), "a = 1"},
		{json.RawMessage(`["a = 1", ["b = 2", "c = 3"]]`), "a = 1 AND (b = 2 OR c = 3)"},
		{[]byte(`[]`), ""},
		{[]string{"a = 1", "b = 2"}, "a = 1 AND b = 2"},
		{[]any{"a = 1 OR b = 2", "c = 3"}, "(a = 1 OR b = 2) AND c = 3"},
		{[]any{[]any{"a = 1"}}, "a = 1"},
		{[]any{"", []any{}, []any{" "}}, ""},
		{[]any{"a = 1 AND b = 2", "c = 3"}, "(a = 1 AND b = 2) AND c = 3"},
	}
	for _, c := range cases {
		f, err := ParseFilter(c.in)
		if err != nil {
			t.Errorf("ParseFilter(%#v): %v", c.in, err)
			continue
		}
		if got := f.String(); got != c.want {
			t.Errorf("ParseFilter(%#v) = %q, want %q", c.in, got, c.want)
		}
		if c.want == "" && f != nil {
			t.Errorf("ParseFilter(%#v) = %#v, want nil", c.in, f)
		}
	}
}

func TestParseFilterRejectsWrongTypes(t *testing.T) {
	cases := []struct {
		in   any
		want string
	}{
		{json.RawMessage(`3`), "Invalid syntax for the filter parameter: `expected String, Array, found: 3`."},
		{[]any{"a = 1", 3.0}, "Invalid syntax for the filter parameter: `expected String, [String], found: 3`."},
		{[]any{[]any{"a = 1", []any{"b = 1"}}}, "Invalid syntax for the filter parameter: `expected String, found: [\"b = 1\"]`."},
		{true, "Invalid syntax for the filter parameter: `expected String, Array, found: true`."},
	}
	for _, c := range cases {
		_, err := ParseFilter(c.in)
		var me *Error
		if !errors.As(err, &me) || me.Code != CodeInvalidSearchFilter || me.Message != c.want {
			t.Errorf("ParseFilter(%#v) error = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestParseFilterWithCodeUsesGivenCode(t *testing.T) {
	_, err := ParseFilterWithCode("a =", CodeInvalidDocumentFilter)
	var me *Error
	if !errors.As(err, &me) || me.Code != CodeInvalidDocumentFilter || me.Status != 400 {
		t.Fatalf("error = %#v", err)
	}
}

// The expected messages are Meilisearch's own (filter-parser lib.rs tests).
func TestParseFilterErrorsMatchMeilisearch(t *testing.T) {
	cases := []struct{ in, want string }{
		{"channel = Ponce = 12", "Found unexpected characters at the end of the filter: `= 12`. You probably forgot an `OR` or an `AND` rule.\n17:21 channel = Ponce = 12"},
		{"channel =    ", "Was expecting a value but instead got nothing.\n14:14 channel =    "},
		{"channel = 🐻", "Was expecting a value but instead got `🐻`.\n11:12 channel = 🐻"},
		{"channel = 🐻 AND followers < 100", "Was expecting a value but instead got `🐻`.\n11:12 channel = 🐻 AND followers < 100"},
		{"'OR'", "Was expecting an operation " + opList + " at `\\'OR\\'`.\n1:5 'OR'"},
		{"OR", "Was expecting a value but instead got `OR`, which is a reserved keyword. To use `OR` as a field name or a value, surround it by quotes.\n1:3 OR"},
		{"channel Ponce", "Was expecting an operation " + opList + " at `channel Ponce`.\n1:14 channel Ponce"},
		{"channel = Ponce OR", "Was expecting an operation " + opList + " but instead got nothing.\n19:19 channel = Ponce OR"},
		{"_geoRadius", "The `_geoRadius` filter must be in the form: `_geoRadius(latitude, longitude, radius, optionalResolution)`.\n11:11 _geoRadius"},
		{"_geoRadius = 12", "The `_geoRadius` filter must be in the form: `_geoRadius(latitude, longitude, radius, optionalResolution)`.\n11:16 _geoRadius = 12"},
		{"_geoRadius(1, 2)", "Was expecting 3 or 4 arguments for `_geoRadius`, but instead found 2.\n17:17 _geoRadius(1, 2)"},
		{"_geoBoundingBox", "The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`.\n16:16 _geoBoundingBox"},
		{"_geoBoundingBox = 12", "The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`.\n16:21 _geoBoundingBox = 12"},
		{"_geoBoundingBox(1.0, 1.0)", "The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`.\n17:26 _geoBoundingBox(1.0, 1.0)"},
		{"_geoPolygon([1,2,3])", "The `_geoPolygon` filter expects at least 3 points but only 1 were specified\n18:19 _geoPolygon([1,2,3])"},
		{"_geoPolygon(1,2,3)", "The `_geoPolygon` filter doesn't match the expected format: `_geoPolygon([latitude, longitude], [latitude, longitude])`.\n13:19 _geoPolygon(1,2,3)"},
		{"_geoPolygon([1,2],[1,2],[1,2,3])", "Was expecting 2 coordinates but instead found 3.\n26:27 _geoPolygon([1,2],[1,2],[1,2,3])"},
		{"_geoPolygon([1,2],[1,2,3])", "The `_geoPolygon` filter expects at least 3 points but only 2 were specified\n24:25 _geoPolygon([1,2],[1,2,3])"},
		{"_geoPolygon(1)", "The `_geoPolygon` filter doesn't match the expected format: `_geoPolygon([latitude, longitude], [latitude, longitude])`.\n13:15 _geoPolygon(1)"},
		{"_geoPolygon([1,2)", "The `_geoPolygon` filter doesn't match the expected format: `_geoPolygon([latitude, longitude], [latitude, longitude])`.\n17:18 _geoPolygon([1,2)"},
		{"_geoPoint(12, 13, 14)", "`_geoPoint` is a reserved keyword and thus can't be used as a filter expression. Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox([latitude, longitude], [latitude, longitude])` built-in rules to filter on `_geo` coordinates.\n1:22 _geoPoint(12, 13, 14)"},
		{"position <= _geoPoint(12, 13, 14)", "`_geoPoint` is a reserved keyword and thus can't be used as a filter expression. Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox([latitude, longitude], [latitude, longitude])` built-in rules to filter on `_geo` coordinates.\n13:34 position <= _geoPoint(12, 13, 14)"},
		{"_geoDistance(12, 13, 14)", "`_geoDistance` is a reserved keyword and thus can't be used as a filter expression. Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox([latitude, longitude], [latitude, longitude])` built-in rules to filter on `_geo` coordinates.\n1:25 _geoDistance(12, 13, 14)"},
		{"position <= _geo(12, 13, 14)", "`_geo` is a reserved keyword and thus can't be used as a filter expression. Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox([latitude, longitude], [latitude, longitude])` built-in rules to filter on `_geo` coordinates.\n13:29 position <= _geo(12, 13, 14)"},
		{"position <= _geoRadius(12, 13, 14)", "The `_geoRadius` filter is an operation and can't be used as a value.\n13:35 position <= _geoRadius(12, 13, 14)"},
		{"channel = 'ponce", "Expression `\\'ponce` is missing the following closing delimiter: `'`.\n11:17 channel = 'ponce"},
		{"channel = \"ponce", "Expression `\\\"ponce` is missing the following closing delimiter: `\"`.\n11:17 channel = \"ponce"},
		{"channel = mv OR (followers >= 1000", "Expression `(followers >= 1000` is missing the following closing delimiter: `)`.\n17:35 channel = mv OR (followers >= 1000"},
		{"channel = mv OR followers >= 1000)", "Found unexpected characters at the end of the filter: `)`. You probably forgot an `OR` or an `AND` rule.\n34:35 channel = mv OR followers >= 1000)"},
		{"colour NOT EXIST", "Was expecting an operation " + opList + " at `colour NOT EXIST`.\n1:17 colour NOT EXIST"},
		{"subscribers 100 TO1000", "Was expecting an operation " + opList + " at `subscribers 100 TO1000`.\n1:23 subscribers 100 TO1000"},
		{"channel = ponce ORdog != 'bernese mountain'", "Found unexpected characters at the end of the filter: `ORdog != \\'bernese mountain\\'`. You probably forgot an `OR` or an `AND` rule.\n17:44 channel = ponce ORdog != 'bernese mountain'"},
		{`name = "\x"`, "The filter is incomplete and requires Unknown additional bytes to be parsed.\n1:12 name = \"\\x\""},
		{"colour IN blue, green]", "Expected `[` after `IN` keyword.\n11:23 colour IN blue, green]"},
		{"colour IN [blue, green, 'blue' > 2]", "Expected only comma-separated field names inside `IN[..]` but instead found `> 2]`.\n32:36 colour IN [blue, green, 'blue' > 2]"},
		{"colour IN [blue, green, AND]", "Expected only comma-separated field names inside `IN[..]` but instead found `AND]`.\n25:29 colour IN [blue, green, AND]"},
		{"colour IN [blue, green", "Expected matching `]` after the list of field names given to `IN[`\n23:23 colour IN [blue, green"},
		{"colour IN ['blue, green", "Expression `\\'blue, green` is missing the following closing delimiter: `'`.\n12:24 colour IN ['blue, green"},
		{"x = EXISTS", "Was expecting a value but instead got `EXISTS`, which is a reserved keyword. To use `EXISTS` as a field name or a value, surround it by quotes.\n5:11 x = EXISTS"},
		{"AND = 8", "Was expecting a value but instead got `AND`, which is a reserved keyword. To use `AND` as a field name or a value, surround it by quotes.\n1:4 AND = 8"},
		{strings.Repeat("(", 50) + "x = 1" + strings.Repeat(")", 50), "The filter exceeded the maximum depth limit. Try rewriting the filter so that it contains fewer nested conditions.\n38:106 " + strings.Repeat("(", 50) + "x = 1" + strings.Repeat(")", 50)},
		{strings.Repeat("NOT ", 200) + "x = 1", "The filter exceeded the maximum depth limit. Try rewriting the filter so that it contains fewer nested conditions.\n597:806 " + strings.Repeat("NOT ", 200) + "x = 1"},
		{"NOT OR EXISTS AND EXISTS NOT EXISTS", "Was expecting a value but instead got `OR`, which is a reserved keyword. To use `OR` as a field name or a value, surround it by quotes.\n5:7 NOT OR EXISTS AND EXISTS NOT EXISTS"},
		{"value NULL", "Was expecting an operation " + opList + " at `value NULL`.\n1:11 value NULL"},
		{"value IS NOT", "Was expecting an operation " + opList + " at `value IS NOT`.\n1:13 value IS NOT"},
		{"_vectors _vectors EXISTS", "Was expecting an operation like `EXISTS` or `NOT EXISTS` after the vector filter.\n10:25 _vectors _vectors EXISTS"},
		{"_vectors. embedderName EXISTS", "Was expecting embedder name but found nothing.\n10:11 _vectors. embedderName EXISTS"},
		{"_vectors.embedderName. EXISTS", "Was expecting one of `.fragments`, `.userProvided`, `.documentTemplate`, `.regenerate` or nothing, but instead found a point without a valid value.\n22:23 _vectors.embedderName. EXISTS"},
		{`_vectors."embedderName EXISTS`, "The quotes in one of the values are inconsistent.\n10:30 _vectors.\"embedderName EXISTS"},
		{`_vectors."embedderNam"e EXISTS`, "The vector filter has leftover tokens.\n23:31 _vectors.\"embedderNam\"e EXISTS"},
		{"_vectors.embedderName.fragments EXISTS", "The vector filter is missing a fragment name.\n32:39 _vectors.embedderName.fragments EXISTS"},
		{"_vectors.embedderName.fragments. EXISTS", "The vector filter's fragment name is invalid.\n33:40 _vectors.embedderName.fragments. EXISTS"},
		{"_vectors.embedderName.fargments.test EXISTS", "Was expecting one of `fragments`, `userProvided`, `documentTemplate`, `regenerate` or nothing, but instead found `fargments`. Did you mean `fragments`?\n23:32 _vectors.embedderName.fargments.test EXISTS"},
		{`_vectors.embedderName."userProvided" EXISTS`, "Was expecting this part to be unquoted.\n24:36 _vectors.embedderName.\"userProvided\" EXISTS"},
		{"_vectors.embedderName.userProvided.fragments.test EXISTS", "Vector filter can only accept one of `fragments`, `userProvided`, `documentTemplate` or `regenerate`, but found both `userProvided` and `fragments`.\n36:45 _vectors.embedderName.userProvided.fragments.test EXISTS"},
		{"value IS NOT EXISTS", "Was expecting an operation " + opList + " at `value IS NOT EXISTS`.\n1:20 value IS NOT EXISTS"},
		{"_geoRadius(1e999, 1, 10)", "Non finite floats are not supported\n12:17 _geoRadius(1e999, 1, 10)"},
		{"a = 1\nAND b = ", "Was expecting a value but instead got nothing.\n9:9 a = 1\nAND b = "},
	}
	for _, c := range cases {
		_, err := ParseFilter(c.in)
		var me *Error
		if !errors.As(err, &me) {
			t.Errorf("ParseFilter(%q) = %v, want an *Error", c.in, err)
			continue
		}
		if me.Code != CodeInvalidSearchFilter || me.Message != c.want {
			t.Errorf("ParseFilter(%q)\n got: %q\nwant: %q", c.in, me.Message, c.want)
		}
	}
}

const opList = "`=`, `!=`, `>=`, `>`, `<=`, `<`, `IN`, `NOT IN`, `TO`, `EXISTS`, `NOT EXISTS`, `IS NULL`, `IS NOT NULL`, `IS EMPTY`, `IS NOT EMPTY`, `CONTAINS`, `NOT CONTAINS`, `STARTS WITH`, `NOT STARTS WITH`, `_geoRadius`, `_geoBoundingBox` or `_geoPolygon`"

func TestParseFilterAcceptsDepthJustUnderTheLimit(t *testing.T) {
	in := strings.Repeat("(", 36) + "x = 1" + strings.Repeat(")", 36)
	if _, err := ParseFilter(in); err != nil {
		t.Fatalf("36 parentheses: %v", err)
	}
	in = strings.Repeat("NOT ", 147) + "x = 1"
	if _, err := ParseFilter(in); err != nil {
		t.Fatalf("147 NOTs: %v", err)
	}
}

func TestFilterErrorAtLocatesNodesInArrayForm(t *testing.T) {
	f, err := ParseFilter([]any{"a = 1", "genre = horror"})
	if err != nil {
		t.Fatal(err)
	}
	c := f.Root.(*And).Children[1].(*Condition)
	got := f.ErrorAt(CodeInvalidSearchFilter, c.Field.At, "Attribute `genre` is not filterable.").Message
	want := "Attribute `genre` is not filterable.\n1:6 genre = horror"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func TestAndFiltersCombinesRawValues(t *testing.T) {
	cases := []struct {
		parts []any
		want  string // JSON
	}{
		{nil, "null"},
		{[]any{nil, "", []any{}}, "null"},
		{[]any{"a = 1"}, `"a = 1"`},
		{[]any{"a = 1 OR b = 2", "_miroir_shard IN [1, 2]"}, `["a = 1 OR b = 2","_miroir_shard IN [1, 2]"]`},
		{[]any{[]any{"a = 1", []any{"b = 1", "c = 1"}}, "t = 1"}, `["a = 1",["b = 1","c = 1"],"t = 1"]`},
		{[]any{json.RawMessage(`["a = 1"]`), json.RawMessage(`"b = 2"`)}, `["a = 1","b = 2"]`},
		{[]any{json.RawMessage(`null`), "b = 2"}, `"b = 2"`},
	}
	for _, c := range cases {
		got, err := json.Marshal(AndFilters(c.parts...))
		if err != nil || string(got) != c.want {
			t.Errorf("AndFilters(%#v) = %s (%v), want %s", c.parts, got, err, c.want)
		}
	}
	combined := AndFilters("a = 1 OR b = 2", []any{[]any{"c = 1", "d = 1"}})
	f, err := ParseFilter(combined)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.String(), "(a = 1 OR b = 2) AND (c = 1 OR d = 1)"; got != want {
		t.Fatalf("parsed combination = %q, want %q", got, want)
	}
}

func TestFilterFieldsListsConditionAttributesInOrder(t *testing.T) {
	f, err := ParseFilter("a = 1 AND (NOT b EXISTS OR _geoRadius(1, 2, 3)) AND c IN [x]")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range f.Fields() {
		names = append(names, v.Text)
	}
	if strings.Join(names, ",") != "a,b,c" {
		t.Fatalf("fields %v", names)
	}
	var nilFilter *Filter
	if nilFilter.Fields() != nil || nilFilter.String() != "" {
		t.Fatal("nil filter")
	}
}

func BenchmarkParseFilter(b *testing.B) {
	const in = "genre IN [horror, comedy, 'science fiction'] AND (rating >= 3.5 OR NOT director EXISTS) AND release_date 2000-01-01 TO 2010-12-31"
	for b.Loop() {
		if _, err := ParseFilter(in); err != nil {
			b.Fatal(err)
		}
	}
}

// The expected messages are Meilisearch's (milli index_filter.rs).
func TestCheckGeoReportsRangeErrorsAtTheirToken(t *testing.T) {
	cases := []struct{ in, want string }{
		{"_geoRadius(100, 1, 10)", "Bad latitude `100`. Latitude must be contained between -90 and 90 degrees.\n12:15 _geoRadius(100, 1, 10)"},
		{"_geoRadius(1, 190, 10)", "Bad longitude `190`. Longitude must be contained between -180 and 180 degrees. Hint: try using `-170` instead.\n15:18 _geoRadius(1, 190, 10)"},
		{"_geoRadius(1, 1, 10, 2)", "Invalid resolution `2`. Resolution must be between 3 and 1000.\n22:23 _geoRadius(1, 1, 10, 2)"},
		{"_geoBoundingBox([1, 2], [3, 4])", "The top latitude `1` is below the bottom latitude `3`.\n29:30 _geoBoundingBox([1, 2], [3, 4])"},
		{"_geoPolygon([1, 2], [3, 4], [95, 6])", "Bad latitude `95`. Latitude must be contained between -90 and 90 degrees.\n30:32 _geoPolygon([1, 2], [3, 4], [95, 6])"},
	}
	for _, c := range cases {
		f, err := ParseFilter(c.in)
		if err != nil {
			t.Fatalf("ParseFilter(%q): %v (geo ranges are checked at evaluation)", c.in, err)
		}
		err = f.CheckGeo(CodeInvalidDocumentFilter)
		var me *Error
		if !errors.As(err, &me) || me.Code != CodeInvalidDocumentFilter || me.Message != c.want {
			t.Errorf("CheckGeo(%q)\n got: %v\nwant: %q", c.in, err, c.want)
		}
	}
	f, _ := ParseFilter("_geoRadius(45, 9, 100, 125) AND _geoBoundingBox([2, 2], [1, 1])")
	if err := f.CheckGeo(CodeInvalidSearchFilter); err != nil {
		t.Fatalf("valid geo filter: %v", err)
	}
}

// Expected messages are Meilisearch's (tests/documents/errors.rs).
func TestNotFilterableMessage(t *testing.T) {
	f, _ := ParseFilter("catto = jorts")
	got := f.ErrorAt(CodeInvalidDocumentFilter, f.Fields()[0].At, NotFilterableMessage("catto", []string{"title", "id"})).Message
	if got != "Attribute `catto` is not filterable. Available filterable attribute patterns are: `id`, `title`.\n1:6 catto = jorts" {
		t.Fatalf("%q", got)
	}
	if got := NotFilterableMessage("doggo", nil); got != "Attribute `doggo` is not filterable. This index does not have configured filterable attributes." {
		t.Fatalf("%q", got)
	}
}
