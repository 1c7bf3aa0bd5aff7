package engine

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// EmulatedVersion is the Meilisearch version whose API the engine speaks.
const EmulatedVersion = "1.53.0"

func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "available"})
}

func (s *Server) version(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{
		"commitSha":  "miroir-engine",
		"commitDate": "2026-01-01T00:00:00Z",
		"pkgVersion": EmulatedVersion,
	})
}

// indexView is the JSON of one index (GET /indexes/{uid}).
type indexView struct {
	UID        string    `json:"uid"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
	PrimaryKey *string   `json:"primaryKey"`
}

func (s *Server) view(uid string) (indexView, error) {
	idx, m, err := s.idx.mustGet(uid)
	if err != nil {
		return indexView{}, err
	}
	v := indexView{UID: m.UID, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	if pk := idx.PrimaryKey(); pk != "" {
		v.PrimaryKey = &pk
	}
	return v, nil
}

func (s *Server) listIndexes(c echo.Context) error {
	offset, limit, err := pageParams(c, "invalid_index_offset", "invalid_index_limit")
	if err != nil {
		return err
	}
	g := grantOf(c)
	var all []indexView
	for _, m := range s.idx.list() {
		if !g.allowsIndex(m.UID) {
			continue
		}
		if v, err := s.view(m.UID); err == nil {
			all = append(all, v)
		}
	}
	return c.JSON(http.StatusOK, paginate(all, offset, limit))
}

// page is the {results, offset, limit, total} envelope.
type page[T any] struct {
	Results []T `json:"results"`
	Offset  int `json:"offset"`
	Limit   int `json:"limit"`
	Total   int `json:"total"`
}

func paginate[T any](all []T, offset, limit int) page[T] {
	p := page[T]{Results: []T{}, Offset: offset, Limit: limit, Total: len(all)}
	if offset < len(all) {
		p.Results = all[offset:min(len(all), offset+limit)]
	}
	return p
}

func pageParams(c echo.Context, offsetCode, limitCode meili.Code) (int, int, error) {
	offset, limit := 0, 20
	if o, err := intParam(c.QueryParam("offset"), "offset", offsetCode); err != nil {
		return 0, 0, err
	} else if o != nil {
		offset = *o
	}
	if l, err := intParam(c.QueryParam("limit"), "limit", limitCode); err != nil {
		return 0, 0, err
	} else if l != nil {
		limit = *l
	}
	return offset, limit, nil
}

func (s *Server) getIndex(c echo.Context) error {
	v, err := s.view(c.Param("uid"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) createIndex(c echo.Context) error {
	var body map[string]json.RawMessage
	if err := decodeJSON(c, &body, true); err != nil {
		return err
	}
	var uid, pk string
	var pkSet bool
	for k, v := range body {
		switch k {
		case "uid":
			if json.Unmarshal(v, &uid) != nil {
				return meili.Errorf(meili.CodeInvalidIndexUID, "Invalid value type at `.uid`: expected a string, but found %s", string(v))
			}
		case "primaryKey":
			if string(v) == "null" {
				continue
			}
			if json.Unmarshal(v, &pk) != nil {
				return meili.Errorf(meili.CodeInvalidIndexPrimaryKey, "Invalid value type at `.primaryKey`: expected a string, but found %s", string(v))
			}
			pkSet = true
		default:
			return reqErr(meili.CodeBadRequest, "Unknown field `%s`: expected one of `uid`, `primaryKey`", k)
		}
	}
	if _, ok := body["uid"]; !ok {
		return reqErr("missing_index_uid", "Missing field `uid`")
	}
	if err := validIndexUID(uid); err != nil {
		return err
	}
	if !grantOf(c).allowsIndex(uid) {
		return errInvalidKey()
	}
	d := details("primaryKey", nullable(pk, pkSet))
	t := &task{Type: kindIndexCreation, IndexUID: &uid, Details: d, CustomMetadata: customMetadata(c)}
	return s.accepted(c, t, &payload{PrimaryKey: pk})
}

func nullable(s string, set bool) any {
	if !set {
		return nil
	}
	return s
}

func (s *Server) updateIndex(c echo.Context) error {
	var body map[string]json.RawMessage
	if err := decodeJSON(c, &body, true); err != nil {
		return err
	}
	var pk, newUID string
	var pkSet bool
	for k, v := range body {
		switch k {
		case "primaryKey":
			if string(v) == "null" {
				continue
			}
			if json.Unmarshal(v, &pk) != nil {
				return meili.Errorf(meili.CodeInvalidIndexPrimaryKey, "Invalid value type at `.primaryKey`: expected a string, but found %s", string(v))
			}
			pkSet = true
		case "uid":
			if string(v) == "null" {
				continue
			}
			if json.Unmarshal(v, &newUID) != nil {
				return meili.Errorf(meili.CodeInvalidIndexUID, "Invalid value type at `.uid`: expected a string, but found %s", string(v))
			}
			if err := validIndexUID(newUID); err != nil {
				return err
			}
		default:
			return reqErr(meili.CodeBadRequest, "Unknown field `%s`: expected one of `primaryKey`, `uid`", k)
		}
	}
	kv := []any{"primaryKey", nullable(pk, pkSet)}
	if newUID != "" {
		kv = append(kv, "oldIndexUid", c.Param("uid"), "newIndexUid", newUID)
	}
	return s.enqueueIndexTask(c, kindIndexUpdate, details(kv...), &payload{PrimaryKey: pk, NewUID: newUID})
}

func (s *Server) deleteIndex(c echo.Context) error {
	return s.enqueueIndexTask(c, kindIndexDeletion, details("deletedDocuments", nil), nil)
}

func (s *Server) compactIndex(c echo.Context) error {
	if _, _, err := s.idx.mustGet(c.Param("uid")); err != nil {
		return err
	}
	return s.enqueueIndexTask(c, kindIndexCompaction, nil, nil)
}

func (s *Server) swapIndexes(c echo.Context) error {
	var body []struct {
		Indexes []string `json:"indexes"`
		Rename  bool     `json:"rename"`
	}
	if err := decodeJSON(c, &body, true); err != nil {
		return err
	}
	seen := map[string]bool{}
	swaps := make([]swapPair, 0, len(body))
	for i, sw := range body {
		if len(sw.Indexes) != 2 {
			return meili.Errorf(meili.CodeInvalidSwapIndexes, "Invalid value at `[%d].indexes`: Two indexes must be given for each swap. The list `[%s]` contains %d indexes.", i, quoteList(sw.Indexes), len(sw.Indexes))
		}
		for _, uid := range sw.Indexes {
			if err := validIndexUID(uid); err != nil {
				return err
			}
			if !grantOf(c).allowsIndex(uid) {
				return errInvalidKey()
			}
			if seen[uid] {
				return meili.Errorf(meili.CodeInvalidSwapDuplicateIndexFound, "Indexes must be declared only once during a swap. `%s` was specified several times.", uid)
			}
			seen[uid] = true
		}
		swaps = append(swaps, swapPair{Indexes: [2]string{sw.Indexes[0], sw.Indexes[1]}, Rename: sw.Rename})
	}
	t := &task{Type: kindIndexSwap, Details: details("swaps", swaps), CustomMetadata: customMetadata(c)}
	return s.accepted(c, t, &payload{Swaps: swaps})
}

func quoteList(l []string) string {
	b, _ := json.Marshal(l)
	return string(b[1 : len(b)-1])
}
