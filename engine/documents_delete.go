package engine

import (
	"encoding/json"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/engine/index"
	"github.com/miroir-search/miroir/meili"
)

func (s *Server) fetch(c echo.Context, b *fetchBody) error {
	idx, _, err := s.idx.mustGet(c.Param("uid"))
	if err != nil {
		return err
	}
	if b.RetrieveVectors {
		return notImplemented("retrieveVectors")
	}
	fq := index.FetchQuery{Offset: 0, Limit: 20, Fields: b.Fields, Sort: b.Sort}
	if b.Offset != nil {
		fq.Offset = *b.Offset
	}
	if b.Limit != nil {
		fq.Limit = *b.Limit
	}
	if len(b.Filter) > 0 && string(b.Filter) != "null" {
		var f any
		_ = json.Unmarshal(b.Filter, &f)
		fq.Filter = f
	}
	if b.IDs != nil {
		if fq.IDs, err = canonicalIDs(b.IDs, meili.CodeInvalidDocumentIDs); err != nil {
			return err
		}
	}
	res, err := idx.Fetch(fq)
	if err != nil {
		return err
	}
	out := page[json.RawMessage]{Results: res.Results, Offset: fq.Offset, Limit: fq.Limit, Total: res.Total}
	if out.Results == nil {
		out.Results = []json.RawMessage{}
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) deleteDocument(c echo.Context) error {
	ids, err := canonicalIDs([]any{c.Param("id")}, meili.CodeInvalidDocumentID)
	if err != nil {
		return err
	}
	d := details("providedIds", 1, "deletedDocuments", nil)
	return s.enqueueIndexTask(c, kindDocumentDeletion, d, &payload{IDs: ids})
}

func (s *Server) deleteBatch(c echo.Context) error {
	var raw []any
	if err := decodeJSON(c, &raw, true); err != nil {
		return err
	}
	ids, err := canonicalIDs(raw, meili.CodeInvalidDocumentID)
	if err != nil {
		return err
	}
	d := details("providedIds", len(ids), "deletedDocuments", nil)
	return s.enqueueIndexTask(c, kindDocumentDeletion, d, &payload{IDs: ids})
}

func (s *Server) deleteByFilter(c echo.Context) error {
	var body struct {
		Filter json.RawMessage `json:"filter"`
	}
	if err := decodeJSON(c, &body, true); err != nil {
		return err
	}
	if len(body.Filter) == 0 || string(body.Filter) == "null" {
		return reqErr("missing_document_filter", "Missing field `filter`")
	}
	f, err := meili.ParseFilterWithCode(body.Filter, meili.CodeInvalidDocumentFilter)
	if err != nil {
		return err
	}
	if f == nil {
		return reqErr(meili.CodeInvalidDocumentFilter, "Sending an empty filter is forbidden.")
	}
	var orig any
	_ = json.Unmarshal(body.Filter, &orig)
	d := details("providedIds", 0, "deletedDocuments", nil, "originalFilter", string(mustJSON(orig)))
	return s.enqueueIndexTask(c, kindDocumentDeletion, d, &payload{Filter: body.Filter})
}

func (s *Server) clearDocuments(c echo.Context) error {
	d := details("deletedDocuments", nil)
	return s.enqueueIndexTask(c, kindDocumentDeletion, d, &payload{Clear: true})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		return []byte("null")
	}
	return b
}
