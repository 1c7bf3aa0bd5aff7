package engine

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Each check returns a plain error whose text follows Meilisearch's
// deserialisation messages; the caller wraps it with the setting's code.

func jsonKind(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "null":
		return "null"
	case strings.HasPrefix(s, "{"):
		return "an object"
	case strings.HasPrefix(s, "["):
		return "an array"
	case strings.HasPrefix(s, `"`):
		return "a string"
	case s == "true" || s == "false":
		return "a boolean"
	}
	return "a number"
}

func typeErr(want string, raw json.RawMessage) error {
	return fmt.Errorf("expected %s, but found %s: `%s`", want, jsonKind(raw), string(raw))
}

func stringList(raw json.RawMessage) error {
	var l []string
	if json.Unmarshal(raw, &l) != nil {
		return typeErr("an array of strings", raw)
	}
	return nil
}

func anyList(raw json.RawMessage) error {
	var l []json.RawMessage
	if json.Unmarshal(raw, &l) != nil {
		return typeErr("an array", raw)
	}
	return nil
}

func object(raw json.RawMessage) error {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return typeErr("an object", raw)
	}
	return nil
}

func boolean(raw json.RawMessage) error {
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		return typeErr("a boolean", raw)
	}
	return nil
}

func optString(raw json.RawMessage) error {
	var s *string
	if json.Unmarshal(raw, &s) != nil {
		return typeErr("a string", raw)
	}
	return nil
}

func optUint(raw json.RawMessage) error {
	var n *uint64
	if json.Unmarshal(raw, &n) != nil {
		return typeErr("a positive integer", raw)
	}
	return nil
}

func oneOf(values ...string) func(json.RawMessage) error {
	return func(raw json.RawMessage) error {
		var s string
		if json.Unmarshal(raw, &s) != nil || !contains(values, s) {
			return fmt.Errorf("Unknown value `%s`, expected one of `%s`", strings.Trim(string(raw), `"`), strings.Join(values, "`, `"))
		}
		return nil
	}
}

func filterableList(raw json.RawMessage) error {
	var l []json.RawMessage
	if json.Unmarshal(raw, &l) != nil {
		return typeErr("an array", raw)
	}
	for i, item := range l {
		var s string
		if json.Unmarshal(item, &s) == nil {
			continue
		}
		var obj struct {
			AttributePatterns []string        `json:"attributePatterns"`
			Features          json.RawMessage `json:"features"`
		}
		if json.Unmarshal(item, &obj) != nil || obj.AttributePatterns == nil {
			return fmt.Errorf("Invalid value at `[%d]`: expected a string or an object with `attributePatterns`", i)
		}
	}
	return nil
}

var customRule = regexp.MustCompile(`^[^:\s]+:(asc|desc)$`)

func rankingRules(raw json.RawMessage) error {
	var l []string
	if json.Unmarshal(raw, &l) != nil {
		return typeErr("an array of strings", raw)
	}
	builtin := []string{"words", "typo", "proximity", "attribute", "attributeRank", "sort", "wordPosition", "exactness"}
	for i, r := range l {
		if !contains(builtin, r) && !customRule.MatchString(r) {
			return fmt.Errorf("Invalid value at `[%d]`: `%s` ranking rule is invalid. Valid ranking rules are words, typo, sort, proximity, attribute, attributeRank, wordPosition, exactness and custom ranking rules.", i, r)
		}
	}
	return nil
}

func synonymsMap(raw json.RawMessage) error {
	var m map[string][]string
	if json.Unmarshal(raw, &m) != nil {
		return typeErr("an object of arrays of strings", raw)
	}
	return nil
}

func typoTolerance(raw json.RawMessage) error {
	var t struct {
		Enabled             *bool `json:"enabled"`
		MinWordSizeForTypos *struct {
			OneTypo  *uint8 `json:"oneTypo"`
			TwoTypos *uint8 `json:"twoTypos"`
		} `json:"minWordSizeForTypos"`
		DisableOnWords      []string `json:"disableOnWords"`
		DisableOnAttributes []string `json:"disableOnAttributes"`
		DisableOnNumbers    *bool    `json:"disableOnNumbers"`
	}
	if err := strictUnmarshal(raw, &t); err != nil {
		return err
	}
	if m := t.MinWordSizeForTypos; m != nil && m.OneTypo != nil && m.TwoTypos != nil && *m.OneTypo > *m.TwoTypos {
		return fmt.Errorf("`minWordSizeForTypos` setting is invalid. `oneTypo` and `twoTypos` fields should be between `0` and `255`, and `twoTypos` should be greater or equals to `oneTypo` but found `oneTypo: %d` and twoTypos: %d`.", *m.OneTypo, *m.TwoTypos)
	}
	return nil
}

func faceting(raw json.RawMessage) error {
	var f struct {
		MaxValuesPerFacet *uint             `json:"maxValuesPerFacet"`
		SortFacetValuesBy map[string]string `json:"sortFacetValuesBy"`
	}
	if err := strictUnmarshal(raw, &f); err != nil {
		return err
	}
	for k, v := range f.SortFacetValuesBy {
		if v != "alpha" && v != "count" && v != "sampledCount" {
			return fmt.Errorf("Unknown value `%s` at `.sortFacetValuesBy.%s`: expected one of `alpha`, `count`, `sampledCount`", v, k)
		}
	}
	return nil
}

func pagination(raw json.RawMessage) error {
	var p struct {
		MaxTotalHits *uint `json:"maxTotalHits"`
	}
	return strictUnmarshal(raw, &p)
}

// noEmbedders accepts only an empty (or all-null) embedders object: the
// engine has no vector search.
func noEmbedders(raw json.RawMessage) error {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return typeErr("an object", raw)
	}
	for _, v := range m {
		if !isNullJSON(v) {
			return errEmbedders
		}
	}
	return nil
}

var errEmbedders = fmt.Errorf("embedders are not supported by the miroir engine (no vector search); run real Meilisearch for them")

// strictUnmarshal decodes raw into v, refusing unknown fields.
func strictUnmarshal(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s", jsonErrText(err))
	}
	return nil
}

// locales are the languages Meilisearch's tokenizer knows, as ISO 639-3
// codes and, where one exists, ISO 639-1.
var locales = strings.Fields(`afr af aka ak amh am ara ar aze az bel be ben bn bul bg cat ca ces cs cmn zh
	dan da deu de ell el eng en epo eo est et fin fi fra fr guj gu heb he hin hi hrv hr hun hu hye hy ind id
	ita it jav jv jpn ja kan kn kat ka khm km kor ko lat la lav lv lit lt mal ml mar mr mkd mk mya my nep ne
	nld nl nob nb ori or pan pa pes fa pol pl por pt ron ro rus ru sin si slk sk slv sl sna sn spa es srp sr
	swe sv tam ta tel te tgl tl tha th tuk tk tur tr ukr uk urd ur uzb uz vie vi yid yi zho zul zu`)

func localizedAttributes(raw json.RawMessage) error {
	var rules []struct {
		Locales           []string `json:"locales"`
		AttributePatterns []string `json:"attributePatterns"`
	}
	if err := strictUnmarshal(raw, &rules); err != nil {
		return err
	}
	for i, r := range rules {
		for j, l := range r.Locales {
			if !contains(locales, l) {
				return fmt.Errorf("Unknown value `%s` at `[%d].locales[%d]`: expected one of %s", l, i, j, strings.Join(locales, ", "))
			}
		}
	}
	return nil
}
