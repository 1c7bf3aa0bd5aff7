package meili

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// SettingsRoute describes one settings sub-route:
// GET/DELETE and Method on /indexes/{uid}/settings/<Route>, whose body is
// the value of the settings field Field.
type SettingsRoute struct {
	Route  string // e.g. "ranking-rules"
	Field  string // JSON name in Settings, e.g. "rankingRules"
	Method string // update verb: http.MethodPut or http.MethodPatch
	Code   Code   // error code of invalid values
	check  checker
}

var (
	typoToleranceCheck = checkObject(
		member{"enabled", checkBool, true},
		member{"minWordSizeForTypos", checkObject(
			member{"oneTypo", checkUint(255, false), true},
			member{"twoTypos", checkUint(255, false), true},
		), true},
		member{"disableOnWords", checkStrings, true},
		member{"disableOnAttributes", checkStrings, true},
		member{"disableOnNumbers", checkBool, true},
	)
	facetingCheck = checkObject(
		member{"maxValuesPerFacet", checkUint(1<<63, false), true},
		member{"sortFacetValuesBy", checkMap(checkEnum("alpha", "count", "sampledCount")), true},
	)
	paginationCheck = checkObject(member{"maxTotalHits", checkUint(1<<63, true), true})
	chatCheck       = checkObject(
		member{"description", checkString, true},
		member{"documentTemplate", checkString, true},
		member{"documentTemplateMaxBytes", checkUint(1<<63, true), true},
		member{"searchParameters", checkMap(func(string, any) string { return "" }), true},
	)
	localizedCheck = checkArray(checkObject(
		member{"attributePatterns", checkStrings, false},
		member{"locales", checkStrings, false},
	))
	foreignKeysCheck = checkArray(checkObject(
		member{"foreignIndexUid", checkString, false},
		member{"fieldName", checkString, false},
	))
	embeddersCheck = checkMap(func(path string, v any) string {
		if v == nil {
			return ""
		}
		return checkMap(func(string, any) string { return "" })(path, v)
	})
)

// settingsRoutes lists the settings in Meilisearch's field order; the
// order is also the order of "expected one of" in unknown-field errors.
func settingsRoutes() []SettingsRoute {
	return []SettingsRoute{
		{"displayed-attributes", "displayedAttributes", http.MethodPut, CodeInvalidSettingsDisplayedAttributes, checkStrings},
		{"searchable-attributes", "searchableAttributes", http.MethodPut, CodeInvalidSettingsSearchableAttributes, checkStrings},
		{"filterable-attributes", "filterableAttributes", http.MethodPut, CodeInvalidSettingsFilterableAttributes, checkArray(checkFilterableRule)},
		{"sortable-attributes", "sortableAttributes", http.MethodPut, CodeInvalidSettingsSortableAttributes, checkStrings},
		{"foreign-keys", "foreignKeys", http.MethodPut, CodeInvalidSettingsForeignKeys, foreignKeysCheck},
		{"ranking-rules", "rankingRules", http.MethodPut, CodeInvalidSettingsRankingRules, checkRankingRules},
		{"stop-words", "stopWords", http.MethodPut, CodeInvalidSettingsStopWords, checkStrings},
		{"non-separator-tokens", "nonSeparatorTokens", http.MethodPut, CodeInvalidSettingsNonSeparatorTokens, checkStrings},
		{"separator-tokens", "separatorTokens", http.MethodPut, CodeInvalidSettingsSeparatorTokens, checkStrings},
		{"dictionary", "dictionary", http.MethodPut, CodeInvalidSettingsDictionary, checkStrings},
		{"synonyms", "synonyms", http.MethodPut, CodeInvalidSettingsSynonyms, checkMap(checkStrings)},
		{"distinct-attribute", "distinctAttribute", http.MethodPut, CodeInvalidSettingsDistinctAttribute, checkString},
		{"proximity-precision", "proximityPrecision", http.MethodPut, CodeInvalidSettingsProximityPrecision, checkEnum("byWord", "byAttribute")},
		{"typo-tolerance", "typoTolerance", http.MethodPatch, CodeInvalidSettingsTypoTolerance, checkTypoTolerance},
		{"faceting", "faceting", http.MethodPatch, CodeInvalidSettingsFaceting, facetingCheck},
		{"pagination", "pagination", http.MethodPatch, CodeInvalidSettingsPagination, paginationCheck},
		{"embedders", "embedders", http.MethodPatch, CodeInvalidSettingsEmbedders, embeddersCheck},
		{"search-cutoff-ms", "searchCutoffMs", http.MethodPut, CodeInvalidSettingsSearchCutoffMs, checkUint(1<<63, false)},
		{"localized-attributes", "localizedAttributes", http.MethodPut, CodeInvalidSettingsLocalizedAttributes, localizedCheck},
		{"facet-search", "facetSearch", http.MethodPut, CodeInvalidSettingsFacetSearch, checkBool},
		{"prefix-search", "prefixSearch", http.MethodPut, CodeInvalidSettingsPrefixSearch, checkEnum("indexingTime", "disabled")},
		{"chat", "chat", http.MethodPatch, CodeInvalidSettingsIndexChat, chatCheck},
	}
}

// SettingsRoutes returns every settings sub-route with its update verb,
// JSON field and error code, for routers.
func SettingsRoutes() []SettingsRoute { return settingsRoutes() }

// SettingsRouteByName finds a sub-route by its path segment.
func SettingsRouteByName(route string) (SettingsRoute, bool) {
	for _, r := range settingsRoutes() {
		if r.Route == route {
			return r, true
		}
	}
	return SettingsRoute{}, false
}

// DecodeSettings decodes and validates a PATCH /indexes/{uid}/settings
// body into a patch for Settings.Merge. Errors carry the code of the
// offending setting and deserr-shaped messages; unknown fields are
// bad_request.
func DecodeSettings(body []byte) (Settings, error) {
	v, err := decodeJSONBody(body)
	if err != nil {
		return Settings{}, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return Settings{}, Errorf(CodeBadRequest, "%s", typeMismatch("", "an object", v))
	}
	routes := settingsRoutes()
	names := make([]string, len(routes))
	for i, r := range routes {
		names[i] = r.Field
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(names, k) {
			return Settings{}, Errorf(CodeBadRequest, "%s", unknownMember("", k, names))
		}
	}
	for _, r := range routes {
		if val, ok := m[r.Field]; ok {
			if err := r.validate("."+r.Field, val); err != nil {
				return Settings{}, err
			}
		}
	}
	var s Settings
	if err := json.Unmarshal(body, &s); err != nil {
		return Settings{}, Errorf(CodeBadRequest, "%v", err)
	}
	return s, nil
}

// Decode decodes and validates the body of this sub-route's update into a
// patch with only this field set (null resets it).
func (r SettingsRoute) Decode(body []byte) (Settings, error) {
	v, err := decodeJSONBody(body)
	if err != nil {
		return Settings{}, err
	}
	if err := r.validate("", v); err != nil {
		return Settings{}, err
	}
	wrapped := fmt.Appendf(nil, `{%q:%s}`, r.Field, bytes.TrimSpace(body))
	var s Settings
	if err := json.Unmarshal(wrapped, &s); err != nil {
		return Settings{}, Errorf(r.Code, "%v", err)
	}
	return s, nil
}

func (r SettingsRoute) validate(path string, v any) error {
	if v == nil {
		return nil
	}
	if msg := r.check(path, v); msg != "" {
		return Errorf(r.Code, "%s", msg)
	}
	return nil
}

func decodeJSONBody(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if len(bytes.TrimSpace(body)) == 0 {
			return nil, Errorf(CodeMissingPayload, "A json payload is missing.")
		}
		var whole json.RawMessage
		if uerr := json.Unmarshal(body, &whole); uerr != nil {
			err = uerr
		}
		msg := err.Error()
		var syn *json.SyntaxError
		if errors.As(err, &syn) {
			msg = serdeMessage(syn.Error(), body) + " at " + lineColumn(body, syn.Offset)
		}
		return nil, Errorf(CodeBadRequest, "The json payload provided is malformed. `%s`.", msg)
	}
	return v, nil
}

func checkFilterableRule(path string, v any) string {
	if _, ok := v.(string); ok {
		return ""
	}
	if _, ok := v.(map[string]any); !ok {
		return typeMismatch(path, "a string or an object", v)
	}
	return checkObject(
		member{"attributePatterns", checkStrings, false},
		member{"features", checkObject(
			member{"facetSearch", checkBool, false},
			member{"filter", checkObject(
				member{"equality", checkBool, false},
				member{"comparison", checkBool, false},
			), false},
		), false},
	)(path, v)
}

func checkTypoTolerance(path string, v any) string {
	if msg := typoToleranceCheck(path, v); msg != "" {
		return msg
	}
	min, _ := v.(map[string]any)["minWordSizeForTypos"].(map[string]any)
	one, two := numberOr(min["oneTypo"], DefaultOneTypo), numberOr(min["twoTypos"], DefaultTwoTypos)
	if one > two {
		return invalidValue(path+".minWordSizeForTypos", fmt.Sprintf("`minWordSizeForTypos` setting is invalid. `oneTypo` and `twoTypos` fields should be between `0` and `255`, and `twoTypos` should be greater or equals to `oneTypo` but found `oneTypo: %d` and twoTypos: %d`.", one, two))
	}
	return ""
}

func numberOr(v any, def int64) int64 {
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i
		}
	}
	return def
}

var rankingRuleNames = []string{"words", "typo", "proximity", "attribute", "attributeRank", "wordPosition", "sort", "exactness"}

func checkRankingRules(path string, v any) string {
	if msg := checkStrings(path, v); msg != "" {
		return msg
	}
	rules := v.([]any)
	var legacy, split bool
	for i, r := range rules {
		name := r.(string)
		if msg := checkRankingRule(name); msg != "" {
			return invalidValue(fmt.Sprintf("%s[%d]", path, i), msg)
		}
		legacy = legacy || name == "attribute"
		split = split || name == "attributeRank" || name == "wordPosition"
	}
	if legacy && split {
		return "Mixed usage of the attribute, attributeRank, and wordPosition ranking rules. You must either use the attribute ranking rule alone or the attributeRank and wordPosition ranking rules."
	}
	return ""
}

// checkRankingRule follows milli's Criterion::from_str.
func checkRankingRule(name string) string {
	if slices.Contains(rankingRuleNames, name) {
		return ""
	}
	field, dir, ok := cutLast(name, ":")
	if !ok || (dir != "asc" && dir != "desc") || field == "" {
		return fmt.Sprintf("`%s` ranking rule is invalid. Valid ranking rules are words, typo, sort, proximity, attribute, exactness and custom ranking rules.", name)
	}
	switch {
	case strings.HasPrefix(field, "_geoPoint(") || field == "_geoPoint":
		return "`_geoPoint` is a reserved keyword and thus can't be used as a ranking rule. `_geoPoint` can only be used for sorting at search time"
	case field == "_geo" || field == "_geoDistance" || field == "_geoRadius" || field == "_geoBoundingBox":
		return fmt.Sprintf("`%s` is a reserved keyword and thus can't be used as a ranking rule", field)
	}
	return ""
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// Value is the JSON of this route's field in s, the body of GET
// /settings/<route> (null when unset or reset).
func (r SettingsRoute) Value(s Settings) json.RawMessage {
	var m map[string]json.RawMessage
	enc, err := marshalNoEscape(s)
	if err != nil || json.Unmarshal(enc, &m) != nil || m[r.Field] == nil {
		return json.RawMessage("null")
	}
	return m[r.Field]
}

// ResetPatch is the patch of DELETE /settings/<route>: this field null.
func (r SettingsRoute) ResetPatch() Settings {
	var s Settings
	_ = json.Unmarshal(fmt.Appendf(nil, `{%q:null}`, r.Field), &s)
	return s
}

// ResetAllPatch is the patch of DELETE /settings: every field null.
func ResetAllPatch() Settings {
	nulls := map[string]json.RawMessage{}
	for _, r := range settingsRoutes() {
		nulls[r.Field] = json.RawMessage("null")
	}
	enc, _ := json.Marshal(nulls)
	var s Settings
	_ = json.Unmarshal(enc, &s)
	return s
}
