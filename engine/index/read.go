package index

import (
	"encoding/json"
	"sort"

	"github.com/miroir-search/miroir/meili"
)

// Get returns the stored document id restricted to fields (nil or ["*"]:
// every displayed field). The error is document_not_found when absent.
func (x *Index) Get(id string, fields []string) (json.RawMessage, error) {
	m, unlock, err := x.readLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	d, ok := m.get(id)
	if !ok {
		return nil, errNotFound(id)
	}
	return project(m.cfg, d, fields), nil
}

// project keeps the displayed top-level fields selected by fields.
func project(cfg *config, d *docRec, fields []string) json.RawMessage {
	if containsStr(fields, "*") {
		fields = nil
	}
	if cfg.displayed == nil && fields == nil {
		return append(json.RawMessage(nil), d.raw...)
	}
	ms, _ := members(d.raw)
	out := ms[:0:0]
	for _, mb := range ms {
		if (cfg.displayed == nil || coveredBy(cfg.displayed, mb.Key)) && (fields == nil || coveredBy(fields, mb.Key)) {
			out = append(out, mb)
		}
	}
	return encodeMembers(out)
}

// FetchQuery browses documents (GET/POST /documents, /documents/fetch).
type FetchQuery struct {
	Offset int
	Limit  int
	Fields []string // nil or ["*"]: every displayed field
	Filter any      // as accepted by meili.ParseFilter; errors use invalid_document_filter
	IDs    []string // canonical ids; nil = every document
	Sort   []string // "field:asc|desc" over sortable attributes; errors use invalid_document_sort
}

// FetchResult is one page of documents in primary-key order (or Sort order).
type FetchResult struct {
	Results []json.RawMessage
	Total   int
}

// Fetch returns the documents matching fq.
func (x *Index) Fetch(fq FetchQuery) (*FetchResult, error) {
	m, unlock, err := x.readLock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	ev, err := compileFilter(m, fq.Filter, meili.CodeInvalidDocumentFilter)
	if err != nil {
		return nil, err
	}
	sorts, err := parseSorts(m.cfg, fq.Sort)
	if err != nil {
		if e, ok := err.(*meili.Error); ok {
			e.Code = meili.CodeInvalidDocumentSort
			e.Link = "https://docs.meilisearch.com/errors#" + string(e.Code)
		}
		return nil, err
	}
	slots := fetchSlots(m, fq.IDs)
	hits := make([]hit, 0, len(slots))
	for _, s := range slots {
		if ev == nil || ev.match(m, s) {
			h := hit{slot: s}
			for _, sp := range sorts {
				h.sorts = append(h.sorts, sortValueOf(m, m.docs[s], sp))
			}
			hits = append(hits, h)
		}
	}
	sortFetched(m, sorts, hits)
	res := &FetchResult{Total: len(hits), Results: []json.RawMessage{}}
	for i := fq.Offset; i < len(hits) && i < fq.Offset+fq.Limit; i++ {
		res.Results = append(res.Results, project(m.cfg, m.docs[hits[i].slot], fq.Fields))
	}
	return res, nil
}

func fetchSlots(m *mem, ids []string) []uint32 {
	if ids == nil {
		order, _ := m.sortedSlots()
		return append([]uint32(nil), order...)
	}
	var out []uint32
	seen := map[uint32]bool{}
	for _, id := range ids {
		if s, ok := m.byID[id]; ok && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return lessID(m.docs[out[i]].id, m.docs[out[j]].id) })
	return out
}

func sortFetched(m *mem, sorts []sortSpec, hits []hit) {
	if len(sorts) == 0 {
		return
	}
	sort.SliceStable(hits, func(i, j int) bool {
		for k, s := range sorts {
			if d := cmpSort(hits[i].sorts[k], hits[j].sorts[k], s.asc); d != 0 {
				return d < 0
			}
		}
		return lessID(m.docs[hits[i].slot].id, m.docs[hits[j].slot].id)
	})
}

// Stats are the index statistics of GET /indexes/{uid}/stats.
type Stats struct {
	NumberOfDocuments int            `json:"numberOfDocuments"`
	RawDocumentDBSize int64          `json:"rawDocumentDbSize"`
	IsIndexing        bool           `json:"isIndexing"`
	FieldDistribution map[string]int `json:"fieldDistribution"`
}

// Stats reports document count, top-level field distribution and raw size.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	st := Stats{IsIndexing: x.indexing, FieldDistribution: map[string]int{}}
	if x.closed {
		return st
	}
	st.NumberOfDocuments = x.mem.live
	for k, v := range x.mem.fieldDist {
		st.FieldDistribution[k] = v
	}
	for _, d := range x.mem.docs {
		if d.alive {
			st.RawDocumentDBSize += int64(len(d.raw))
		}
	}
	return st
}
