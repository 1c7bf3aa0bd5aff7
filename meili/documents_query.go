package meili

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// DocumentsQuery is a document browse: GET /indexes/{uid}/documents (query
// string) or POST .../documents/fetch (body). Nil Fields means every
// field, nil IDs no restriction, nil Filter no filter.
type DocumentsQuery struct {
	Offset          int
	Limit           int
	Fields          []string
	RetrieveVectors bool
	IDs             []string
	Filter          any
	Sort            []string
	UseNetwork      *bool
}

var documentsQueryParams = []string{"offset", "limit", "fields", "retrieveVectors", "ids", "filter", "sort", "useNetwork"}

// ParseDocumentsQuery reads GET /indexes/{uid}/documents parameters with
// Meilisearch's errors (invalid_document_*; unknown parameters are
// bad_request). The filter is returned raw; parse it with
// ParseFilterWithCode(q.Filter, CodeInvalidDocumentFilter).
func ParseDocumentsQuery(values url.Values) (DocumentsQuery, error) {
	for _, k := range sortedParamNames(values) {
		if !slices.Contains(documentsQueryParams, k) {
			return DocumentsQuery{}, Errorf(CodeBadRequest, "Unknown parameter `%s`: expected one of %s", k, backquoteList(documentsQueryParams))
		}
	}
	q := DocumentsQuery{Limit: DefaultPageLimit}
	var err error
	if q.Offset, err = uintParam(values, "offset", 0, CodeInvalidDocumentOffset); err != nil {
		return DocumentsQuery{}, err
	}
	if q.Limit, err = uintParam(values, "limit", DefaultPageLimit, CodeInvalidDocumentLimit); err != nil {
		return DocumentsQuery{}, err
	}
	if q.RetrieveVectors, err = boolParam(values, "retrieveVectors", CodeInvalidDocumentRetrieveVectors); err != nil {
		return DocumentsQuery{}, err
	}
	if values.Has("useNetwork") {
		b, err := boolParam(values, "useNetwork", CodeInvalidDocumentUseNetwork)
		if err != nil {
			return DocumentsQuery{}, err
		}
		q.UseNetwork = &b
	}
	if f := splitParam(values, "fields"); !slices.Contains(f, "*") {
		q.Fields = f
	}
	q.IDs = splitParam(values, "ids")
	if values.Has("filter") {
		q.Filter = values.Get("filter")
	}
	if values.Has("sort") {
		q.Sort = splitSortParam(values.Get("sort"))
	}
	return q, nil
}

func uintParam(values url.Values, name string, def int, code Code) (int, error) {
	if !values.Has(name) {
		return def, nil
	}
	n, err := strconv.ParseUint(values.Get(name), 10, 31)
	if err != nil {
		return 0, Errorf(code, "Invalid value in parameter `%s`: could not parse `%s` as a positive integer", name, values.Get(name))
	}
	return int(n), nil
}

func boolParam(values url.Values, name string, code Code) (bool, error) {
	switch v := values.Get(name); {
	case !values.Has(name) || v == "false":
		return false, nil
	case v == "true":
		return true, nil
	default:
		return false, Errorf(code, "Invalid value in parameter `%s`: could not parse `%s` as a boolean, expected either `true` or `false`", name, v)
	}
}

func splitParam(values url.Values, name string) []string {
	if !values.Has(name) {
		return nil
	}
	parts := strings.Split(values.Get(name), ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// splitSortParam splits a comma-separated sort list, keeping the commas
// inside `_geoPoint(lat, lng):asc`.
func splitSortParam(s string) []string {
	var out []string
	depth, start := 0, 0
	for i, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case r == ',' && depth == 0:
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(out, strings.TrimSpace(s[start:]))
}

// DecodeDocumentsFetch validates a POST .../documents/fetch body.
func DecodeDocumentsFetch(body []byte) (DocumentsQuery, error) {
	m, err := decodeKeyObject(body)
	if err != nil {
		return DocumentsQuery{}, err
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(documentsQueryParams, k) {
			return DocumentsQuery{}, Errorf(CodeBadRequest, "%s", unknownMember("", k, documentsQueryParams))
		}
	}
	checks := []struct {
		name  string
		check checker
		code  Code
	}{
		{"offset", checkUint(1<<31-1, false), CodeInvalidDocumentOffset},
		{"limit", checkUint(1<<31-1, false), CodeInvalidDocumentLimit},
		{"fields", checkStrings, CodeInvalidDocumentFields},
		{"retrieveVectors", checkBool, CodeInvalidDocumentRetrieveVectors},
		{"ids", checkArray(func(string, any) string { return "" }), CodeInvalidDocumentIDs},
		{"sort", checkStrings, CodeInvalidDocumentSort},
		{"useNetwork", checkBool, CodeInvalidDocumentUseNetwork},
	}
	for _, c := range checks {
		if v, ok := m[c.name]; ok && v != nil {
			if msg := c.check("."+c.name, v); msg != "" {
				return DocumentsQuery{}, Errorf(c.code, "%s", msg)
			}
		}
	}
	return documentsQueryFrom(m), nil
}

func documentsQueryFrom(m map[string]any) DocumentsQuery {
	q := DocumentsQuery{Limit: DefaultPageLimit, Filter: m["filter"]}
	if n, ok := m["offset"].(json.Number); ok {
		q.Offset = int(numberOr(n, 0))
	}
	if n, ok := m["limit"].(json.Number); ok {
		q.Limit = int(numberOr(n, DefaultPageLimit))
	}
	q.Fields = anyStrings(m["fields"])
	q.Sort = anyStrings(m["sort"])
	q.RetrieveVectors, _ = m["retrieveVectors"].(bool)
	if b, ok := m["useNetwork"].(bool); ok {
		q.UseNetwork = &b
	}
	if ids, ok := m["ids"].([]any); ok {
		q.IDs = make([]string, len(ids))
		for i, id := range ids {
			if s, ok := id.(string); ok {
				q.IDs[i] = s
				continue
			}
			enc, _ := marshalNoEscape(id)
			q.IDs[i] = string(enc)
		}
	}
	return q
}

func anyStrings(v any) []string {
	arr, ok := v.([]any)
	if !ok {
		return nil
	}
	out := make([]string, len(arr))
	for i, s := range arr {
		out[i], _ = s.(string)
	}
	return out
}
