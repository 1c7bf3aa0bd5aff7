package engine

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/miroir-search/miroir/meili"
)

// settingSpec describes one Meilisearch index setting: its JSON name, its
// sub-route and update verb, its default, and how a new value is checked.
type settingSpec struct {
	name    string // camelCase JSON field
	route   string // /indexes/{uid}/settings/<route>
	patch   bool   // updated with PATCH (object merged) rather than PUT
	def     string // default value, as JSON
	check   func(raw json.RawMessage) error
	code    meili.Code
	hidden  bool // omitted from GET /settings unless set (experimental)
	support bool // whether the engine honours a non-default value
}

const defaultChatJSON = `{"description":"","documentTemplate":"{% for field in fields %}{% if field.is_searchable and field.value != nil %}{{ field.name }}: {{ field.value }}\n{% endif %}{% endfor %}","documentTemplateMaxBytes":400,"searchParameters":{}}`

// settingSpecs lists every setting in the order GET /settings shows them.
var settingSpecs = []settingSpec{
	{name: "displayedAttributes", route: "displayed-attributes", def: `["*"]`, check: stringList, code: meili.CodeInvalidSettingsDisplayedAttributes, support: true},
	{name: "searchableAttributes", route: "searchable-attributes", def: `["*"]`, check: stringList, code: meili.CodeInvalidSettingsSearchableAttributes, support: true},
	{name: "filterableAttributes", route: "filterable-attributes", def: `[]`, check: filterableList, code: meili.CodeInvalidSettingsFilterableAttributes, support: true},
	{name: "sortableAttributes", route: "sortable-attributes", def: `[]`, check: stringList, code: meili.CodeInvalidSettingsSortableAttributes, support: true},
	{name: "rankingRules", route: "ranking-rules", def: `["words","typo","proximity","attributeRank","sort","wordPosition","exactness"]`, check: rankingRules, code: meili.CodeInvalidSettingsRankingRules, support: true},
	{name: "stopWords", route: "stop-words", def: `[]`, check: stringList, code: meili.CodeInvalidSettingsStopWords, support: true},
	{name: "nonSeparatorTokens", route: "non-separator-tokens", def: `[]`, check: stringList, code: "invalid_settings_non_separator_tokens"},
	{name: "separatorTokens", route: "separator-tokens", def: `[]`, check: stringList, code: "invalid_settings_separator_tokens"},
	{name: "dictionary", route: "dictionary", def: `[]`, check: stringList, code: "invalid_settings_dictionary"},
	{name: "synonyms", route: "synonyms", def: `{}`, check: synonymsMap, code: meili.CodeInvalidSettingsSynonyms, support: true},
	{name: "distinctAttribute", route: "distinct-attribute", def: `null`, check: optString, code: meili.CodeInvalidSettingsDistinctAttribute, support: true},
	{name: "proximityPrecision", route: "proximity-precision", def: `"byWord"`, check: oneOf("byWord", "byAttribute"), code: "invalid_settings_proximity_precision", support: true},
	{name: "typoTolerance", route: "typo-tolerance", patch: true, def: `{"enabled":true,"minWordSizeForTypos":{"oneTypo":5,"twoTypos":9},"disableOnWords":[],"disableOnAttributes":[],"disableOnNumbers":false}`, check: typoTolerance, code: meili.CodeInvalidSettingsTypoTolerance, support: true},
	{name: "faceting", route: "faceting", patch: true, def: `{"maxValuesPerFacet":100,"sortFacetValuesBy":{"*":"alpha"}}`, check: faceting, code: meili.CodeInvalidSettingsFaceting, support: true},
	{name: "pagination", route: "pagination", patch: true, def: `{"maxTotalHits":1000}`, check: pagination, code: meili.CodeInvalidSettingsPagination, support: true},
	{name: "embedders", route: "embedders", patch: true, def: `{}`, check: noEmbedders, code: meili.CodeInvalidSettingsEmbedders, support: true},
	{name: "searchCutoffMs", route: "search-cutoff-ms", def: `null`, check: optUint, code: "invalid_settings_search_cutoff_ms"},
	{name: "localizedAttributes", route: "localized-attributes", def: `null`, check: localizedAttributes, code: "invalid_settings_localized_attributes"},
	{name: "facetSearch", route: "facet-search", def: `true`, check: boolean, code: "invalid_settings_facet_search", support: true},
	{name: "prefixSearch", route: "prefix-search", def: `"indexingTime"`, check: oneOf("indexingTime", "disabled"), code: "invalid_settings_prefix_search", support: true},
	{name: "chat", route: "chat", patch: true, def: defaultChatJSON, check: object, code: "invalid_settings_chat"},
	{name: "foreignKeys", route: "foreign-keys", def: `[]`, check: anyList, code: "invalid_settings_foreign_keys", hidden: true},
}

func specByName(name string) (*settingSpec, bool) {
	for i := range settingSpecs {
		if settingSpecs[i].name == name {
			return &settingSpecs[i], true
		}
	}
	return nil, false
}

// settingsDoc is an index's explicitly set settings, by JSON name.
type settingsDoc map[string]json.RawMessage

// full returns every setting (defaults filled) in Meilisearch's order;
// experimental settings show only when set or when their feature is on.
func (d settingsDoc) full(features map[string]bool) json.RawMessage {
	var b bytes.Buffer
	b.WriteByte('{')
	first := true
	for _, sp := range settingSpecs {
		v, set := d[sp.name]
		if !set {
			if sp.hidden && !features[sp.name] {
				continue
			}
			v = json.RawMessage(sp.def)
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		fmt.Fprintf(&b, "%q:", sp.name)
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// value returns one setting (its default when unset).
func (d settingsDoc) value(sp *settingSpec) json.RawMessage {
	if v, ok := d[sp.name]; ok {
		return v
	}
	return json.RawMessage(sp.def)
}

// apply merges a validated patch into a copy of d: null resets a setting;
// PATCH-verb settings merge objects one level deep, as Meilisearch does.
func (d settingsDoc) apply(patch settingsDoc) settingsDoc {
	out := settingsDoc{}
	for k, v := range d {
		out[k] = v
	}
	for k, v := range patch {
		sp, _ := specByName(k)
		switch {
		case isNullJSON(v):
			delete(out, k)
		case sp.patch:
			out[k] = mergeObjects(d.value(sp), v)
		default:
			out[k] = v
		}
	}
	return out
}

func isNullJSON(v json.RawMessage) bool {
	return len(bytes.TrimSpace(v)) == 0 || string(bytes.TrimSpace(v)) == "null"
}

// mergeObjects overlays patch's fields onto base; nested objects are merged,
// nulls reset to base's default by removal.
func mergeObjects(base, patch json.RawMessage) json.RawMessage {
	var bm, pm map[string]json.RawMessage
	if json.Unmarshal(base, &bm) != nil || json.Unmarshal(patch, &pm) != nil || bm == nil {
		return patch
	}
	for k, v := range pm {
		if isNullJSON(v) {
			continue
		}
		if old, ok := bm[k]; ok && len(old) > 0 && old[0] == '{' && len(v) > 0 && v[0] == '{' {
			bm[k] = mergeObjects(old, v)
			continue
		}
		bm[k] = v
	}
	return orderedObject(base, bm)
}

// orderedObject encodes m keeping the key order of tmpl, then any new keys.
func orderedObject(tmpl json.RawMessage, m map[string]json.RawMessage) json.RawMessage {
	var keys []string
	for _, k := range objectKeys(tmpl) {
		if _, ok := m[k]; ok {
			keys = append(keys, k)
		}
	}
	for k := range m {
		if !contains(keys, k) {
			keys = append(keys, k)
		}
	}
	kv := make([]any, 0, 2*len(keys))
	for _, k := range keys {
		kv = append(kv, k, m[k])
	}
	return details(kv...)
}

// objectKeys returns the top-level keys of a JSON object in document order.
func objectKeys(raw json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
		keys = append(keys, k)
	}
	return keys
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
