package index

import (
	"sort"
	"unicode/utf8"

	"github.com/miroir-search/miroir/meili"
)

// maxQueryWords is Meilisearch's limit on the words of a query.
const maxQueryWords = 10

// qterm is one word of the query with its derivations in the dictionary.
type qterm struct {
	word    string
	qpos    int // position in the query (stop words and separators count)
	prefix  bool
	maxTypo int // contribution to the typo rule's maxTypoCount
	derivs  []deriv
}

// parseQuery splits q into terms as milli does: stop words are dropped
// except as the last word, the last word is a prefix unless q ends with a
// separator, and each word gets a typo budget from its length.
func parseQuery(cfg *config, d *dictionary, q string) (terms []qterm, negatives []string) {
	toks, _ := tokenize(q, 0)
	for i, t := range toks {
		if len(terms) >= maxQueryWords {
			break
		}
		if isNegated(q, t) {
			negatives = append(negatives, t.term)
			continue
		}
		last := i == len(toks)-1
		if !last && cfg.stopWords[t.term] {
			continue
		}
		prefix := last && t.end == len(q) && cfg.prefixSearch
		budget := typoBudget(cfg, t.term)
		qt := qterm{word: t.term, qpos: t.pos, prefix: prefix, maxTypo: max(budget, 1)}
		qt.derivs = d.derive(t.term, prefix, budget)
		qt.derivs = append(qt.derivs, synonymDerivs(cfg, d, t.term)...)
		terms = append(terms, qt)
	}
	return terms, negatives
}

// isNegated reports Meilisearch's negative operator: a word right after a
// '-' that starts the query or follows a space ("-word" excludes documents
// containing word).
func isNegated(q string, t token) bool {
	if t.start < 1 || q[t.start-1] != '-' {
		return false
	}
	return t.start == 1 || q[t.start-2] == ' ' || q[t.start-2] == '\t'
}

func typoBudget(cfg *config, w string) int {
	n := utf8.RuneCountInString(w)
	switch {
	case !cfg.typoEnabled || n < cfg.oneTypo || cfg.typoOffWords[w]:
		return 0
	case cfg.typoOffNumbers && isDigits(w):
		return 0
	case n < cfg.twoTypos:
		return 1
	}
	return 2
}

// synonymDerivs adds the one-word synonyms of w as zero-typo derivations.
func synonymDerivs(cfg *config, d *dictionary, w string) []deriv {
	var out []deriv
	for _, alt := range cfg.synonyms[w] {
		if len(alt) != 1 || alt[0] == w {
			continue
		}
		if i := sort.SearchStrings(d.terms, alt[0]); i < len(d.terms) && d.terms[i] == alt[0] {
			out = append(out, deriv{term: alt[0], matched: len(alt[0])})
		}
	}
	return out
}

// occ is one occurrence of a query term in a document.
type occ struct {
	fid   uint16
	pos   uint16
	term  uint8
	typos uint8
	exact bool
}

// matches gathers, for every live document containing at least one query
// term, its occurrences. It returns the slots in increasing order and, for
// slot i of that list, occs[start[i]:start[i+1]].
type matches struct {
	slots []uint32
	start []int32
	occs  []occ
}

func (mt *matches) of(i int) []occ { return mt.occs[mt.start[i]:mt.start[i+1]] }

// gather reads the postings of every derivation, with a counting sort by slot
// so that the cost is linear in the number of occurrences.
func gather(m *mem, terms []qterm, allowed, typoOff []bool) *matches {
	count := make([]int32, len(m.docs)+1)
	lists := make([][][]posting, len(terms))
	for ti, t := range terms {
		lists[ti] = make([][]posting, len(t.derivs))
		for di, d := range t.derivs {
			lists[ti][di] = m.terms[d.term]
		}
	}
	ok := func(p posting, d *deriv) bool {
		return m.alive[p.slot] && allowed[p.fid] && (d.typos == 0 || !typoOff[p.fid])
	}
	for ti, t := range terms {
		for di := range t.derivs {
			d := &t.derivs[di]
			for _, p := range lists[ti][di] {
				if ok(p, d) {
					count[p.slot]++
				}
			}
		}
	}
	mt := &matches{}
	offsets := make([]int32, len(m.docs))
	var total int32
	for slot, c := range count[:len(m.docs)] {
		if c == 0 {
			continue
		}
		offsets[slot] = total
		mt.slots = append(mt.slots, uint32(slot))
		mt.start = append(mt.start, total)
		total += c
	}
	mt.start = append(mt.start, total)
	mt.occs = make([]occ, total)
	for ti, t := range terms {
		for di := range t.derivs {
			d := &t.derivs[di]
			for _, p := range lists[ti][di] {
				if ok(p, d) {
					mt.occs[offsets[p.slot]] = occ{fid: p.fid, pos: p.pos, term: uint8(ti), typos: d.typos, exact: d.exact}
					offsets[p.slot]++
				}
			}
		}
	}
	return mt
}

// checkUnsupported refuses parameters this engine cannot honour.
func checkUnsupported(q *meili.SearchQuery) error {
	switch {
	case len(q.Hybrid) > 0:
		return meili.Errorf(meili.CodeFeatureNotEnabled, "Passing `hybrid` as a parameter requires an embedder; this engine does not support vector search.")
	case len(q.Vector) > 0:
		return meili.Errorf(meili.CodeFeatureNotEnabled, "Passing `vector` as a parameter requires an embedder; this engine does not support vector search.")
	case len(q.Media) > 0:
		return meili.Errorf(meili.CodeFeatureNotEnabled, "Passing `media` requires a multimodal embedder; this engine does not support it.")
	case len(q.Personalize) > 0:
		return meili.Errorf(meili.CodeFeatureNotEnabled, "`personalize` is not supported by this engine.")
	case q.RetrieveVectors:
		return meili.Errorf(meili.CodeFeatureNotEnabled, "`retrieveVectors` is not supported by this engine: it stores no vectors.")
	}
	return nil
}
