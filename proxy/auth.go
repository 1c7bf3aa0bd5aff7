package proxy

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
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
	// rules are a tenant token's search rules (index pattern -> filter).
	rules map[string]any
}

// deriveKey is Meilisearch's key value: hex(HMAC-SHA256(master, uid)).
func deriveKey(master, uid string) string {
	m := hmac.New(sha256.New, []byte(master))
	m.Write([]byte(uid))
	return hex.EncodeToString(m.Sum(nil))
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
		if subtle.ConstantTimeCompare([]byte(token), []byte(deriveKey(p.cfg.MasterKey, k.UID))) != 1 {
			continue
		}
		if !keyAllows(k, action, index, now) {
			return nil, invalidKey()
		}
		return &grant{key: k}, nil
	}
	if strings.Count(token, ".") == 2 && action == "search" {
		return p.tenantGrant(token, keys, index, now)
	}
	return nil, invalidKey()
}

func keyAllows(k *store.Key, action, index string, now time.Time) bool {
	if k.ExpiresAt != nil && now.After(*k.ExpiresAt) {
		return false
	}
	return actionAllowed(k.Actions, action) && (index == "" || indexAllowed(k.Indexes, index))
}

func actionAllowed(actions []string, action string) bool {
	group, _, _ := strings.Cut(action, ".")
	for _, a := range actions {
		switch {
		case a == "*", a == action, a == group+".*":
			return true
		case a == "*.get" && strings.HasSuffix(action, ".get"):
			return true
		}
	}
	return false
}

func indexAllowed(patterns []string, index string) bool {
	for _, pat := range patterns {
		if pat == "*" || pat == index {
			return true
		}
		if prefix, ok := strings.CutSuffix(pat, "*"); ok && strings.HasPrefix(index, prefix) {
			return true
		}
	}
	return false
}

// tenantClaims are a tenant token's claims.
type tenantClaims struct {
	APIKeyUID   string `json:"apiKeyUid"`
	SearchRules any    `json:"searchRules"`
	jwt.RegisteredClaims
}

// tenantGrant validates a tenant token signed with a search key's value.
func (p *Proxy) tenantGrant(token string, keys []store.Key, index string, now time.Time) (*grant, error) {
	var claims tenantClaims
	var parent *store.Key
	_, err := jwt.ParseWithClaims(token, &claims, func(tk *jwt.Token) (any, error) {
		for i := range keys {
			if keys[i].UID == claims.APIKeyUID {
				parent = &keys[i]
				return []byte(deriveKey(p.cfg.MasterKey, keys[i].UID)), nil
			}
		}
		return nil, invalidKey()
	}, jwt.WithValidMethods([]string{"HS256", "HS384", "HS512"}), jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil || parent == nil || !keyAllows(parent, "search", index, now) {
		return nil, invalidKey()
	}
	rules := map[string]any{}
	switch r := claims.SearchRules.(type) {
	case map[string]any:
		rules = r
	case []any:
		for _, v := range r {
			if s, ok := v.(string); ok {
				rules[s] = nil
			}
		}
	default:
		return nil, invalidKey()
	}
	if index != "" {
		if _, ok := tenantFilter(rules, index); !ok {
			return nil, invalidKey()
		}
	}
	return &grant{key: parent, rules: rules}, nil
}

// tenantFilter returns the filter a tenant token imposes on index, and
// whether the token may search it at all.
func tenantFilter(rules map[string]any, index string) (any, bool) {
	rule, ok := rules[index]
	if !ok {
		for pat, r := range rules {
			if indexAllowed([]string{pat}, index) {
				rule, ok = r, true
				break
			}
		}
	}
	if !ok {
		return nil, false
	}
	if m, isMap := rule.(map[string]any); isMap {
		return m["filter"], true
	}
	return nil, true
}

// authorizeSearch ANDs a tenant token's filter for index into q.
func (p *Proxy) authorizeSearch(c echo.Context, index string, q *meili.SearchQuery) error {
	g, _ := c.Get(authKey).(*grant)
	if g == nil || g.rules == nil {
		return nil
	}
	f, ok := tenantFilter(g.rules, index)
	if !ok {
		return invalidKey()
	}
	q.Filter = meili.AndFilters(q.Filter, f)
	return nil
}
