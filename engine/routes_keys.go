package engine

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// keyActions are the actions a key may list (Meilisearch v1.53).
var keyActions = []string{
	"*", "search", "documents.*", "documents.add", "documents.get", "documents.delete",
	"indexes.*", "indexes.create", "indexes.get", "indexes.update", "indexes.delete", "indexes.swap", "indexes.compact",
	"tasks.*", "tasks.cancel", "tasks.delete", "tasks.get", "tasks.compact",
	"settings.*", "settings.get", "settings.update", "stats.*", "stats.get",
	"metrics.*", "metrics.get", "dumps.*", "dumps.create", "snapshots.*", "snapshots.create",
	"version", "keys.create", "keys.get", "keys.update", "keys.delete",
	"experimental.get", "experimental.update", "export", "network.get", "network.update",
	"chatCompletions", "chats.*", "chats.get", "chats.delete", "chatsSettings.*", "chatsSettings.get", "chatsSettings.update",
	"*.get", "webhooks.get", "webhooks.update", "webhooks.delete", "webhooks.create", "webhooks.*",
	"fields.post", "dynamicSearchRules.*", "dynamicSearchRules.get", "dynamicSearchRules.create",
	"dynamicSearchRules.update", "dynamicSearchRules.delete",
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func (s *Server) listKeys(c echo.Context) error {
	offset, limit, err := pageParams(c, "invalid_api_key_offset", "invalid_api_key_limit")
	if err != nil {
		return err
	}
	keys := s.auth.list()
	slices.SortFunc(keys, func(a, b apiKey) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return c.JSON(http.StatusOK, paginate(keys, offset, limit))
}

func (s *Server) getKey(c echo.Context) error {
	k, ok := s.auth.lookup(c.Param("key"))
	if !ok {
		return meili.Errorf(meili.CodeAPIKeyNotFound, "API key `%s` not found.", c.Param("key"))
	}
	return c.JSON(http.StatusOK, k)
}

func (s *Server) createKey(c echo.Context) error {
	var body map[string]json.RawMessage
	if err := decodeJSON(c, &body, true); err != nil {
		return err
	}
	now := time.Now().UTC()
	k := apiKey{UID: newUUID(), CreatedAt: now, UpdatedAt: now}
	if err := parseKeyBody(body, &k, now); err != nil {
		return err
	}
	if _, exists := s.auth.lookup(k.UID); exists {
		return meili.Errorf(meili.CodeAPIKeyAlreadyExists, "`uid` field value `%s` is already an existing API key.", k.UID)
	}
	if err := s.auth.save(k); err != nil {
		return internalErr(err)
	}
	return c.JSON(http.StatusCreated, s.auth.withValue(&k))
}

func parseKeyBody(body map[string]json.RawMessage, k *apiKey, now time.Time) error {
	for _, req := range []struct {
		field string
		code  meili.Code
	}{{"actions", meili.CodeMissingAPIKeyActions}, {"indexes", meili.CodeMissingAPIKeyIndexes}, {"expiresAt", meili.CodeMissingAPIKeyExpiresAt}} {
		if _, ok := body[req.field]; !ok {
			return meili.Errorf(req.code, "Missing field `%s`", req.field)
		}
	}
	for field, raw := range body {
		if err := parseKeyField(field, raw, k, now); err != nil {
			return err
		}
	}
	return nil
}

func parseKeyField(field string, raw json.RawMessage, k *apiKey, now time.Time) error {
	switch field {
	case "name", "description":
		code := meili.CodeInvalidAPIKeyName
		if field == "description" {
			code = meili.CodeInvalidAPIKeyDescription
		}
		var v *string
		if json.Unmarshal(raw, &v) != nil {
			return meili.Errorf(code, "Invalid value type at `.%s`: expected a string, but found %s", field, string(raw))
		}
		if field == "name" {
			k.Name = v
		} else {
			k.Description = v
		}
	case "uid":
		var v string
		if json.Unmarshal(raw, &v) != nil || !uuidPattern.MatchString(v) {
			return meili.Errorf(meili.CodeInvalidAPIKeyUID, "Invalid value at `.uid`: invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-], found `%s`", strings.Trim(string(raw), `"`))
		}
		k.UID = strings.ToLower(v)
	case "actions":
		if json.Unmarshal(raw, &k.Actions) != nil {
			return meili.Errorf(meili.CodeInvalidAPIKeyActions, "Invalid value type at `.actions`: expected an array, but found %s", string(raw))
		}
		for i, a := range k.Actions {
			if !slices.Contains(keyActions, a) {
				return meili.Errorf(meili.CodeInvalidAPIKeyActions, "Unknown value `%s` at `.actions[%d]`: expected one of `%s`", a, i, strings.Join(keyActions, "`, `"))
			}
		}
	case "indexes":
		if json.Unmarshal(raw, &k.Indexes) != nil {
			return meili.Errorf(meili.CodeInvalidAPIKeyIndexes, "Invalid value type at `.indexes`: expected an array, but found %s", string(raw))
		}
		for i, p := range k.Indexes {
			if p != "*" && validIndexUID(strings.TrimSuffix(p, "*")) != nil {
				return meili.Errorf(meili.CodeInvalidAPIKeyIndexes, "Invalid value at `.indexes[%d]`: `%s` is not a valid index uid pattern.", i, p)
			}
		}
	case "expiresAt":
		return parseExpiry(raw, k, now)
	default:
		return reqErr(meili.CodeBadRequest, "Unknown field `%s`: expected one of `description`, `name`, `uid`, `actions`, `indexes`, `expiresAt`", field)
	}
	return nil
}

func parseExpiry(raw json.RawMessage, k *apiKey, now time.Time) error {
	if string(raw) == "null" {
		k.ExpiresAt = nil
		return nil
	}
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return meili.Errorf(meili.CodeInvalidAPIKeyExpiresAt, "Invalid value type at `.expiresAt`: expected a string, but found %s", string(raw))
	}
	t, err := parseTaskDate(v)
	if err != nil {
		if t, err = time.Parse("2006-01-02T15:04:05", v); err != nil {
			if t, err = time.Parse("2006-01-02 15:04:05", v); err != nil {
				return meili.Errorf(meili.CodeInvalidAPIKeyExpiresAt, "Invalid value at `.expiresAt`: `%s` is not a valid date. It should follow the RFC 3339 format to represents a date or datetime in the future or specified as a null value. e.g. 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.", v)
			}
		}
	}
	if !t.After(now) {
		return meili.Errorf(meili.CodeInvalidAPIKeyExpiresAt, "Invalid value at `.expiresAt`: `%s` is not a valid date. It should follow the RFC 3339 format to represents a date or datetime in the future or specified as a null value. e.g. 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.", v)
	}
	t = t.UTC()
	k.ExpiresAt = &t
	return nil
}

func (s *Server) updateKey(c echo.Context) error {
	k, ok := s.auth.lookup(c.Param("key"))
	if !ok {
		return meili.Errorf(meili.CodeAPIKeyNotFound, "API key `%s` not found.", c.Param("key"))
	}
	var body map[string]json.RawMessage
	if err := decodeJSON(c, &body, true); err != nil {
		return err
	}
	for field, raw := range body {
		switch field {
		case "name", "description":
			if err := parseKeyField(field, raw, &k, time.Now()); err != nil {
				return err
			}
		case "uid", "actions", "indexes", "expiresAt", "key", "createdAt", "updatedAt":
			return reqErr(meili.Code("immutable_api_key_"+camelToSnake(field)), "The `%s` field cannot be modified for the given resource.", field)
		default:
			return reqErr(meili.CodeBadRequest, "Unknown field `%s`: expected one of `description`, `name`", field)
		}
	}
	k.UpdatedAt = time.Now().UTC()
	if err := s.auth.save(k); err != nil {
		return internalErr(err)
	}
	return c.JSON(http.StatusOK, s.auth.withValue(&k))
}

func (s *Server) deleteKey(c echo.Context) error {
	k, ok := s.auth.lookup(c.Param("key"))
	if !ok {
		return meili.Errorf(meili.CodeAPIKeyNotFound, "API key `%s` not found.", c.Param("key"))
	}
	if err := s.auth.remove(k.UID); err != nil {
		return internalErr(err)
	}
	return c.NoContent(http.StatusNoContent)
}
