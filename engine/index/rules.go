package index

import (
	"strings"

	"github.com/miroir-search/miroir/meili"
)

type ruleKind uint8

const (
	ruleWords ruleKind = iota
	ruleTypo
	ruleProximity
	ruleAttributeRank
	ruleWordPosition
	ruleAttribute // legacy: attributeRank + wordPosition, reported as one "attribute" entry
	ruleSort      // the position of the query's sort parameter
	ruleExactness
	ruleCustom // settings "field:asc" / "field:desc"
)

type rule struct {
	kind  ruleKind
	field string // ruleCustom
	asc   bool   // ruleCustom
}

func parseRules(names []string) ([]rule, error) {
	kinds := map[string]ruleKind{
		"words": ruleWords, "typo": ruleTypo, "proximity": ruleProximity,
		"attributeRank": ruleAttributeRank, "wordPosition": ruleWordPosition,
		"attribute": ruleAttribute, "sort": ruleSort, "exactness": ruleExactness,
	}
	out := make([]rule, 0, len(names))
	for _, n := range names {
		if k, ok := kinds[n]; ok {
			out = append(out, rule{kind: k})
			continue
		}
		field, dir, ok := strings.Cut(n, ":")
		if !ok || field == "" || (dir != "asc" && dir != "desc") {
			return nil, meili.Errorf(meili.CodeInvalidSettingsRankingRules,
				"Invalid value at `.rankingRules[%d]`: `%s` ranking rule is invalid. Valid ranking rules are words, typo, sort, proximity, attribute, attributeRank, wordPosition, exactness and custom ranking rules.", len(out), n)
		}
		out = append(out, rule{kind: ruleCustom, field: field, asc: dir == "asc"})
	}
	return out, nil
}
