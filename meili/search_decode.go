package meili

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// searchParam describes one accepted search parameter: its error code and
// how to decode it into a SearchQuery.
type searchParam struct {
	code   Code
	expect string // "expected ..." fragment of type errors
	set    func(q *SearchQuery, raw json.RawMessage) bool
}

// searchParamOrder is the order Meilisearch lists fields in its unknown-field error.
var searchParamOrder = []string{
	"q", "vector", "offset", "limit", "page", "hitsPerPage", "attributesToRetrieve",
	"retrieveVectors", "attributesToCrop", "cropLength", "cropMarker", "attributesToHighlight",
	"highlightPreTag", "highlightPostTag", "showMatchesPosition", "showRankingScore",
	"showRankingScoreDetails", "showPerformanceDetails", "filter", "sort", "distinct", "facets",
	"matchingStrategy", "attributesToSearchOn", "rankingScoreThreshold", "locales", "hybrid",
	"media", "personalize", "useNetwork",
}

func searchParams() map[string]searchParam {
	return map[string]searchParam{
		"q":                       {CodeInvalidSearchQ, "a string", decodeNullable(func(q *SearchQuery) any { return &q.Q })},
		"offset":                  {CodeInvalidSearchOffset, "a positive integer", decodeUint(func(q *SearchQuery) *int { return &q.Offset })},
		"limit":                   {CodeInvalidSearchLimit, "a positive integer", decodeUint(func(q *SearchQuery) *int { return &q.Limit })},
		"page":                    {CodeInvalidSearchPage, "a positive integer", decodeOptUint(func(q *SearchQuery) **int { return &q.Page })},
		"hitsPerPage":             {CodeInvalidSearchHitsPerPage, "a positive integer", decodeOptUint(func(q *SearchQuery) **int { return &q.HitsPerPage })},
		"attributesToRetrieve":    {CodeInvalidSearchAttributesToRetrieve, "an array", decodeNullable(func(q *SearchQuery) any { return &q.AttributesToRetrieve })},
		"retrieveVectors":         {"invalid_search_retrieve_vectors", "a boolean", decodeNullable(func(q *SearchQuery) any { return &q.RetrieveVectors })},
		"attributesToCrop":        {"invalid_search_attributes_to_crop", "an array", decodeNullable(func(q *SearchQuery) any { return &q.AttributesToCrop })},
		"cropLength":              {"invalid_search_crop_length", "a positive integer", decodeUint(func(q *SearchQuery) *int { return &q.CropLength })},
		"cropMarker":              {"invalid_search_crop_marker", "a string", decodeNullable(func(q *SearchQuery) any { return &q.CropMarker })},
		"attributesToHighlight":   {"invalid_search_attributes_to_highlight", "an array", decodeNullable(func(q *SearchQuery) any { return &q.AttributesToHighlight })},
		"highlightPreTag":         {"invalid_search_highlight_pre_tag", "a string", decodeNullable(func(q *SearchQuery) any { return &q.HighlightPreTag })},
		"highlightPostTag":        {"invalid_search_highlight_post_tag", "a string", decodeNullable(func(q *SearchQuery) any { return &q.HighlightPostTag })},
		"showMatchesPosition":     {"invalid_search_show_matches_position", "a boolean", decodeNullable(func(q *SearchQuery) any { return &q.ShowMatchesPosition })},
		"showRankingScore":        {"invalid_search_show_ranking_score", "a boolean", decodeNullable(func(q *SearchQuery) any { return &q.ShowRankingScore })},
		"showRankingScoreDetails": {"invalid_search_show_ranking_score_details", "a boolean", decodeNullable(func(q *SearchQuery) any { return &q.ShowRankingScoreDetails })},
		"showPerformanceDetails":  {"invalid_search_show_performance_details", "a boolean", decodeNullable(func(q *SearchQuery) any { return &q.ShowPerformanceDetails })},
		"filter":                  {CodeInvalidSearchFilter, "a string or an array", decodeFilter},
		"sort":                    {CodeInvalidSearchSort, "an array", decodeNullable(func(q *SearchQuery) any { return &q.Sort })},
		"distinct":                {CodeInvalidSearchDistinct, "a string", decodeNullable(func(q *SearchQuery) any { return &q.Distinct })},
		"facets":                  {CodeInvalidSearchFacets, "an array", decodeNullable(func(q *SearchQuery) any { return &q.Facets })},
		"matchingStrategy":        {CodeInvalidSearchMatchingStrategy, "one of `last`, `all`, `frequency`", decodeStrategy},
		"attributesToSearchOn":    {CodeInvalidSearchAttributesToSearchOn, "an array", decodeNullable(func(q *SearchQuery) any { return &q.AttributesToSearchOn })},
		"rankingScoreThreshold":   {CodeInvalidSearchRankingScoreThreshold, "a number between 0.0 and 1.0", decodeThreshold},
		"locales":                 {"invalid_search_locales", "an array", decodeNullable(func(q *SearchQuery) any { return &q.Locales })},
		"hybrid":                  {"invalid_search_hybrid_query", "an object", decodeRaw(func(q *SearchQuery) *json.RawMessage { return &q.Hybrid })},
		"vector":                  {"invalid_search_vector", "an array", decodeRaw(func(q *SearchQuery) *json.RawMessage { return &q.Vector })},
		"media":                   {"invalid_search_media", "an object", decodeRaw(func(q *SearchQuery) *json.RawMessage { return &q.Media })},
		"personalize":             {"invalid_search_personalize", "an object", decodeRaw(func(q *SearchQuery) *json.RawMessage { return &q.Personalize })},
		"useNetwork":              {"invalid_search_use_network", "a boolean", decodeNullable(func(q *SearchQuery) any { return &q.UseNetwork })},
	}
}

// DecodeSearchQuery decodes a POST search body, filling defaults. Unknown
// fields give `bad_request`, ill-typed fields the parameter's
// `invalid_search_*` code, as Meilisearch's deserr does.
func DecodeSearchQuery(body []byte) (*SearchQuery, error) {
	fields, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	q := NewSearchQuery()
	if err := applySearchFields(q, fields, nil); err != nil {
		return nil, err
	}
	return q, nil
}

func decodeObject(body []byte) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if len(bytes.TrimSpace(body)) == 0 {
		return map[string]json.RawMessage{}, nil
	}
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, Errorf(CodeBadRequest, "Invalid JSON body: %v", err)
	}
	if fields == nil {
		return nil, Errorf(CodeBadRequest, "Invalid value type: expected an object, but found null")
	}
	return fields, nil
}

// applySearchFields decodes the search parameters of fields into q; keys in
// extra are left for the caller (multi-search's indexUid, federationOptions).
func applySearchFields(q *SearchQuery, fields map[string]json.RawMessage, extra []string) error {
	params := searchParams()
	for key, raw := range fields {
		p, ok := params[key]
		if !ok {
			if contains(extra, key) {
				continue
			}
			return unknownField(key, append(append([]string{}, extra...), searchParamOrder...))
		}
		if !p.set(q, raw) {
			return searchError(p.code, "Invalid value type at `.%s`: expected %s, but found %s: `%s`",
				key, p.expect, jsonKind(raw), compact(raw))
		}
	}
	return nil
}

func unknownField(key string, known []string) error {
	quoted := make([]string, len(known))
	for i, k := range known {
		quoted[i] = "`" + k + "`"
	}
	return Errorf(CodeBadRequest, "Unknown field `%s`: expected one of %s", key, strings.Join(quoted, ", "))
}

// searchError builds an invalid_request *Error (HTTP 400) even for codes not
// yet registered in codeTable.
func searchError(code Code, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	if _, ok := codeTable[code]; !ok {
		e.Status = 400
		e.Type = TypeInvalidRequest
	}
	return e
}

func decodeNullable(field func(q *SearchQuery) any) func(q *SearchQuery, raw json.RawMessage) bool {
	return func(q *SearchQuery, raw json.RawMessage) bool {
		if isNull(raw) {
			return true // null keeps the default
		}
		return json.Unmarshal(raw, field(q)) == nil
	}
}

func decodeRaw(field func(q *SearchQuery) *json.RawMessage) func(q *SearchQuery, raw json.RawMessage) bool {
	return func(q *SearchQuery, raw json.RawMessage) bool {
		if !isNull(raw) {
			*field(q) = append(json.RawMessage(nil), raw...)
		}
		return true
	}
}

func decodeUint(field func(q *SearchQuery) *int) func(q *SearchQuery, raw json.RawMessage) bool {
	return func(q *SearchQuery, raw json.RawMessage) bool {
		n, ok := parseUint(raw)
		if ok {
			*field(q) = n
		}
		return ok
	}
}

func decodeOptUint(field func(q *SearchQuery) **int) func(q *SearchQuery, raw json.RawMessage) bool {
	return func(q *SearchQuery, raw json.RawMessage) bool {
		if isNull(raw) {
			return true
		}
		n, ok := parseUint(raw)
		if ok {
			*field(q) = &n
		}
		return ok
	}
}

func parseUint(raw json.RawMessage) (int, bool) {
	s := strings.TrimSpace(string(raw))
	n, err := strconv.ParseUint(s, 10, 31)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

func decodeFilter(q *SearchQuery, raw json.RawMessage) bool {
	if isNull(raw) {
		return true
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false
	}
	switch v.(type) {
	case string, []any:
		q.Filter = v
		return true
	}
	return false
}

func decodeStrategy(q *SearchQuery, raw json.RawMessage) bool {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return false
	}
	switch s {
	case MatchingStrategyLast, MatchingStrategyAll, MatchingStrategyFrequency:
		q.MatchingStrategy = s
		return true
	}
	return false
}

func decodeThreshold(q *SearchQuery, raw json.RawMessage) bool {
	if isNull(raw) {
		return true
	}
	var f float64
	if json.Unmarshal(raw, &f) != nil || f < 0 || f > 1 {
		return false
	}
	q.RankingScoreThreshold = &f
	return true
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

func jsonKind(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "":
		return "nothing"
	case s[0] == '"':
		return "a string"
	case s[0] == '[':
		return "a sequence"
	case s[0] == '{':
		return "a map"
	case s == "true" || s == "false":
		return "a boolean"
	case s == "null":
		return "null"
	case strings.HasPrefix(s, "-"):
		return "a negative integer"
	}
	return "a number"
}

func compact(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// ParseSearchQueryValues decodes GET /indexes/{uid}/search query parameters.
// Lists are comma-separated; hybridEmbedder/hybridSemanticRatio replace hybrid.
func ParseSearchQueryValues(v url.Values) (*SearchQuery, error) {
	q := NewSearchQuery()
	for key, vals := range v {
		if len(vals) == 0 {
			continue
		}
		if err := setQueryValue(q, key, vals[len(vals)-1]); err != nil {
			return nil, err
		}
	}
	return q, nil
}

func setQueryValue(q *SearchQuery, key, val string) error {
	switch key {
	case "q", "filter", "distinct", "cropMarker", "highlightPreTag", "highlightPostTag":
		setQueryString(q, key, val)
		return nil
	case "attributesToRetrieve", "attributesToCrop", "attributesToHighlight", "sort", "facets",
		"attributesToSearchOn", "locales":
		setQueryList(q, key, splitList(val))
		return nil
	case "offset", "limit", "page", "hitsPerPage", "cropLength":
		return setQueryInt(q, key, val)
	case "showMatchesPosition", "showRankingScore", "showRankingScoreDetails",
		"showPerformanceDetails", "retrieveVectors":
		return setQueryBool(q, key, val)
	case "matchingStrategy":
		if !decodeStrategy(q, json.RawMessage(strconv.Quote(val))) {
			return searchError(CodeInvalidSearchMatchingStrategy,
				"Unknown value `%s` at `.matchingStrategy`: expected one of `last`, `all`, `frequency`", val)
		}
		return nil
	case "rankingScoreThreshold":
		f, err := strconv.ParseFloat(val, 64)
		if err != nil || f < 0 || f > 1 {
			return searchError(CodeInvalidSearchRankingScoreThreshold,
				"Invalid value at `.rankingScoreThreshold`: the value of `rankingScoreThreshold` is invalid, expected a float between `0.0` and `1.0`.")
		}
		q.RankingScoreThreshold = &f
		return nil
	case "vector":
		q.Vector = json.RawMessage("[" + val + "]")
		return nil
	case "hybridEmbedder", "hybridSemanticRatio":
		q.Hybrid = json.RawMessage(fmt.Sprintf(`{%q:%q}`, key, val))
		return nil
	}
	return Errorf(CodeBadRequest, "Unknown parameter `%s`: expected one of `q`, `vector`, `offset`, `limit`, `page`, `hitsPerPage`, `attributesToRetrieve`, `retrieveVectors`, `attributesToCrop`, `cropLength`, `cropMarker`, `attributesToHighlight`, `highlightPreTag`, `highlightPostTag`, `showMatchesPosition`, `showRankingScore`, `showRankingScoreDetails`, `showPerformanceDetails`, `filter`, `sort`, `distinct`, `facets`, `matchingStrategy`, `attributesToSearchOn`, `rankingScoreThreshold`, `locales`, `hybridEmbedder`, `hybridSemanticRatio`", key)
}

func setQueryString(q *SearchQuery, key, val string) {
	switch key {
	case "q":
		q.Q = val
	case "filter":
		if val != "" {
			q.Filter = val
		}
	case "distinct":
		q.Distinct = val
	case "cropMarker":
		q.CropMarker = val
	case "highlightPreTag":
		q.HighlightPreTag = val
	case "highlightPostTag":
		q.HighlightPostTag = val
	}
}

func setQueryList(q *SearchQuery, key string, list []string) {
	switch key {
	case "attributesToRetrieve":
		q.AttributesToRetrieve = list
	case "attributesToCrop":
		q.AttributesToCrop = list
	case "attributesToHighlight":
		q.AttributesToHighlight = list
	case "sort":
		q.Sort = list
	case "facets":
		q.Facets = list
	case "attributesToSearchOn":
		q.AttributesToSearchOn = list
	case "locales":
		q.Locales = list
	}
}

func setQueryInt(q *SearchQuery, key, val string) error {
	n, ok := parseUint(json.RawMessage(val))
	codes := map[string]Code{"offset": CodeInvalidSearchOffset, "limit": CodeInvalidSearchLimit,
		"page": CodeInvalidSearchPage, "hitsPerPage": CodeInvalidSearchHitsPerPage,
		"cropLength": "invalid_search_crop_length"}
	if !ok {
		return searchError(codes[key], "Invalid value in parameter `%s`: could not parse `%s` as a positive integer", key, val)
	}
	switch key {
	case "offset":
		q.Offset = n
	case "limit":
		q.Limit = n
	case "page":
		q.Page = &n
	case "hitsPerPage":
		q.HitsPerPage = &n
	case "cropLength":
		q.CropLength = n
	}
	return nil
}

func setQueryBool(q *SearchQuery, key, val string) error {
	b, err := strconv.ParseBool(val)
	if err != nil || (val != "true" && val != "false") {
		return searchError(Code("invalid_search_"+snake(key)),
			"Invalid value in parameter `%s`: could not parse `%s` as a boolean, expected either `true` or `false`", key, val)
	}
	switch key {
	case "showMatchesPosition":
		q.ShowMatchesPosition = b
	case "showRankingScore":
		q.ShowRankingScore = b
	case "showRankingScoreDetails":
		q.ShowRankingScoreDetails = b
	case "showPerformanceDetails":
		q.ShowPerformanceDetails = b
	case "retrieveVectors":
		q.RetrieveVectors = b
	}
	return nil
}

func splitList(val string) []string {
	parts := strings.Split(val, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
