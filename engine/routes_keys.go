package engine

import (
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

func (s *Server) listKeys(c echo.Context) error {
	offset, limit, err := pageParams(c, "invalid_api_key_offset", "invalid_api_key_limit")
	if err != nil {
		return err
	}
	keys := s.auth.list()
	slices.SortFunc(keys, func(a, b apiKey) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return c.JSON(http.StatusOK, paginate(keys, offset, limit))
}

func (s *Server) keyParam(c echo.Context) (apiKey, error) {
	k, ok := s.auth.lookup(c.Param("key"))
	if !ok {
		return k, meili.Errorf(meili.CodeAPIKeyNotFound, "API key `%s` not found.", c.Param("key"))
	}
	return k, nil
}

func (s *Server) getKey(c echo.Context) error {
	k, err := s.keyParam(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, k)
}

func (s *Server) createKey(c echo.Context) error {
	body, err := readBody(c)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	req, err := meili.DecodeCreateKey(body, now)
	if err != nil {
		return err
	}
	k := apiKey{Name: req.Name, Description: req.Description, UID: req.UID, Actions: req.Actions,
		Indexes: req.Indexes, ExpiresAt: req.ExpiresAt, CreatedAt: now, UpdatedAt: now}
	if k.UID == "" {
		k.UID = newUUID()
	}
	if _, exists := s.auth.lookup(k.UID); exists {
		return meili.Errorf(meili.CodeAPIKeyAlreadyExists, "`uid` field value `%s` is already an existing API key.", k.UID)
	}
	if err := s.auth.save(k); err != nil {
		return internalErr(err)
	}
	return c.JSON(http.StatusCreated, s.auth.withValue(&k))
}

func (s *Server) updateKey(c echo.Context) error {
	k, err := s.keyParam(c)
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	req, err := meili.DecodeUpdateKey(body)
	if err != nil {
		return err
	}
	k.Name = applyOpt(k.Name, req.Name)
	k.Description = applyOpt(k.Description, req.Description)
	k.UpdatedAt = time.Now().UTC()
	if err := s.auth.save(k); err != nil {
		return internalErr(err)
	}
	return c.JSON(http.StatusOK, s.auth.withValue(&k))
}

func applyOpt(cur *string, o meili.Opt[string]) *string {
	if !o.Set {
		return cur
	}
	if v, ok := o.Get(); ok {
		return &v
	}
	return nil
}

func (s *Server) deleteKey(c echo.Context) error {
	k, err := s.keyParam(c)
	if err != nil {
		return err
	}
	if err := s.auth.remove(k.UID); err != nil {
		return internalErr(err)
	}
	return c.NoContent(http.StatusNoContent)
}
