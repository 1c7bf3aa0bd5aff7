package engine

import (
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// authority decides whether a request may run. Keys live in bbolt; an
// in-memory copy indexed by key value answers every request.
type authority struct {
	st     *store
	master string

	mu   sync.RWMutex
	keys map[string]*apiKey // uid -> key
}

// grant is what an authorised request may touch; handlers that find index
// uids in the body (create index, swap, multi-search) ask it.
type grant struct {
	indexes []string          // nil = every index
	search  map[string]*rules // tenant token search rules; nil = no token
}

// rules is one tenant-token search rule: the filter ANDed into searches.
type rules struct {
	filter any
}

const grantKey = "miroir.grant"

var openGrant = &grant{}

func grantOf(c echo.Context) *grant {
	if g, ok := c.Get(grantKey).(*grant); ok {
		return g
	}
	return openGrant
}

func (g *grant) allowsIndex(uid string) bool {
	if g.indexes != nil && !indexMatches(g.indexes, uid) {
		return false
	}
	if g.search != nil {
		_, ok := matchRule(g.search, uid)
		return ok
	}
	return true
}

func (g *grant) allowsTask(t *task) bool {
	if g.indexes == nil {
		return true
	}
	if t.IndexUID == nil {
		return slices.Contains(g.indexes, "*")
	}
	return indexMatches(g.indexes, *t.IndexUID)
}

// searchFilter returns the tenant-token filter for uid (nil when none).
func (g *grant) searchFilter(uid string) any {
	if g.search == nil {
		return nil
	}
	if r, ok := matchRule(g.search, uid); ok && r != nil {
		return r.filter
	}
	return nil
}

func matchRule(rs map[string]*rules, uid string) (*rules, bool) {
	if r, ok := rs[uid]; ok {
		return r, true
	}
	best := ""
	for p := range rs {
		if strings.HasSuffix(p, "*") && strings.HasPrefix(uid, strings.TrimSuffix(p, "*")) && len(p) > len(best) {
			best = p
		}
	}
	if best == "" {
		return nil, false
	}
	return rs[best], true
}

// indexMatches applies Meilisearch's index patterns: exact uids, "*", and
// prefixes ending in "*".
func indexMatches(patterns []string, uid string) bool {
	for _, p := range patterns {
		if p == "*" || p == uid || (strings.HasSuffix(p, "*") && strings.HasPrefix(uid, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// actionAllows applies Meilisearch's action wildcards: "*", "group.*" and
// "*.get" (every read, keys aside).
func actionAllows(actions []string, action string) bool {
	for _, a := range actions {
		switch {
		case a == "*" || a == action:
			return true
		case strings.HasSuffix(a, ".*") && strings.HasPrefix(action, strings.TrimSuffix(a, "*")):
			return true
		case a == "*.get" && strings.HasSuffix(action, ".get") && action != actKeysGet:
			return true
		}
	}
	return false
}

func errMissingHeader() *meili.Error {
	return meili.Errorf(meili.CodeMissingAuthorizationHeader, "The Authorization header is missing. It must use the bearer authorization method.")
}

func errInvalidKey() *meili.Error {
	return meili.Errorf(meili.CodeInvalidAPIKey, "The provided API key is invalid.")
}

// authorize is the middleware of every route; action "" is public.
func (s *Server) authorize(action string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if action == actPublic {
				return next(c)
			}
			g, err := s.auth.check(c.Request(), action, c.Param("uid"), time.Now())
			if err != nil {
				return err
			}
			c.Set(grantKey, g)
			return next(c)
		}
	}
}

func (a *authority) check(r *http.Request, action, uid string, now time.Time) (*grant, error) {
	isKeys := strings.HasPrefix(action, "keys.")
	if a.master == "" {
		if isKeys {
			return nil, meili.Errorf(meili.CodeMissingMasterKey, "Meilisearch is running without a master key. To access this API endpoint, you must have set a master key at launch.")
		}
		return openGrant, nil
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, errMissingHeader()
	}
	token, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil, errInvalidKey()
	}
	token = strings.TrimSpace(token)
	if subtle.ConstantTimeCompare([]byte(token), []byte(a.master)) == 1 {
		return openGrant, nil
	}
	if action == actSearch && strings.Count(token, ".") == 2 {
		return a.tenantGrant(token, uid, now)
	}
	k, ok := a.byValue(token)
	if !ok || k.expired(now) || !actionAllows(k.Actions, action) {
		return nil, errInvalidKey()
	}
	g := &grant{}
	if !slices.Contains(k.Indexes, "*") {
		g.indexes = k.Indexes
	}
	if uid != "" && !g.allowsIndex(uid) {
		return nil, errInvalidKey()
	}
	return g, nil
}

// tenantGrant validates a tenant token (a JWT signed with an API key) for a
// search on uid.
func (a *authority) tenantGrant(token, uid string, now time.Time) (*grant, error) {
	return nil, errInvalidKey()
}
