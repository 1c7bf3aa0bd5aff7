package engine

import (
	"crypto/subtle"
	"errors"
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

	mu     sync.RWMutex
	keys   map[string]*apiKey // uid -> key (without its value)
	values map[string]string  // derived key value -> uid
}

// grant is what an authorised request may touch; handlers that find index
// uids in the body (create index, swap, multi-search) ask it.
type grant struct {
	indexes []string            // nil = every index
	tenant  *meili.TenantClaims // set for a tenant token
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
	if g.tenant != nil {
		_, ok := g.tenant.FilterFor(uid)
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
	if g.tenant == nil {
		return nil
	}
	f, _ := g.tenant.FilterFor(uid)
	return f
}

// indexMatches applies Meilisearch's index patterns.
func indexMatches(patterns []string, uid string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return meili.IndexPatternMatches(p, uid) })
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
	if !ok || !meili.KeyAllows(k, meili.Action(action), "", now) {
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
// search on uid ("" for multi-search, whose handler checks each index).
func (a *authority) tenantGrant(token, uid string, now time.Time) (*grant, error) {
	tc, err := meili.ValidateTenantToken(token, a.keyByUID, now)
	if err != nil {
		if errors.Is(err, meili.ErrNotTenantToken) {
			return nil, errInvalidKey()
		}
		return nil, err
	}
	g := &grant{tenant: tc}
	if uid != "" {
		if err := tc.AuthorizeIndex(uid); err != nil {
			return nil, err
		}
	}
	return g, nil
}

func (a *authority) keyByUID(uid string) (meili.Key, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	k, ok := a.keys[uid]
	if !ok {
		return meili.Key{}, false
	}
	return a.withValue(k), true
}
