package engine

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

func (s *Server) routeSearch(e *echo.Echo) {
	s.handle(e, http.MethodGet, "/indexes/:uid/search", actSearch, s.searchGet)
	s.handle(e, http.MethodPost, "/indexes/:uid/search", actSearch, s.searchPost)
	s.handle(e, http.MethodPost, "/indexes/:uid/facet-search", actSearch, s.facetSearch)
	s.handle(e, http.MethodPost, "/multi-search", actSearch, s.multiSearch)
}

func readBody(c echo.Context) ([]byte, error) {
	return io.ReadAll(c.Request().Body)
}

func (s *Server) searchGet(c echo.Context) error {
	q, err := meili.ParseSearchQueryValues(c.QueryParams())
	if err != nil {
		return err
	}
	return s.search(c, c.Param("uid"), q)
}

func (s *Server) searchPost(c echo.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	q, err := meili.DecodeSearchQuery(body)
	if err != nil {
		return err
	}
	return s.search(c, c.Param("uid"), q)
}

func (s *Server) search(c echo.Context, uid string, q *meili.SearchQuery) error {
	start := time.Now()
	res, err := s.runSearch(grantOf(c), uid, q)
	if err != nil {
		return err
	}
	if !wantsMetadata(c) && !q.ShowPerformanceDetails {
		return c.JSON(http.StatusOK, res)
	}
	body := mustJSON(res)
	if q.ShowPerformanceDetails {
		body = withField(body, "performanceDetails", performance(start))
	}
	if wantsMetadata(c) {
		body = withField(body, "metadata", s.metadata(uid, q.Q))
	}
	return c.JSONBlob(http.StatusOK, body)
}

// performance is the performanceDetails object: the engine measures the
// whole search as one step.
func performance(start time.Time) map[string]string {
	return map[string]string{"search": time.Since(start).String()}
}

// wantsMetadata reports the Meili-Include-Metadata: true request header.
func wantsMetadata(c echo.Context) bool {
	return strings.EqualFold(c.Request().Header.Get("Meili-Include-Metadata"), "true")
}

// searchMetadata is the "metadata" object of a search answer.
type searchMetadata struct {
	QueryUID   string `json:"queryUid"`
	IndexUID   string `json:"indexUid"`
	PrimaryKey string `json:"primaryKey,omitempty"`
}

func (s *Server) metadata(uid, _ string) searchMetadata {
	m := searchMetadata{QueryUID: newUUID(), IndexUID: uid}
	if idx, _, ok := s.idx.get(uid); ok {
		m.PrimaryKey = idx.PrimaryKey()
	}
	return m
}

// withField appends "name": v to the JSON object obj.
func withField(obj []byte, name string, v any) []byte {
	obj = bytes.TrimRight(obj, " \n")
	if len(obj) < 2 {
		return obj
	}
	out := append([]byte{}, obj[:len(obj)-1]...)
	if len(obj) > 2 {
		out = append(out, ',')
	}
	out = append(out, mustJSON(name)...)
	out = append(out, ':')
	out = append(out, mustJSON(v)...)
	return append(out, '}')
}

// runSearch checks the grant, adds the tenant-token filter and refuses the
// parameters the engine cannot honour, then searches.
func (s *Server) runSearch(g *grant, uid string, q *meili.SearchQuery) (*meili.SearchResult, error) {
	if !g.allowsIndex(uid) {
		return nil, errInvalidKey()
	}
	idx, _, err := s.idx.mustGet(uid)
	if err != nil {
		return nil, err
	}
	if err := refuseVectors(q); err != nil {
		return nil, err
	}
	if f := g.searchFilter(uid); f != nil {
		q.Filter = meili.AndFilters(f, q.Filter)
	}
	return idx.Search(q)
}

func refuseVectors(q *meili.SearchQuery) error {
	switch {
	case len(q.Hybrid) > 0 && string(q.Hybrid) != "null", len(q.Vector) > 0 && string(q.Vector) != "null":
		return notImplemented("Vector and hybrid search")
	case q.RetrieveVectors:
		return notImplemented("retrieveVectors")
	case len(q.Media) > 0 && string(q.Media) != "null":
		return notImplemented("Multimodal search (media)")
	case len(q.Personalize) > 0 && string(q.Personalize) != "null":
		return notImplemented("Personalized search")
	}
	return nil
}

func (s *Server) facetSearch(c echo.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	q, err := meili.DecodeFacetSearchQuery(body)
	if err != nil {
		return err
	}
	uid := c.Param("uid")
	g := grantOf(c)
	if !g.allowsIndex(uid) {
		return errInvalidKey()
	}
	idx, _, err := s.idx.mustGet(uid)
	if err != nil {
		return err
	}
	if len(q.Hybrid) > 0 || len(q.Vector) > 0 {
		return notImplemented("Vector and hybrid search")
	}
	if f := g.searchFilter(uid); f != nil {
		q.Filter = meili.AndFilters(f, q.Filter)
	}
	res, err := facetSearchOn(idx, q)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, res)
}

func (s *Server) multiSearch(c echo.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	req, err := meili.DecodeMultiSearchRequest(body)
	if err != nil {
		return err
	}
	g := grantOf(c)
	if req.Federation == nil {
		return s.plainMultiSearch(c, g, req)
	}
	res, err := s.federated(g, req)
	if err != nil {
		return err
	}
	if !wantsMetadata(c) {
		return c.JSON(http.StatusOK, res)
	}
	metas := make([]searchMetadata, len(req.Queries))
	for i, q := range req.Queries {
		metas[i] = s.metadata(q.IndexUID, "")
	}
	return c.JSONBlob(http.StatusOK, withField(mustJSON(res), "metadata", metas))
}

func (s *Server) plainMultiSearch(c echo.Context, g *grant, req *meili.MultiSearchRequest) error {
	perf := map[int]map[string]string{}
	out := meili.MultiSearchResult{Results: make([]*meili.SearchResult, 0, len(req.Queries))}
	for i := range req.Queries {
		mq := &req.Queries[i]
		start := time.Now()
		res, err := s.runSearch(g, mq.IndexUID, &mq.SearchQuery)
		if err != nil {
			return inQuery(err, i)
		}
		res.IndexUID = mq.IndexUID
		out.Results = append(out.Results, res)
		if mq.ShowPerformanceDetails {
			perf[i] = performance(start)
		}
	}
	if !wantsMetadata(c) && len(perf) == 0 {
		return c.JSON(http.StatusOK, out)
	}
	parts := make([]json.RawMessage, len(out.Results))
	for i, r := range out.Results {
		parts[i] = mustJSON(r)
		if p, ok := perf[i]; ok {
			parts[i] = withField(parts[i], "performanceDetails", p)
		}
		if wantsMetadata(c) {
			parts[i] = withField(parts[i], "metadata", s.metadata(r.IndexUID, ""))
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"results": parts})
}

// federated runs every query of a federated multi-search on its index and
// merges them with index.Federate.
func (s *Server) federated(g *grant, req *meili.MultiSearchRequest) (*meili.SearchResult, error) {
	parts := make([]federatedPart, 0, len(req.Queries))
	for i := range req.Queries {
		mq := &req.Queries[i]
		if !g.allowsIndex(mq.IndexUID) {
			return nil, inQuery(errInvalidKey(), i)
		}
		idx, _, err := s.idx.mustGet(mq.IndexUID)
		if err != nil {
			return nil, inQuery(err, i)
		}
		if err := refuseVectors(&mq.SearchQuery); err != nil {
			return nil, inQuery(err, i)
		}
		if f := g.searchFilter(mq.IndexUID); f != nil {
			mq.Filter = meili.AndFilters(f, mq.Filter)
		}
		parts = append(parts, federatedPart{idx: idx, query: mq, position: i})
	}
	return federate(parts, req.Federation)
}

// inQuery prefixes an error with the multi-search query it came from, as
// Meilisearch does.
func inQuery(err error, i int) error {
	if me, ok := err.(*meili.Error); ok {
		c := *me
		c.Message = "Inside `.queries[" + strconv.Itoa(i) + "]`: " + me.Message
		return &c
	}
	return err
}
