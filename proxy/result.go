package proxy

import (
	"encoding/json"
)

// nodeSearchResult is the part of a node's search answer the merge reads.
// Hits stay raw.
type nodeSearchResult struct {
	Hits               []json.RawMessage           `json:"hits"`
	Query              string                      `json:"query"`
	ProcessingTimeMs   int64                       `json:"processingTimeMs"`
	EstimatedTotalHits *int64                      `json:"estimatedTotalHits"`
	TotalHits          *int64                      `json:"totalHits"`
	FacetDistribution  map[string]map[string]int64 `json:"facetDistribution"`
	FacetStats         map[string]facetStat        `json:"facetStats"`
	SemanticHitCount   *int64                      `json:"semanticHitCount"`
	PerformanceDetails json.RawMessage             `json:"performanceDetails"`

	// meta is parseNodeSearch's record of each hit, made with strip (nil
	// when the answer was decoded by encoding/json); body is the answer's
	// bytes, which the hits are slices of (a buffer of the node client's
	// pool, returned once the merged answer is written).
	meta  []hitMeta
	strip *stripSpec
	body  []byte
}

// searchResponse is the merged answer, in Meilisearch's field order. Its
// hits stay the node's bytes until appendSearchResponse strips them into the
// answer; MarshalJSON is appendSearchResponse.
type searchResponse struct {
	hits               []mergedHit
	strip              *stripSpec
	Query              string                `json:"query"`
	ProcessingTimeMs   int64                 `json:"processingTimeMs"`
	Limit              *int                  `json:"limit,omitempty"`
	Offset             *int                  `json:"offset,omitempty"`
	EstimatedTotalHits *int64                `json:"estimatedTotalHits,omitempty"`
	HitsPerPage        *int                  `json:"hitsPerPage,omitempty"`
	Page               *int                  `json:"page,omitempty"`
	TotalPages         *int64                `json:"totalPages,omitempty"`
	TotalHits          *int64                `json:"totalHits,omitempty"`
	FacetDistribution  *facetFields          `json:"facetDistribution,omitempty"`
	FacetStats         *map[string]facetStat `json:"facetStats,omitempty"`
	SemanticHitCount   *int64                `json:"semanticHitCount,omitempty"`
	PerformanceDetails json.RawMessage       `json:"performanceDetails,omitempty"`
	Metadata           *searchMetadata       `json:"metadata,omitempty"`

	// bodies are the node answers the hits are slices of: return them to
	// the pool after writing the answer, never before.
	bodies [][]byte
}

func (r *searchResponse) MarshalJSON() ([]byte, error) { return appendSearchResponse(nil, r, "") }

// searchMetadata answers the Meili-Include-Metadata header.
type searchMetadata struct {
	QueryUID   string `json:"queryUid"`
	IndexUID   string `json:"indexUid"`
	PrimaryKey string `json:"primaryKey,omitempty"`
}

// window is the client's pagination, in either mode.
type window struct {
	PageMode    bool
	Offset      int // offset mode
	Limit       int // offset mode
	Page        int // page mode, from 1
	HitsPerPage int // page mode
}

// span returns how many merged hits to skip and take, clamped so that no
// hit past maxTotalHits is returned (Meilisearch never returns one).
func (w window) span(maxTotalHits int) (skip, take int) {
	if w.PageMode {
		skip, take = max(w.Page-1, 0)*w.HitsPerPage, w.HitsPerPage
	} else {
		skip, take = w.Offset, w.Limit
	}
	if skip >= maxTotalHits {
		return skip, 0
	}
	return skip, min(take, maxTotalHits-skip)
}

// mergeOptions carries what the merge needs beyond the node answers.
type mergeOptions struct {
	Window       window
	MaxTotalHits int // pagination.maxTotalHits, default 1000
	Distinct     bool
	Fields       keyFields
	Strip        stripSpec
	Facets       facetOptions
}

// mergeSearch merges the answers of nodes that together cover every shard
// exactly once into the answer one Meilisearch holding all documents gives.
func mergeSearch(parts []*nodeSearchResult, opt *mergeOptions) (*searchResponse, error) {
	srcs := make([]source, len(parts))
	var bodies [][]byte
	for i, p := range parts {
		srcs[i] = source{Hits: p.Hits, Fields: opt.Fields, meta: p.meta, strip: p.strip}
		if p.body != nil {
			bodies = append(bodies, p.body)
		}
	}
	skip, take := opt.Window.span(opt.MaxTotalHits)
	merged, err := mergeHits(srcs, skip, take, opt.Distinct)
	if err != nil {
		return nil, err
	}
	resp := &searchResponse{hits: merged, strip: &opt.Strip, bodies: bodies}
	aggregate(resp, parts, opt)
	if opt.Distinct && complete(parts) {
		// Every node returned all its hits, so the distinct values across
		// shards can be counted exactly, as one node would.
		all, err := mergeHits(srcs, 0, totalHits(srcs), true)
		if err != nil {
			return nil, err
		}
		setTotal(resp, min(int64(len(all)), int64(opt.MaxTotalHits)), opt.Window)
	}
	return resp, nil
}

// complete reports whether every node answered with all of its hits.
func complete(parts []*nodeSearchResult) bool {
	for _, p := range parts {
		n := p.EstimatedTotalHits
		if p.TotalHits != nil {
			n = p.TotalHits
		}
		if n == nil || *n > int64(len(p.Hits)) {
			return false
		}
	}
	return true
}

// aggregate fills the totals, facets and timings of a merged answer.
func aggregate(resp *searchResponse, parts []*nodeSearchResult, opt *mergeOptions) {
	var total, semantic int64
	dists := make([]map[string]map[string]int64, 0, len(parts))
	stats := make([]map[string]facetStat, 0, len(parts))
	hasSemantic := false
	for _, p := range parts {
		switch {
		case p.TotalHits != nil:
			total += *p.TotalHits
		case p.EstimatedTotalHits != nil:
			total += *p.EstimatedTotalHits
		}
		if p.SemanticHitCount != nil {
			hasSemantic = true
			semantic += *p.SemanticHitCount
		}
		if p.ProcessingTimeMs >= resp.ProcessingTimeMs && len(p.PerformanceDetails) > 0 {
			// The slowest node's breakdown explains the answer's time.
			resp.PerformanceDetails = p.PerformanceDetails
		}
		resp.ProcessingTimeMs = max(resp.ProcessingTimeMs, p.ProcessingTimeMs)
		resp.Query = p.Query
		dists = append(dists, p.FacetDistribution)
		stats = append(stats, p.FacetStats)
	}
	setTotal(resp, min(total, int64(opt.MaxTotalHits)), opt.Window)
	resp.FacetDistribution = mergeFacetDistributions(dists, &opt.Facets)
	if fs := mergeFacetStats(stats); fs != nil {
		resp.FacetStats = &fs
	}
	if hasSemantic {
		resp.SemanticHitCount = &semantic
	}
}

// setTotal sets the totals of either pagination mode.
func setTotal(resp *searchResponse, total int64, w window) {
	if w.PageMode {
		pages := int64(0)
		if w.HitsPerPage > 0 {
			pages = (total + int64(w.HitsPerPage) - 1) / int64(w.HitsPerPage)
		}
		resp.HitsPerPage, resp.Page, resp.TotalPages, resp.TotalHits = &w.HitsPerPage, &w.Page, &pages, &total
		return
	}
	resp.Limit, resp.Offset, resp.EstimatedTotalHits = &w.Limit, &w.Offset, &total
}
