package proxy

import (
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// authKey is where the auth middleware leaves the caller's grant.
const authKey = "miroir.proxy.auth"

// grant is what a request was authenticated as.
type grant struct {
	master bool
	key    *store.Key
	// tenant is set for a tenant token: its search rules and parent key.
	tenant *meili.TenantClaims
}

// deriveKey is Meilisearch's key value (meili.DeriveKey: the uid is
// lowercased before hashing).
func deriveKey(master, uid string) string { return meili.DeriveKey(master, uid) }

// meiliKey is k as the meili package checks it, with its key value.
func meiliKey(master string, k store.Key) meili.Key {
	actions := make([]meili.Action, len(k.Actions))
	for i, a := range k.Actions {
		actions[i] = meili.Action(a)
	}
	return meili.Key{Key: deriveKey(master, k.UID), UID: k.UID, Name: k.Name, Description: k.Description,
		Actions: actions, Indexes: k.Indexes, ExpiresAt: k.ExpiresAt, CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt}
}

// authenticate checks the caller against action on index ("" for routes
// without one) and returns its grant (DESIGN §8).
func (p *Proxy) authenticate(c echo.Context, action, index string) error {
	if p.cfg.MasterKey == "" {
		if strings.HasPrefix(action, "keys.") {
			return meili.Errorf(meili.CodeMissingMasterKey,
				"Meilisearch is running without a master key. To access this API endpoint, you must have set a master key at launch.")
		}
		c.Set(authKey, &grant{master: true})
		return nil
	}
	h := c.Request().Header.Get("Authorization")
	token, ok := strings.CutPrefix(h, "Bearer ")
	token = strings.TrimSpace(token)
	if h == "" || !ok || token == "" {
		return meili.Errorf(meili.CodeMissingAuthorizationHeader,
			"The Authorization header is missing. It must use the bearer authorization method.")
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(p.cfg.MasterKey)) == 1 {
		c.Set(authKey, &grant{master: true})
		return nil
	}
	g, err := p.grantFor(token, action, index)
	if isCode(err, meili.CodeInvalidAPIKey) {
		// The key may have been created or widened through another peer
		// a moment ago: catch up with the cluster and look once more, so
		// a key works on every peer as soon as its creation is answered.
		// Only refusals pay this leader round trip, never valid keys.
		if p.readBarrier(c.Request().Context()) == nil {
			g, err = p.grantFor(token, action, index)
		}
	}
	if err != nil {
		return err
	}
	c.Set(authKey, g)
	return nil
}

func invalidKey() error {
	return meili.Errorf(meili.CodeInvalidAPIKey, "The provided API key is invalid.")
}

// grantFor resolves an API key or a tenant token.
func (p *Proxy) grantFor(token, action, index string) (*grant, error) {
	var keys []store.Key
	p.state.Read(func(s *store.State) { keys = s.Keys() })
	now := time.Now()
	for i := range keys {
		k := &keys[i]
		mk := meiliKey(p.cfg.MasterKey, *k)
		if subtle.ConstantTimeCompare([]byte(token), []byte(mk.Key)) != 1 {
			continue
		}
		if !meili.KeyAllows(mk, meili.Action(action), index, now) {
			return nil, invalidKey()
		}
		return &grant{key: k}, nil
	}
	if action == string(meili.ActionSearch) {
		return p.tenantGrant(token, keys, index, now)
	}
	return nil, invalidKey()
}

// tenantGrant validates a tenant token signed with one of the keys
// (meili.ValidateTenantToken checks signature, expiry and the parent key's
// search right) and, for a route about one index, that the token and its
// parent key both allow that index.
func (p *Proxy) tenantGrant(token string, keys []store.Key, index string, now time.Time) (*grant, error) {
	lookup := func(uid string) (meili.Key, bool) {
		for _, k := range keys {
			if k.UID == uid {
				return meiliKey(p.cfg.MasterKey, k), true
			}
		}
		return meili.Key{}, false
	}
	claims, err := meili.ValidateTenantToken(token, lookup, now)
	if errors.Is(err, meili.ErrNotTenantToken) {
		return nil, invalidKey()
	}
	if err != nil {
		return nil, err
	}
	if index != "" {
		if err := claims.AuthorizeIndex(index); err != nil {
			return nil, err
		}
	}
	return &grant{tenant: claims}, nil
}

// tenantFilter returns the filter g imposes on a search of index (nil for
// keys and the master key), or the tenant token's refusal.
func (g *grant) tenantFilter(index string) (any, error) {
	if g == nil || g.tenant == nil {
		return nil, nil
	}
	f, ok := g.tenant.FilterFor(index)
	if !ok {
		if err := g.tenant.AuthorizeIndex(index); err != nil {
			return nil, err
		}
		return nil, invalidKey()
	}
	return f, nil
}

// authorizeSearch ANDs a tenant token's filter for index into q.
func (p *Proxy) authorizeSearch(c echo.Context, index string, q *meili.SearchQuery) error {
	g, _ := c.Get(authKey).(*grant)
	f, err := g.tenantFilter(index)
	if err != nil {
		return err
	}
	if f != nil {
		q.Filter = meili.AndFilters(q.Filter, f)
	}
	return nil
}
