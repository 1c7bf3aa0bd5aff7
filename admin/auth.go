package admin

import (
	"crypto/subtle"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// requireAdminKey guards the admin group. The key comes as
// "Authorization: Bearer <key>" or "X-Admin-Key: <key>". Missing -> 401
// missing_authorization_header; wrong -> 403 invalid_api_key, as
// Meilisearch answers for its own keys.
func (s *Server) requireAdminKey(next echo.HandlerFunc) echo.HandlerFunc {
	want := []byte(s.cfg.AdminKey)
	return func(c echo.Context) error {
		got, ok := adminKeyFrom(c)
		if !ok {
			return meili.Errorf(meili.CodeMissingAuthorizationHeader,
				"The Authorization header is missing. It must use the bearer authorization method with the admin key.")
		}
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return meili.Errorf(meili.CodeInvalidAPIKey, "The provided admin key is invalid.")
		}
		return next(c)
	}
}

func adminKeyFrom(c echo.Context) (string, bool) {
	h := c.Request().Header
	if k := h.Get("X-Admin-Key"); k != "" {
		return k, true
	}
	auth := h.Get(echo.HeaderAuthorization)
	if auth == "" {
		return "", false
	}
	const prefix = "Bearer "
	if len(auth) > len(prefix) && strings.EqualFold(auth[:len(prefix)], prefix) {
		return strings.TrimSpace(auth[len(prefix):]), true
	}
	// A present but non-bearer header is a wrong key, not a missing one.
	return auth, true
}
