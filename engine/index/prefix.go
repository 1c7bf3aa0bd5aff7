package index

import "slices"

// maxCachedPrefix is the longest prefix whose merged postings are cached:
// short prefixes expand to thousands of words, and typing a query asks for
// them again and again (Meilisearch precomputes a prefix database instead).
const maxCachedPrefix = 3

// prefixPosting is a posting of a word starting with a cached prefix.
type prefixPosting struct {
	posting
	exact bool // the word is the prefix itself
}

// prefixPostings returns the postings of every word starting with w, ordered
// by slot, built on first use and dropped on every write.
func (m *mem) prefixPostings(w string, derivs []deriv) []prefixPosting {
	m.orderMu.Lock()
	defer m.orderMu.Unlock()
	if list, ok := m.prefixes[w]; ok {
		return list
	}
	var list []prefixPosting
	for _, d := range derivs {
		for _, p := range m.terms[d.term] {
			if m.alive[p.slot] {
				list = append(list, prefixPosting{posting: p, exact: d.exact})
			}
		}
	}
	slices.SortStableFunc(list, func(a, b prefixPosting) int { return int(a.slot) - int(b.slot) })
	if m.prefixes == nil {
		m.prefixes = map[string][]prefixPosting{}
	}
	m.prefixes[w] = list
	return list
}

// cacheablePrefix reports whether a one-term query can use the prefix cache:
// a short prefix with no typo or synonym derivations.
func cacheablePrefix(terms []qterm) bool {
	if len(terms) != 1 || !terms[0].prefix || len(terms[0].word) > maxCachedPrefix {
		return false
	}
	for _, d := range terms[0].derivs {
		if d.typos > 0 || (!d.exact && !hasPrefix(d.term, terms[0].word)) {
			return false
		}
	}
	return true
}

func hasPrefix(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// gatherPrefix is gather for a cacheable one-term query: the cached list is
// already grouped by slot, so it is a single linear pass.
func gatherPrefix(m *mem, t qterm, allowed []bool) *matches {
	list := m.prefixPostings(t.word, t.derivs)
	mt := &matches{occs: make([]occ, 0, len(list))}
	last := int64(-1)
	for _, p := range list {
		if !m.alive[p.slot] || !allowed[p.fid] {
			continue
		}
		if int64(p.slot) != last {
			last = int64(p.slot)
			mt.slots = append(mt.slots, p.slot)
			mt.start = append(mt.start, int32(len(mt.occs)))
		}
		mt.occs = append(mt.occs, occ{fid: p.fid, pos: p.pos, exact: p.exact})
	}
	mt.start = append(mt.start, int32(len(mt.occs)))
	return mt
}
