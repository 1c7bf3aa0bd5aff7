package index

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// compKind is how one ranking rule compares hits.
type compKind uint8

const (
	compRank compKind = iota // one relevancy rank (words, typo, proximity, attributeRank, wordPosition)
	compPair                 // two ranks shown as one entry (attribute, exactness)
	compSort                 // a sort value (sort parameter or custom rule)
)

// comp is one ranking rule of a search, in rule order.
type comp struct {
	kind compKind
	name string // details key: "words", "attribute", "exactness", "field:asc", ...
	slot int    // index of its (first) rank
	sort int    // index into plan.sorts
}

// sortSpec is one sort criterion.
type sortSpec struct {
	field string
	asc   bool
	geo   bool
	lat   float64
	lng   float64
	name  string
}

// searchPlan is a validated, compiled search.
type searchPlan struct {
	q         *meili.SearchQuery
	terms     []qterm
	slots     []rankSlot
	comps     []comp
	sorts     []sortSpec
	filter    *evaluator
	facets    []string
	distinct  string
	searchOn  []string
	threshold *float64
	pkRank    []uint32 // slot -> primary-key order, the final tie-break
	ranker    *ranker  // set for text queries; ranks are computed lazily
	lazy      bool     // ranks beyond the words rule are computed on demand
	constant  []bool   // per comp: every document gets the same rank
	negatives []string // words whose documents are excluded ("-word")
}

func (x *Index) planSearch(m *mem, q *meili.SearchQuery) (*searchPlan, error) {
	if err := checkUnsupported(q); err != nil {
		return nil, err
	}
	p := &searchPlan{q: q, threshold: q.RankingScoreThreshold}
	cfg := m.cfg
	var err error
	if p.filter, err = compileFilter(m, q.Filter, meili.CodeInvalidSearchFilter); err != nil {
		return nil, err
	}
	if p.sorts, err = parseSorts(cfg, q.Sort); err != nil {
		return nil, err
	}
	if p.facets, err = resolveFacets(cfg, m, q.Facets); err != nil {
		return nil, err
	}
	if p.distinct, err = resolveDistinct(cfg, q.Distinct); err != nil {
		return nil, err
	}
	if p.searchOn, err = resolveSearchOn(cfg, q.AttributesToSearchOn); err != nil {
		return nil, err
	}
	p.terms, p.negatives = parseQuery(cfg, x.dictionary(m), q.Q)
	_, p.pkRank = m.sortedSlots()
	return p, p.buildComps(cfg, len(q.Sort) > 0)
}

// buildComps lays out the rules as milli does: words is inserted before the
// first relevancy rule (unless matchingStrategy is "all"), each rule once,
// relevancy rules only when the query has words.
func (p *searchPlan) buildComps(cfg *config, sortParam bool) error {
	words := p.q.MatchingStrategy == meili.MatchingStrategyAll
	seen := map[ruleKind]bool{}
	sortSeen := map[string]bool{}
	var sorts []sortSpec
	text := len(p.terms) > 0
	addRank := func(sl rankSlot, name string) {
		p.comps = append(p.comps, comp{kind: compRank, name: name, slot: len(p.slots)})
		p.slots = append(p.slots, sl)
	}
	addPair := func(a, b rankSlot, name string) {
		p.comps = append(p.comps, comp{kind: compPair, name: name, slot: len(p.slots)})
		p.slots = append(p.slots, a, b)
	}
	addSort := func(s sortSpec) {
		if sortSeen[s.name] || (!s.geo && sortSeen["field:"+s.field]) {
			return
		}
		sortSeen[s.name], sortSeen["field:"+s.field] = true, true
		p.comps = append(p.comps, comp{kind: compSort, name: s.name, sort: len(sorts)})
		sorts = append(sorts, s)
	}
	for _, r := range cfg.rules {
		if r.kind == ruleSort || r.kind == ruleCustom {
			if r.kind == ruleCustom {
				addSort(sortSpec{field: r.field, asc: r.asc, name: sortName(r.field, r.asc)})
			} else if !seen[ruleSort] {
				seen[ruleSort] = true
				for _, s := range p.sorts {
					addSort(s)
				}
			}
			continue
		}
		if !text {
			continue
		}
		if !words {
			words = true
			seen[ruleWords] = true
			addRank(slotWords, "words")
		}
		if seen[r.kind] || (r.kind == ruleAttribute && (seen[ruleAttributeRank] || seen[ruleWordPosition])) ||
			((r.kind == ruleAttributeRank || r.kind == ruleWordPosition) && seen[ruleAttribute]) {
			continue
		}
		seen[r.kind] = true
		switch r.kind {
		case ruleTypo:
			addRank(slotTypo, "typo")
		case ruleProximity:
			addRank(slotProximity, "proximity")
		case ruleAttributeRank:
			addRank(slotFid, "attributeRank")
		case ruleWordPosition:
			addRank(slotPosition, "wordPosition")
		case ruleAttribute:
			addPair(slotFid, slotPosition, "attribute")
		case ruleExactness:
			addPair(slotExactAttr, slotExactWords, "exactness")
		}
	}
	if sortParam && !seen[ruleSort] {
		return meili.Errorf(meili.CodeInvalidSearchSort, "You must specify where `sort` is listed in the rankingRules setting to use the sort parameter at search time.")
	}
	p.sorts = sorts
	return nil
}

func sortName(field string, asc bool) string {
	if asc {
		return field + ":asc"
	}
	return field + ":desc"
}

func parseSorts(cfg *config, list []string) ([]sortSpec, error) {
	var out []sortSpec
	for _, s := range list {
		i := strings.LastIndex(s, ":")
		if i < 0 || (s[i+1:] != "asc" && s[i+1:] != "desc") {
			return nil, meili.Errorf(meili.CodeInvalidSearchSort, "Invalid syntax for the sort parameter: expected expression ending by `:asc` or `:desc`, found `%s`.", s)
		}
		field, asc := s[:i], s[i+1:] == "asc"
		if strings.HasPrefix(field, "_geoPoint(") {
			g, err := parseGeoSort(cfg, field, asc)
			if err != nil {
				return nil, err
			}
			out = append(out, g)
			continue
		}
		if !cfg.isSortable(field) {
			return nil, notSortable(cfg, field)
		}
		out = append(out, sortSpec{field: field, asc: asc, name: sortName(field, asc)})
	}
	return out, nil
}

func notSortable(cfg *config, field string) error {
	if len(cfg.sortable) == 0 {
		return meili.Errorf(meili.CodeInvalidSearchSort, "Attribute `%s` is not sortable. This index does not have configured sortable attributes.", field)
	}
	return meili.Errorf(meili.CodeInvalidSearchSort, "Attribute `%s` is not sortable. Available sortable attributes are: `%s`.", field, strings.Join(sortedCopy(cfg.sortable), ", "))
}

func parseGeoSort(cfg *config, field string, asc bool) (sortSpec, error) {
	inner := strings.TrimSuffix(strings.TrimPrefix(field, "_geoPoint("), ")")
	parts := strings.Split(inner, ",")
	if len(parts) != 2 || !strings.HasSuffix(field, ")") {
		return sortSpec{}, meili.Errorf(meili.CodeInvalidSearchSort, "Invalid syntax for the geo parameter: expected expression formated like `_geoPoint(latitude, longitude)` and ending by `:asc` or `:desc`, found `%s`.", field)
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
	lng, err2 := strconv.ParseFloat(strings.TrimSpace(parts[1]), 64)
	if err1 != nil || err2 != nil || math.Abs(lat) > 90 || math.Abs(lng) > 180 {
		return sortSpec{}, meili.Errorf(meili.CodeInvalidSearchSort, "Invalid syntax for the geo parameter: expected expression formated like `_geoPoint(latitude, longitude)` and ending by `:asc` or `:desc`, found `%s`.", field)
	}
	if !cfg.isSortable("_geo") {
		return sortSpec{}, notSortable(cfg, "_geo")
	}
	name := "_geoPoint(" + fmtFloat(lat) + ", " + fmtFloat(lng) + ")"
	return sortSpec{geo: true, lat: lat, lng: lng, asc: asc, name: sortName(name, asc)}, nil
}

func fmtFloat(f float64) string {
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func resolveFacets(cfg *config, m *mem, list []string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range list {
		if strings.Contains(f, "*") {
			for path := range m.paths {
				if pathCovers(f, path) && cfg.isFilterable(path) && !seen[path] {
					seen[path] = true
					out = append(out, path)
				}
			}
			continue
		}
		if !cfg.isFilterable(f) {
			if len(cfg.filterable) == 0 {
				return nil, meili.Errorf(meili.CodeInvalidSearchFacets, "Invalid facet distribution, this index does not have configured filterable attributes.")
			}
			return nil, meili.Errorf(meili.CodeInvalidSearchFacets, "Invalid facet distribution, attribute `%s` is not filterable. The available filterable attribute patterns are `%s`.", f, strings.Join(sortedCopy(cfg.filterable), ", "))
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out, nil
}

func resolveDistinct(cfg *config, param string) (string, error) {
	if param == "" {
		return cfg.distinct, nil
	}
	if !cfg.isFilterable(param) {
		return "", meili.Errorf(meili.CodeInvalidSearchDistinct, "Attribute `%s` is not filterable and thus, cannot be used as distinct attribute. Available filterable attribute patterns are: `%s`.", param, strings.Join(sortedCopy(cfg.filterable), ", "))
	}
	return param, nil
}

func resolveSearchOn(cfg *config, list []string) ([]string, error) {
	for _, a := range list {
		if a == "*" {
			return nil, nil
		}
		if _, ok := cfg.searchWeight(a); !ok {
			return nil, meili.Errorf(meili.CodeInvalidSearchAttributesToSearchOn, "Attribute `%s` is not searchable. Available searchable attributes are: `%s`.", a, strings.Join(cfg.searchable, ", "))
		}
	}
	return list, nil
}
