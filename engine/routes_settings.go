package engine

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/engine/index"
	"github.com/miroir-search/miroir/meili"
)

func (s *Server) routeSettings(e *echo.Echo) {
	s.handle(e, http.MethodGet, "/indexes/:uid/settings", actSettingsGet, s.getSettings)
	s.handle(e, http.MethodPatch, "/indexes/:uid/settings", actSettingsUpdate, s.patchSettings)
	s.handle(e, http.MethodDelete, "/indexes/:uid/settings", actSettingsUpdate, s.resetSettings)
	for i := range settingSpecs {
		sp := &settingSpecs[i]
		path := "/indexes/:uid/settings/" + sp.route
		verb := http.MethodPut
		if sp.patch {
			verb = http.MethodPatch
		}
		s.handle(e, http.MethodGet, path, actSettingsGet, s.getSetting(sp))
		s.handle(e, verb, path, actSettingsUpdate, s.putSetting(sp))
		s.handle(e, http.MethodDelete, path, actSettingsUpdate, s.resetSetting(sp))
	}
}

func (s *Server) getSettings(c echo.Context) error {
	_, m, err := s.idx.mustGet(c.Param("uid"))
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, m.Settings.full(s.features()))
}

func (s *Server) getSetting(sp *settingSpec) echo.HandlerFunc {
	return func(c echo.Context) error {
		_, m, err := s.idx.mustGet(c.Param("uid"))
		if err != nil {
			return err
		}
		return c.JSONBlob(http.StatusOK, m.Settings.value(sp))
	}
}

// checkSetting validates one new value of sp.
func checkSetting(sp *settingSpec, raw json.RawMessage, prefix string) error {
	if isNullJSON(raw) {
		return nil
	}
	if err := sp.check(raw); err != nil {
		if err == errEmbedders {
			return notImplemented("Embedders (vector search)")
		}
		return reqErr(sp.code, "Invalid value at `%s`: %s", prefix, err.Error())
	}
	return nil
}

func (s *Server) patchSettings(c echo.Context) error {
	var body map[string]json.RawMessage
	if err := decodeJSON(c, &body, true); err != nil {
		return err
	}
	patch := settingsDoc{}
	for _, k := range objectKeys(mustJSONRaw(c, body)) {
		sp, ok := specByName(k)
		if !ok {
			names := make([]string, len(settingSpecs))
			for i, sp := range settingSpecs {
				names[i] = sp.name
			}
			return reqErr(meili.CodeBadRequest, "Unknown field `%s`: expected one of `%s`", k, strings.Join(names, "`, `"))
		}
		if err := checkSetting(sp, body[k], "."+k); err != nil {
			return err
		}
		patch[k] = body[k]
	}
	return s.enqueueSettings(c, patch)
}

// mustJSONRaw re-encodes the body for key order; the original order is not
// needed for correctness, only for stable details.
func mustJSONRaw(_ echo.Context, m map[string]json.RawMessage) json.RawMessage {
	b, _ := json.Marshal(m)
	return b
}

func (s *Server) putSetting(sp *settingSpec) echo.HandlerFunc {
	return func(c echo.Context) error {
		var raw json.RawMessage
		if err := decodeJSON(c, &raw, true); err != nil {
			return err
		}
		if err := checkSetting(sp, raw, "."+sp.name); err != nil {
			return err
		}
		return s.enqueueSettings(c, settingsDoc{sp.name: raw})
	}
}

func (s *Server) resetSetting(sp *settingSpec) echo.HandlerFunc {
	return func(c echo.Context) error {
		return s.enqueueSettings(c, settingsDoc{sp.name: json.RawMessage("null")})
	}
}

func (s *Server) resetSettings(c echo.Context) error {
	patch := settingsDoc{}
	for _, sp := range settingSpecs {
		if !sp.hidden {
			patch[sp.name] = json.RawMessage("null")
		}
	}
	return s.enqueueSettings(c, patch)
}

// enqueueSettings enqueues a settingsUpdate; its details show the new
// values (defaults for reset settings), in Meilisearch's field order.
func (s *Server) enqueueSettings(c echo.Context, patch settingsDoc) error {
	var kv []any
	for _, sp := range settingSpecs {
		v, ok := patch[sp.name]
		if !ok {
			continue
		}
		if isNullJSON(v) {
			v = json.RawMessage(sp.def)
		}
		kv = append(kv, sp.name, v)
	}
	raw, _ := json.Marshal(patch)
	return s.enqueueIndexTask(c, kindSettingsUpdate, details(kv...), &payload{Settings: raw})
}

func (s *Server) execSettings(t *task, p *payload) outcome {
	var patch settingsDoc
	if err := json.Unmarshal(p.Settings, &patch); err != nil {
		return outcome{err: internalErr(err)}
	}
	uid := t.index()
	idx, created, err := s.indexForWrite(uid)
	if err != nil {
		return outcome{err: err}
	}
	var cur settingsDoc
	if created != nil {
		cur = created.meta.Settings
	} else if _, m, ok := s.idx.get(uid); ok {
		cur = m.Settings
	}
	next := cur.apply(patch)
	is, err := index.SettingsFromJSON(next.full(nil))
	if err == nil {
		err = idx.UpdateSettings(t.UID, is)
	}
	return s.finishWrite(uid, created, nil, err, func(m *indexMeta) { m.Settings = next })
}
