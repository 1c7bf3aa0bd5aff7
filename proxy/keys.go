package proxy

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// viewKey is Meilisearch's API key object; the key value is derived, never
// stored.
func (p *Proxy) viewKey(k store.Key) meili.Key { return meiliKey(p.cfg.MasterKey, k) }

func (p *Proxy) listKeys(c echo.Context) error {
	offset, limit, err := page(c, meili.Code("invalid_api_key_offset"), meili.Code("invalid_api_key_limit"))
	if err != nil {
		return err
	}
	if err := p.readBarrier(c.Request().Context()); err != nil {
		return err
	}
	var keys []store.Key
	p.state.Read(func(s *store.State) { keys = s.Keys() })
	results := []meili.Key{}
	for i := offset; i < len(keys) && i < offset+limit; i++ {
		results = append(results, p.viewKey(keys[i]))
	}
	return c.JSON(http.StatusOK, map[string]any{"results": results, "offset": offset, "limit": limit, "total": len(keys)})
}

// findKey looks a key up by uid or by key value.
func (p *Proxy) findKey(uidOrKey string) (store.Key, error) {
	var keys []store.Key
	p.state.Read(func(s *store.State) { keys = s.Keys() })
	for _, k := range keys {
		if k.UID == uidOrKey || deriveKey(p.cfg.MasterKey, k.UID) == uidOrKey {
			return k, nil
		}
	}
	return store.Key{}, meili.Errorf(meili.CodeAPIKeyNotFound, "API key `%s` not found.", uidOrKey)
}

func (p *Proxy) getKey(c echo.Context) error {
	if err := p.readBarrier(c.Request().Context()); err != nil {
		return err
	}
	k, err := p.findKey(c.Param("key"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p.viewKey(k))
}

func (p *Proxy) createKey(c echo.Context) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var body struct {
		Name        *string          `json:"name"`
		Description *string          `json:"description"`
		UID         *string          `json:"uid"`
		Actions     *[]string        `json:"actions"`
		Indexes     *[]string        `json:"indexes"`
		ExpiresAt   *json.RawMessage `json:"expiresAt"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Invalid API key payload: %v", err)
	}
	switch {
	case body.Actions == nil:
		return meili.Errorf(meili.CodeMissingAPIKeyActions, "Missing field `actions`")
	case body.Indexes == nil:
		return meili.Errorf(meili.CodeMissingAPIKeyIndexes, "Missing field `indexes`")
	}
	k := store.Key{Name: body.Name, Description: body.Description, Actions: *body.Actions, Indexes: *body.Indexes}
	if body.ExpiresAt != nil && string(*body.ExpiresAt) != "null" {
		var t time.Time
		if err := json.Unmarshal(*body.ExpiresAt, &t); err != nil {
			return meili.Errorf(meili.CodeInvalidAPIKeyExpiresAt, "`%s` is not a valid date. It should follow the RFC 3339 format.", *body.ExpiresAt)
		}
		k.ExpiresAt = &t
	}
	if body.UID != nil {
		k.UID = *body.UID
	} else {
		k.UID = newUUID()
	}
	created, err := p.catalog.CreateKey(c.Request().Context(), k)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p.viewKey(created))
}

func (p *Proxy) updateKey(c echo.Context) error {
	k, err := p.findKey(c.Param("key"))
	if err != nil {
		return err
	}
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil {
		return meili.Errorf(meili.CodeBadRequest, "Invalid API key payload: %v", err)
	}
	var u store.KeyUpdate
	for field, v := range body {
		var s *string
		if err := json.Unmarshal(v, &s); err != nil && (field == "name" || field == "description") {
			return meili.Errorf(meili.Code("invalid_api_key_"+field), "Invalid value type at `.%s`: expected a string", field)
		}
		switch field {
		case "name":
			u.SetName, u.Name = true, s
		case "description":
			u.SetDescription, u.Description = true, s
		default:
			return meili.Errorf(meili.Code("immutable_api_key_"+snakeCase(field)), "The `%s` field cannot be modified for the given resource.", field)
		}
	}
	updated, err := p.catalog.UpdateKey(c.Request().Context(), k.UID, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, p.viewKey(updated))
}

func (p *Proxy) deleteKey(c echo.Context) error {
	k, err := p.findKey(c.Param("key"))
	if err != nil {
		return err
	}
	if err := p.catalog.DeleteKey(c.Request().Context(), k.UID); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// newUUID returns a random (version 4) UUID, lower-case and hyphenated.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// DefaultKeys are the keys Meilisearch creates on first start with a master
// key; SDK test suites look them up by name. Admin creates them once
// through Catalog.CreateKey when the cluster is bootstrapped.
func DefaultKeys() []store.Key {
	key := func(uid, name, desc string, actions ...string) store.Key {
		return store.Key{UID: uid, Name: &name, Description: &desc, Actions: actions, Indexes: []string{"*"}}
	}
	return []store.Key{
		key("0c5b1c2f-6b4d-4c8e-9b6a-8d0f1a6e0001", "Default Search API Key", "Use it to search from the frontend", "search"),
		key("0c5b1c2f-6b4d-4c8e-9b6a-8d0f1a6e0002", "Default Admin API Key", "Use it for anything that is not a search operation. Caution! Do not expose it on a public frontend", "*"),
		key("0c5b1c2f-6b4d-4c8e-9b6a-8d0f1a6e0003", "Default Read-Only Admin API Key", "Use it to read information across the whole database. Caution! Do not expose it on a public frontend", "*.get", "keys.get"),
		key("0c5b1c2f-6b4d-4c8e-9b6a-8d0f1a6e0004", "Default Chat API Key", "Use it to chat and search from the frontend", "chatCompletions", "search"),
	}
}
