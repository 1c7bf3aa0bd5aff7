package proxy

import (
	"bytes"
	"slices"
	"strconv"
)

// rankKind is the kind of one ranking rule in a hit's _rankingScoreDetails.
type rankKind uint8

const (
	kindScore  rankKind = iota // relevancy rule: local score, higher is better
	kindSort                   // "field:asc"/"field:desc": a sort value
	kindGeo                    // "_geoPoint(lat,lng):asc": a distance
	kindVector                 // "vectorSort": a similarity, higher is better
)

// valueType orders sort values as Meilisearch's federated merge does:
// numbers rank before strings, and a missing value ranks last.
type valueType uint8

const (
	valNull valueType = iota
	valString
	valNumber
)

// rankValue is one rule's contribution to a hit's ranking.
type rankValue struct {
	order int
	kind  rankKind
	asc   bool
	vtype valueType
	num   float64 // score, distance, similarity, or numeric sort value
	str   []byte  // string sort value
}

// idKey is a primary key in tie-break order: integers (numeric) before
// strings (byte order). The engine breaks its own ties the same way.
type idKey struct {
	present bool
	isInt   bool
	n       int64
	s       []byte
}

// hitKey is everything the merge needs from one hit; the hit itself stays raw.
type hitKey struct {
	// rules are the decoded details; empty when the merge runs score-only.
	rules    []rankValue
	global   float64
	distinct []byte // raw JSON of the distinct attribute, nil when absent
	// lazy holds the rules not decoded yet (a merge head, perf_lazy.go).
	lazy lazyDetails
}

// keyFields names the hit fields the decoder extracts.
type keyFields struct {
	primaryKey string
	distinct   string // top-level distinct attribute, "" for none
	// sorts orders documents by their own top-level fields (documents
	// browse with sort, where no _rankingScoreDetails exist).
	sorts []sortField
}

// sortField is one "field:asc|desc" of a documents sort.
type sortField struct {
	name string
	asc  bool
}

// decodeHitKey reads _rankingScore, _rankingScoreDetails, the primary key and
// the distinct attribute from a raw hit, skipping every other field. With
// details false it ignores _rankingScoreDetails and stops reading as soon as
// it has the other fields: the merge uses that mode when every rule of the
// query is a relevancy rule, where the global score orders hits exactly as
// the rules do (see compareRules).
func decodeHitKey(hit []byte, f keyFields, details bool, k *hitKey, id *idKey) error {
	s := scanner{b: hit}
	k.rules = k.rules[:0]
	k.global = 0
	k.distinct = nil
	*id = idKey{}
	for _, sf := range f.sorts {
		k.rules = append(k.rules, rankValue{order: len(k.rules), kind: kindSort, asc: sf.asc})
	}
	// Fields still missing before an early stop: score, id, distinct.
	need := 1
	if f.primaryKey != "" {
		need++
	}
	if f.distinct != "" {
		need++
	}
	return s.members(func(key []byte, _ int) (bool, error) {
		var err error
		switch {
		case string(key) == "_rankingScore":
			k.global, _, err = s.number()
			need--
		case string(key) == "_rankingScoreDetails" && details:
			return true, decodeDetails(&s, k)
		case f.primaryKey != "" && string(key) == f.primaryKey:
			err = decodeID(&s, id)
			need--
		case f.distinct != "" && string(key) == f.distinct:
			k.distinct, err = s.skip()
			need--
		case len(f.sorts) > 0 && sortIndex(f.sorts, key) >= 0:
			err = decodeSortValue(&s, &k.rules[sortIndex(f.sorts, key)])
		default:
			_, err = s.skip()
		}
		return details || need > 0 || len(f.sorts) > 0, err
	})
}

func sortIndex(sorts []sortField, key []byte) int {
	for i := range sorts {
		if sorts[i].name == string(key) {
			return i
		}
	}
	return -1
}

// scoreOnly reports whether every rule is a relevancy rule.
func (k *hitKey) scoreOnly() bool {
	for i := range k.rules {
		if k.rules[i].kind != kindScore {
			return false
		}
	}
	return true
}

func decodeID(s *scanner, id *idKey) error {
	switch s.peek() {
	case '"':
		raw, esc, err := s.str()
		if err != nil {
			return err
		}
		*id = idKey{present: true, s: unquote(raw, esc)}
		return nil
	default:
		raw, err := s.skip()
		if err != nil {
			return err
		}
		if n, perr := strconv.ParseInt(string(raw), 10, 64); perr == nil {
			*id = idKey{present: true, isInt: true, n: n}
			return nil
		}
		*id = idKey{present: true, s: raw}
		return nil
	}
}

// decodeDetails reads the rules of _rankingScoreDetails, sorted by "order".
// It runs once per merged head when the query has non-relevancy rules, so
// it walks the object with plain loops (no callbacks).
func decodeDetails(s *scanner, k *hitKey) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		return nil
	}
	sorted := true
	for {
		name, esc, err := s.str()
		if err != nil {
			return err
		}
		name = unquote(name, esc)
		if err := s.expect(':'); err != nil {
			return err
		}
		rv := rankValue{kind: ruleKind(name)}
		if rv.kind == kindSort || rv.kind == kindGeo {
			rv.asc = !bytes.HasSuffix(name, []byte(":desc"))
		}
		if err := decodeRule(s, &rv); err != nil {
			return err
		}
		if n := len(k.rules); n > 0 && k.rules[n-1].order > rv.order {
			sorted = false
		}
		k.rules = append(k.rules, rv)
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			if !sorted {
				slices.SortFunc(k.rules, func(a, b rankValue) int { return a.order - b.order })
			}
			return nil
		default:
			return errSyntax
		}
	}
}

func ruleKind(name []byte) rankKind {
	switch {
	case bytes.HasPrefix(name, []byte("_geoPoint(")):
		return kindGeo
	case bytes.Equal(name, []byte("vectorSort")):
		return kindVector
	case bytes.HasSuffix(name, []byte(":asc")), bytes.HasSuffix(name, []byte(":desc")):
		return kindSort
	}
	return kindScore
}

// decodeRule reads one rule object: order plus score, value, distance or
// similarity depending on the kind.
func decodeRule(s *scanner, rv *rankValue) error {
	return s.members(func(field []byte, _ int) (bool, error) {
		return true, decodeRuleField(s, rv, field)
	})
}

func decodeRuleField(s *scanner, rv *rankValue, field []byte) error {
	var err error
	switch string(field) {
	case "order":
		// Orders are small integers: parsed as such, as floats only if not.
		raw := s.numberRaw()
		if n, ok := parseInt(raw); ok {
			rv.order = int(n)
			return nil
		}
		var f float64
		f, err = parseNumber(raw)
		rv.order = int(f)
	case "score":
		if rv.kind == kindScore {
			rv.num, _, err = s.number()
			rv.vtype = valNumber
			return err
		}
		_, err = s.skip()
	case "similarity":
		if rv.kind == kindVector {
			rv.num, _, err = s.number()
			rv.vtype = valNumber
			return err
		}
		_, err = s.skip()
	case "distance":
		if s.peek() == 'n' {
			_, err = s.skip()
			return err
		}
		rv.num, _, err = s.number()
		rv.vtype = valNumber
	case "value":
		if rv.kind != kindSort {
			_, err = s.skip()
			return err
		}
		err = decodeSortValue(s, rv)
	default:
		_, err = s.skip()
	}
	return err
}

func decodeSortValue(s *scanner, rv *rankValue) error {
	switch c := s.peek(); {
	case c == '"':
		raw, esc, err := s.str()
		rv.vtype, rv.str = valString, unquote(raw, esc)
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		var err error
		rv.num, _, err = s.number()
		rv.vtype = valNumber
		return err
	default:
		_, err := s.skip()
		rv.vtype = valNull
		return err
	}
}
