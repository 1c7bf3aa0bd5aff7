package proxy

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// settingsField returns the settings field a sub-route names ("" for the
// whole settings object) and checks the update verb, as Meilisearch routes
// them.
func settingsField(c echo.Context) (string, error) {
	name := c.Param("name")
	if name == "" {
		return "", nil
	}
	r, ok := meili.SettingsRouteByName(name)
	if !ok {
		return "", echo.ErrNotFound
	}
	if m := c.Request().Method; m != http.MethodGet && m != http.MethodDelete && m != r.Method {
		return "", echo.ErrMethodNotAllowed
	}
	return r.Field, nil
}

// getSettings answers from the catalog (the settings every node verified
// it holds), or from one node while the catalog has none yet.
func (p *Proxy) getSettings(c echo.Context) error {
	field, err := settingsField(c)
	if err != nil {
		return err
	}
	if err := p.readBarrier(c.Request().Context()); err != nil {
		return err
	}
	idx, ok := p.resolveUID(c.Param("uid"))
	if !ok {
		return indexNotFound(c.Param("uid"))
	}
	settings := idx.Settings
	if len(settings) == 0 {
		// No settings change yet: the nodes hold Meilisearch's defaults.
		if settings, err = json.Marshal(meili.DefaultSettings()); err != nil {
			return err
		}
	}
	if field == "" {
		return c.JSONBlob(http.StatusOK, settings)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(settings, &all); err != nil {
		return err
	}
	v, ok := all[field]
	if !ok {
		v = json.RawMessage("null")
	}
	return c.JSONBlob(http.StatusOK, v)
}

// stripReservedSettings removes `_miroir_shard` from filterableAttributes.
func stripReservedSettings(raw json.RawMessage) (json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(raw, &all); err != nil {
		return nil, err
	}
	if fa, ok := all["filterableAttributes"]; ok {
		var list []any
		if json.Unmarshal(fa, &list) == nil {
			kept := make([]any, 0, len(list))
			for _, a := range list {
				if s, ok := a.(string); ok && strings.HasPrefix(s, reservedPrefix) {
					continue
				}
				kept = append(kept, a)
			}
			all["filterableAttributes"] = mustJSON(kept)
		}
	}
	return json.Marshal(all)
}

// catalogFilterable returns the client's filterable attributes from
// catalog settings (strings or granular objects).
func catalogFilterable(settings json.RawMessage) []any {
	var s struct {
		Filterable []any `json:"filterableAttributes"`
	}
	_ = json.Unmarshal(settings, &s)
	return s.Filterable
}

// withShardFilterable adds `_miroir_shard` to a filterableAttributes value
// (null or absent resets to just it).
func withShardFilterable(raw json.RawMessage) json.RawMessage {
	var list []any
	_ = json.Unmarshal(raw, &list)
	return mustJSON(append(list, reservedShardField))
}

// updateSettings serves PATCH /settings and PUT/PATCH/DELETE on the
// settings sub-routes: one settingsUpdate task, broadcast to every node
// holding the index; the task watcher reads the settings back from every
// node and commits them to the catalog when all nodes succeeded.
func (p *Proxy) updateSettings(c echo.Context) error {
	ctx := c.Request().Context()
	field, err := settingsField(c)
	if err != nil {
		return err
	}
	body, nodeReqs, err := settingsRequests(c, field)
	if err != nil {
		return err
	}
	target := c.Param("uid")
	if idx, ok := p.resolveUID(target); ok {
		target = idx.UID
	}
	if err := validIndexUID(target); err != nil {
		return err
	}
	nt := store.NewTask{Type: kindSettingsUpdate, IndexUID: target, RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata"),
		Details: body, EnsureIndex: &store.NewIndex{UID: target, Shards: p.cfg.DefaultShards}}
	reg, applied, err := p.register(ctx, nt)
	if err != nil {
		return err
	}
	if reg.Status != store.TaskEnqueued {
		return accepted(c, reg, target, nt.Type)
	}
	ctx = context.WithoutCancel(ctx)
	t, err := p.routeAt(ctx, target, applied)
	if err != nil {
		p.finish(ctx, reg.UID, nil, err)
		return err
	}
	if reg.IndexCreated {
		p.prepareIndex(ctx, t)
	}
	for i := range nodeReqs {
		nodeReqs[i].path = "/indexes/" + url.PathEscape(t.index.PhysicalName) + nodeReqs[i].path
	}
	return p.completeWrite(c, ctx, t, reg, nt.Type, broadcastBatches(t, nodeReqs...), allShards(t.index.Shards))
}

// settingsRequests builds the task details and the node requests (paths
// relative to the index) of a settings change. `_miroir_shard` stays
// filterable through every change, resets included.
func settingsRequests(c echo.Context, field string) (json.RawMessage, []request, error) {
	method := c.Request().Method
	sub := "/settings"
	if field != "" {
		sub += "/" + c.Param("name")
	}
	restore := request{method: http.MethodPatch, path: "/settings",
		body: mustJSON(map[string]any{"filterableAttributes": []string{reservedShardField}})}
	if method == http.MethodDelete {
		details := json.RawMessage(`{}`)
		if field != "" {
			details = mustJSON(map[string]any{field: nil})
		}
		reqs := []request{{method: method, path: sub}}
		if field == "" || field == "filterableAttributes" {
			reqs = append(reqs, restore)
		}
		return details, reqs, nil
	}
	body, err := readJSONBody(c)
	if err != nil {
		return nil, nil, err
	}
	if err := validateSettings(c.Param("name"), body); err != nil {
		return nil, nil, err
	}
	if field != "" {
		details := mustJSON(map[string]json.RawMessage{field: body})
		if field == "filterableAttributes" {
			body = withShardFilterable(body)
		}
		return details, []request{{method: method, path: sub, body: body}}, nil
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(body, &all); err != nil || all == nil {
		return nil, nil, meili.Errorf(meili.CodeBadRequest, "Invalid value type: expected an object, but found %s", compactJSON(body))
	}
	details := body
	if fa, ok := all["filterableAttributes"]; ok {
		all["filterableAttributes"] = withShardFilterable(fa)
		body = mustJSON(all)
	}
	return details, []request{{method: method, path: sub, body: body}}, nil
}

// readJSONBody reads a small JSON body and checks it is valid JSON.
func readJSONBody(c echo.Context) (json.RawMessage, error) {
	data, err := readPayload(c.Request().Body, c.Request().Header.Get("Content-Encoding"), 10<<20)
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, meili.Errorf(meili.CodeMissingPayload, "A json payload is missing.")
	}
	if !json.Valid(data) {
		return nil, meili.Errorf(meili.CodeMalformedPayload, "The json payload provided is malformed. `%v`.", json.Unmarshal(data, new(any)))
	}
	return data, nil
}

// validIndexUID checks Meilisearch's index uid rule.
func validIndexUID(uid string) error {
	ok := uid != "" && len(uid) <= 400
	for i := 0; ok && i < len(uid); i++ {
		ch := uid[i]
		ok = ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_'
	}
	if !ok {
		return meili.Errorf(meili.CodeInvalidIndexUID,
			"`%s` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 400 bytes.", uid)
	}
	return nil
}

// validateSettings checks an update body as Meilisearch does before it
// enqueues anything (deserr-shaped 400 errors).
func validateSettings(route string, body []byte) error {
	if route == "" {
		_, err := meili.DecodeSettings(body)
		return err
	}
	r, ok := meili.SettingsRouteByName(route)
	if !ok {
		return echo.ErrNotFound
	}
	_, err := r.Decode(body)
	return err
}
