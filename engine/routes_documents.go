package engine

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

func (s *Server) routeDocuments(e *echo.Echo) {
	s.handle(e, http.MethodPost, "/indexes/:uid/documents", actDocumentsAdd, s.addDocuments(true))
	s.handle(e, http.MethodPut, "/indexes/:uid/documents", actDocumentsAdd, s.addDocuments(false))
	s.handle(e, http.MethodGet, "/indexes/:uid/documents", actDocumentsGet, s.browseDocuments)
	s.handle(e, http.MethodPost, "/indexes/:uid/documents/fetch", actDocumentsGet, s.fetchDocuments)
	s.handle(e, http.MethodGet, "/indexes/:uid/documents/:id", actDocumentsGet, s.getDocument)
	s.handle(e, http.MethodDelete, "/indexes/:uid/documents/:id", actDocumentsDel, s.deleteDocument)
	s.handle(e, http.MethodPost, "/indexes/:uid/documents/delete-batch", actDocumentsDel, s.deleteBatch)
	s.handle(e, http.MethodPost, "/indexes/:uid/documents/delete", actDocumentsDel, s.deleteByFilter)
	s.handle(e, http.MethodDelete, "/indexes/:uid/documents", actDocumentsDel, s.clearDocuments)
}

// customMetadata returns the ?customMetadata= parameter of a write.
func customMetadata(c echo.Context) *string {
	if v, ok := c.QueryParams()["customMetadata"]; ok && len(v) > 0 {
		return &v[0]
	}
	return nil
}

// enqueueIndexTask enqueues a task on the index of the :uid path parameter.
func (s *Server) enqueueIndexTask(c echo.Context, kind string, d json.RawMessage, p *payload) error {
	uid := c.Param("uid")
	if err := validIndexUID(uid); err != nil {
		return err
	}
	t := &task{Type: kind, IndexUID: &uid, Details: d, CustomMetadata: customMetadata(c)}
	return s.accepted(c, t, p)
}

// accepted persists t and answers 202 with its summary.
func (s *Server) accepted(c echo.Context, t *task, p *payload) error {
	saved, err := s.q.enqueue(t, p)
	if err != nil {
		return internalErr(err)
	}
	return c.JSON(http.StatusAccepted, saved.summary())
}

func (s *Server) addDocuments(replace bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		docs, err := s.readDocuments(c)
		if err != nil {
			return err
		}
		p := &payload{Documents: docs, Replace: replace, PrimaryKey: c.QueryParam("primaryKey")}
		if v := c.QueryParam("skipCreation"); v == "true" {
			p.SkipCreation = true
		}
		d := details("receivedDocuments", len(docs), "indexedDocuments", nil)
		return s.enqueueIndexTask(c, kindDocumentAdditionOrUpdate, d, p)
	}
}

// readDocuments parses a documents payload per its Content-Type.
func (s *Server) readDocuments(c echo.Context) ([]json.RawMessage, error) {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if ct == "" {
		return nil, meili.Errorf(meili.CodeMissingContentType, "A Content-Type header is missing. Accepted values for the Content-Type header are: `application/json`, `application/x-ndjson`, `text/csv`")
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || (mt != "application/json" && mt != "application/x-ndjson" && mt != "text/csv") {
		return nil, meili.Errorf(meili.CodeInvalidContentType, "The Content-Type `%s` is invalid. Accepted values for the Content-Type header are: `application/json`, `application/x-ndjson`, `text/csv`", ct)
	}
	delim := ','
	if raw, ok := c.QueryParams()["csvDelimiter"]; ok {
		if mt != "text/csv" {
			return nil, reqErr("invalid_document_csv_delimiter", "The Content-Type `%s` does not support the use of a csv delimiter. The csv delimiter can only be used with the Content-Type `text/csv`.", ct)
		}
		if len(raw[0]) != 1 || raw[0][0] > 127 {
			return nil, reqErr("invalid_document_csv_delimiter", "Invalid value in parameter `csvDelimiter`: expected a string of one character, but found the following string of %d characters: `%s`", len([]rune(raw[0])), raw[0])
		}
		delim = rune(raw[0][0])
	}
	return parseDocuments(mt, c.Request().Body, delim)
}

func (s *Server) getDocument(c echo.Context) error {
	idx, _, err := s.idx.mustGet(c.Param("uid"))
	if err != nil {
		return err
	}
	var fields []string
	if v := c.QueryParam("fields"); v != "" {
		fields = splitList(v)
	}
	doc, err := idx.Get(c.Param("id"), fields)
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, doc)
}

// fetchBody is the body of POST .../documents/fetch (and the GET query).
type fetchBody struct {
	Offset          *int            `json:"offset"`
	Limit           *int            `json:"limit"`
	Fields          []string        `json:"fields"`
	Filter          json.RawMessage `json:"filter"`
	IDs             []any           `json:"ids"`
	Sort            []string        `json:"sort"`
	RetrieveVectors bool            `json:"retrieveVectors"`
}

func (s *Server) browseDocuments(c echo.Context) error {
	var b fetchBody
	q := c.QueryParams()
	var err error
	if b.Offset, err = intParam(q.Get("offset"), "offset", meili.CodeInvalidDocumentOffset); err != nil {
		return err
	}
	if b.Limit, err = intParam(q.Get("limit"), "limit", meili.CodeInvalidDocumentLimit); err != nil {
		return err
	}
	if v := q.Get("fields"); v != "" {
		b.Fields = splitList(v)
	}
	if v := q.Get("filter"); v != "" {
		b.Filter, _ = json.Marshal(v)
	}
	if v := q.Get("sort"); v != "" {
		b.Sort = splitList(v)
	}
	for _, id := range splitList(q.Get("ids")) {
		b.IDs = append(b.IDs, id)
	}
	b.RetrieveVectors = q.Get("retrieveVectors") == "true"
	return s.fetch(c, &b)
}

func (s *Server) fetchDocuments(c echo.Context) error {
	var b fetchBody
	if err := decodeJSON(c, &b, false); err != nil {
		return err
	}
	return s.fetch(c, &b)
}

func intParam(raw, name string, code meili.Code) (*int, error) {
	if raw == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return nil, reqErr(code, "Invalid value in parameter `%s`: could not parse `%s` as a positive integer", name, raw)
	}
	return &n, nil
}

// canonicalIDs turns the ids of a fetch or delete-batch into canonical strings.
func canonicalIDs(ids []any, code meili.Code) ([]string, error) {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		raw, _ := json.Marshal(id)
		if s, ok := id.(string); ok {
			raw, _ = json.Marshal(strings.TrimSpace(s))
		}
		cid, err := meili.CanonicalID(raw)
		if err != nil {
			var me *meili.Error
			if errors.As(err, &me) && me.Code != code {
				return nil, reqErr(code, "%s", me.Message)
			}
			return nil, err
		}
		out = append(out, cid)
	}
	return out, nil
}
