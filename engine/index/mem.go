package index

import (
	"sort"
	"sync"
)

// posting is one occurrence of a term: document slot, field id, word position.
type posting struct {
	slot uint32
	fid  uint16
	pos  uint16
}

// docRec is one live or dead document. Slots are never reused, so postings
// of a replaced document simply point at a dead slot until compaction.
type docRec struct {
	id     string
	raw    []byte
	fields []field
	words  []fieldWords // searchable fields and their word counts
	alive  bool
}

type fieldWords struct {
	fid   uint16
	count uint16
}

// mem is the in-memory search structure of an Index: the document table,
// the inverted index with positions, and the field id map. It is rebuilt
// from the store at Open and kept in step by Apply.
type mem struct {
	cfg        *config
	docs       []*docRec
	alive      []bool // alive[slot] == docs[slot].alive, dense for posting scans
	byID       map[string]uint32
	live       int
	terms      map[string][]posting
	fieldIDs   map[string]uint16
	fieldNames []string
	fieldDist  map[string]int
	paths      map[string]int    // flattened path -> documents having it
	pathIDs    map[string]uint32 // flattened path -> id (never removed)
	dict       *dictionary       // every term ever indexed (some may have only dead postings)

	orderMu  sync.Mutex // guards the primary-key order cache below
	order    []uint32   // slots in primary-key order (may hold dead slots until settled)
	pkRank   []uint32   // slot -> index in order
	added    []uint32   // slots put since order was settled
	dirty    bool       // order needs settling
	columns  map[uint32]*column
	prefixes map[string][]prefixPosting // see prefixPostings
}

func newMem(cfg *config) *mem {
	return &mem{cfg: cfg, byID: map[string]uint32{}, terms: map[string][]posting{},
		fieldIDs: map[string]uint16{}, fieldDist: map[string]int{}, paths: map[string]int{}, pathIDs: map[string]uint32{}, dict: &dictionary{}}
}

// pathID returns the id of a flattened path, assigning one if needed.
func (m *mem) pathID(path string) uint32 {
	id, ok := m.pathIDs[path]
	if !ok {
		id = uint32(len(m.pathIDs)) + 1
		m.pathIDs[path] = id
	}
	return id
}

// pid is the id of path, 0 when no document ever had it.
func (m *mem) pid(path string) uint32 { return m.pathIDs[path] }

// leaves returns the leaves of d at path id pid.
func leaves(d *docRec, pid uint32) []leaf {
	for i := range d.fields {
		if d.fields[i].pid == pid {
			return d.fields[i].leaves
		}
	}
	return nil
}

func (m *mem) fieldID(path string) uint16 {
	if id, ok := m.fieldIDs[path]; ok {
		return id
	}
	id := uint16(len(m.fieldNames))
	m.fieldIDs[path] = id
	m.fieldNames = append(m.fieldNames, path)
	return id
}

// put indexes a document, replacing any previous version.
func (m *mem) put(id string, raw []byte, fields []field) {
	m.putTokens(id, raw, fields, tokenizeFields(m.cfg, fields))
}

// ftok is one word of a field, ready to post.
type ftok struct {
	term string
	pos  uint16
}

// tokenizeFields splits the searchable fields of a document into words; it
// touches no shared state, so Apply runs it while the store writes.
func tokenizeFields(cfg *config, fields []field) [][]ftok {
	out := make([][]ftok, len(fields))
	for i, f := range fields {
		if _, ok := cfg.searchWeight(f.path); !ok {
			continue
		}
		out[i] = []ftok{}
		pos := 0
		for _, l := range f.leaves {
			if l.kind != leafString && l.kind != leafNumber && l.kind != leafBool {
				continue
			}
			toks, next := tokenize(l.str, pos)
			for _, t := range toks {
				out[i] = append(out[i], ftok{term: t.term, pos: uint16(t.pos)})
			}
			if pos = next; pos > maxFieldWords {
				break
			}
		}
	}
	return out
}

// putTokens indexes a document whose fields are already tokenized.
func (m *mem) putTokens(id string, raw []byte, fields []field, tokens [][]ftok) {
	m.remove(id)
	slot := uint32(len(m.docs))
	d := &docRec{id: id, raw: raw, fields: fields, alive: true}
	m.docs = append(m.docs, d)
	m.alive = append(m.alive, true)
	m.added, m.dirty, m.columns, m.prefixes = append(m.added, slot), true, nil, nil
	m.byID[id] = slot
	m.live++
	for i := range fields {
		fields[i].pid = m.pathID(fields[i].path)
		m.paths[fields[i].path]++
		if tokens[i] == nil {
			continue
		}
		fid := m.fieldID(fields[i].path)
		for _, t := range tokens[i] {
			list, ok := m.terms[t.term]
			if !ok {
				m.dict.add(t.term)
			}
			m.terms[t.term] = append(list, posting{slot: slot, fid: fid, pos: t.pos})
		}
		d.words = append(d.words, fieldWords{fid: fid, count: uint16(min(len(tokens[i]), maxFieldWords))})
	}
	m.fieldDistFix(d, +1)
}

// fieldDistFix adds sign to the count of every top-level field of d.
func (m *mem) fieldDistFix(d *docRec, sign int) {
	seen := map[string]bool{}
	for _, f := range d.fields {
		top := topField(f.path)
		if seen[top] {
			continue
		}
		seen[top] = true
		m.fieldDist[top] += sign
		if m.fieldDist[top] <= 0 {
			delete(m.fieldDist, top)
		}
	}
}

func (m *mem) remove(id string) bool {
	slot, ok := m.byID[id]
	if !ok {
		return false
	}
	d := m.docs[slot]
	m.fieldDistFix(d, -1)
	for _, f := range d.fields {
		if m.paths[f.path]--; m.paths[f.path] <= 0 {
			delete(m.paths, f.path)
		}
	}
	d.alive, d.raw, d.fields, d.words = false, nil, nil, nil
	m.alive[slot] = false
	m.dirty, m.columns, m.prefixes = true, nil, nil
	delete(m.byID, id)
	m.live--
	return true
}

func (m *mem) get(id string) (*docRec, bool) {
	slot, ok := m.byID[id]
	if !ok {
		return nil, false
	}
	return m.docs[slot], true
}

// needsCompaction reports whether dead slots outnumber live documents.
func (m *mem) needsCompaction() bool { return len(m.docs) > 1024 && len(m.docs) > 2*m.live }

// rebuild re-indexes every live document into a fresh mem with cfg.
func (m *mem) rebuild(cfg *config) *mem {
	n := newMem(cfg)
	for _, d := range m.docs {
		if d.alive {
			n.put(d.id, d.raw, d.fields)
		}
	}
	return n
}

// sortedSlots returns the live slots in primary-key order (shared: do not
// modify), and each slot's index in that order. Writers hold the Index
// write lock, so the cache cannot be invalidated while a reader uses it.
func (m *mem) sortedSlots() ([]uint32, []uint32) {
	m.orderMu.Lock()
	defer m.orderMu.Unlock()
	if !m.dirty {
		return m.order, m.pkRank
	}
	// Sort only the slots added since the last settle, then merge them
	// with the previous order, dropping dead slots.
	less := func(a, b uint32) bool { return lessID(m.docs[a].id, m.docs[b].id) }
	sort.Slice(m.added, func(i, j int) bool { return less(m.added[i], m.added[j]) })
	out := make([]uint32, 0, m.live)
	i, j := 0, 0
	for i < len(m.order) || j < len(m.added) {
		var s uint32
		if j >= len(m.added) || (i < len(m.order) && less(m.order[i], m.added[j])) {
			s, i = m.order[i], i+1
		} else {
			s, j = m.added[j], j+1
		}
		if m.alive[s] {
			out = append(out, s)
		}
	}
	m.added, m.dirty = nil, false
	rank := make([]uint32, len(m.docs))
	for i, s := range out {
		rank[s] = uint32(i)
	}
	m.order, m.pkRank = out, rank
	return out, rank
}

func topField(path string) string {
	for i := 0; i < len(path); i++ {
		if path[i] == '.' {
			return path[:i]
		}
	}
	return path
}

// lessID orders primary keys: integers numerically, before strings in byte order.
func lessID(a, b string) bool {
	an, bn := isDigits(a), isDigits(b)
	if an != bn {
		return an
	}
	if an {
		ta, tb := trimZeros(a), trimZeros(b)
		if len(ta) != len(tb) {
			return len(ta) < len(tb)
		}
		if ta != tb {
			return ta < tb
		}
	}
	return a < b
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func trimZeros(s string) string {
	for len(s) > 1 && s[0] == '0' {
		s = s[1:]
	}
	return s
}

func sortStrings(s []string) { sort.Strings(s) }
