package meili

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// ErrNotTenantToken means a bearer token is not a JWT carrying an
// apiKeyUid claim; the caller then treats it as a plain API key, as
// Meilisearch does.
var ErrNotTenantToken = errors.New("meili: not a tenant token")

// TenantClaims are a validated tenant token's claims.
type TenantClaims struct {
	APIKeyUID string
	Rules     SearchRules
	ExpiresAt *time.Time
	// Key is the parent API key that signed the token.
	Key Key
}

// SearchRules are a tenant token's searchRules: either a list of index
// patterns (Patterns) or a map from pattern to an optional rule (Rules;
// a nil *IndexRule means "allowed, no filter").
type SearchRules struct {
	Patterns []string
	Rules    map[string]*IndexRule
}

// IndexRule is one index's rule; Filter is a raw filter value (string or
// array) or nil.
type IndexRule struct {
	Filter any `json:"filter"`
}

// ValidateTenantToken checks a tenant token the way Meilisearch does:
// signed with HS256/384/512 by the key whose uid is the apiKeyUid claim
// (lookup finds it; its Key field is the signing secret), not expired
// (exp, unix seconds, optional), parent key not expired and allowed to
// search. Errors: ErrNotTenantToken, or invalid_api_key with Meilisearch's
// messages. Index access is checked per index with AuthorizeIndex.
func ValidateTenantToken(token string, lookup func(uid string) (Key, bool), now time.Time) (*TenantClaims, error) {
	unverified := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(token, unverified); err != nil {
		return nil, ErrNotTenantToken
	}
	tc, err := claimsShape(unverified)
	if err != nil {
		return nil, err
	}
	key, found := lookup(tc.APIKeyUID)
	if !found {
		return nil, Errorf(CodeInvalidAPIKey, "The provided API key is invalid.")
	}
	claims := jwt.MapClaims{}
	_, err = jwt.NewParser(jwt.WithValidMethods([]string{"HS256", "HS384", "HS512"}), jwt.WithoutClaimsValidation()).
		ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return []byte(key.Key), nil })
	if err != nil {
		return nil, tokenDecodeError(err)
	}
	tc.Key = key
	if err := tc.checkExpiry(claims, now); err != nil {
		return nil, err
	}
	if !KeyAllows(key, ActionSearch, "", now) {
		return nil, Errorf(CodeInvalidAPIKey, "The provided API key is invalid.")
	}
	return tc, nil
}

// claimsShape reads apiKeyUid and searchRules before any verification, as
// Meilisearch decodes the claims to find the signing key.
func claimsShape(claims jwt.MapClaims) (*TenantClaims, error) {
	raw, ok := claims["apiKeyUid"]
	if !ok {
		return nil, Errorf(CodeInvalidAPIKey, "Could not decode tenant token, JSON error: missing field `apiKeyUid`.")
	}
	s, _ := raw.(string)
	uid, msg := parseUUID(s)
	if msg != "" {
		return nil, Errorf(CodeInvalidAPIKey, "Could not decode tenant token, JSON error: %s.", msg)
	}
	rawRules, ok := claims["searchRules"]
	if !ok {
		return nil, Errorf(CodeInvalidAPIKey, "Could not decode tenant token, JSON error: missing field `searchRules`.")
	}
	rules, err := parseSearchRules(rawRules)
	if err != nil {
		return nil, err
	}
	return &TenantClaims{APIKeyUID: uid, Rules: rules}, nil
}

func tokenDecodeError(err error) *Error {
	reason := err.Error()
	if errors.Is(err, jwt.ErrSignatureInvalid) {
		reason = "InvalidSignature"
	} else if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
		reason = "InvalidAlgorithm"
	}
	return Errorf(CodeInvalidAPIKey, "Could not decode tenant token, %s.", reason)
}

func (tc *TenantClaims) checkExpiry(claims jwt.MapClaims, now time.Time) error {
	exp, ok := claims["exp"]
	if !ok || exp == nil {
		return nil
	}
	f, ok := exp.(float64)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return Errorf(CodeInvalidAPIKey, "Could not decode tenant token, JSON error: invalid type for `exp`.")
	}
	t := time.Unix(int64(f), 0).UTC()
	tc.ExpiresAt = &t
	if now.Unix() > int64(f) {
		return Errorf(CodeInvalidAPIKey, "Tenant token expired. Was valid up to `%d` and we're now `%d`.", int64(f), now.Unix())
	}
	return nil
}

func parseSearchRules(v any) (SearchRules, error) {
	bad := Errorf(CodeInvalidAPIKey, "Could not decode tenant token, JSON error: data did not match any variant of untagged enum SearchRules.")
	switch t := v.(type) {
	case []any:
		var rules SearchRules
		for _, p := range t {
			s, ok := p.(string)
			if !ok || !ValidIndexPattern(s) {
				return SearchRules{}, bad
			}
			rules.Patterns = append(rules.Patterns, s)
		}
		return rules, nil
	case map[string]any:
		rules := SearchRules{Rules: map[string]*IndexRule{}}
		for p, r := range t {
			if !ValidIndexPattern(p) {
				return SearchRules{}, bad
			}
			rule, err := parseIndexRule(r)
			if err != nil {
				return SearchRules{}, bad
			}
			rules.Rules[p] = rule
		}
		return rules, nil
	}
	return SearchRules{}, bad
}

func parseIndexRule(r any) (*IndexRule, error) {
	if r == nil {
		return nil, nil
	}
	m, ok := r.(map[string]any)
	if !ok {
		return nil, errors.New("rule is not an object")
	}
	return &IndexRule{Filter: m["filter"]}, nil
}

// IndexAllowed reports whether the token's rules name an index pattern
// matching uid (SearchRules::is_index_authorized).
func (r SearchRules) IndexAllowed(uid string) bool {
	if r.Rules == nil {
		return slices.ContainsFunc(r.Patterns, func(p string) bool { return IndexPatternMatches(p, uid) })
	}
	for p := range r.Rules {
		if IndexPatternMatches(p, uid) {
			return true
		}
	}
	return false
}

// FilterOf returns the filter of the most specific matching rule: exact
// patterns before prefixes, longer before shorter (nil for none).
func (r SearchRules) FilterOf(uid string) any {
	best, bestExact, bestLen := (*IndexRule)(nil), false, -1
	for p, rule := range r.Rules {
		if !IndexPatternMatches(p, uid) {
			continue
		}
		exact := !strings.HasSuffix(p, "*")
		if exact && !bestExact || exact == bestExact && len(p) > bestLen {
			best, bestExact, bestLen = rule, exact, len(p)
		}
	}
	if best == nil {
		return nil
	}
	return best.Filter
}

// Allowed lists the token's index patterns, sorted (for error messages).
func (r SearchRules) Allowed() []string {
	if r.Rules == nil {
		return slices.Sorted(slices.Values(r.Patterns))
	}
	var out []string
	for p := range r.Rules {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// FilterFor returns the filter to AND into a search on indexUID and
// whether the token may search it at all (its rules and its parent key
// both allow the index).
func (tc *TenantClaims) FilterFor(indexUID string) (filter any, allowed bool) {
	if !tc.Rules.IndexAllowed(indexUID) || !tc.Key.AllowsIndex(indexUID) {
		return nil, false
	}
	return tc.Rules.FilterOf(indexUID), true
}

// AuthorizeIndex explains a refusal of FilterFor with Meilisearch's
// messages (invalid_api_key), or returns nil.
func (tc *TenantClaims) AuthorizeIndex(indexUID string) error {
	if !tc.Rules.IndexAllowed(indexUID) {
		return Errorf(CodeInvalidAPIKey, "The provided tenant token cannot acces the index `%s`, allowed indexes are [%s].",
			indexUID, debugList(tc.Rules.Allowed()))
	}
	if !tc.Key.AllowsIndex(indexUID) {
		return Errorf(CodeInvalidAPIKey, "The API key used to generate this tenant token cannot acces the index `%s`.", indexUID)
	}
	return nil
}

// MarshalJSON writes the rules in their JSON form.
func (r SearchRules) MarshalJSON() ([]byte, error) {
	if r.Rules == nil {
		return json.Marshal(r.Patterns)
	}
	return json.Marshal(r.Rules)
}

// String is for logs.
func (tc *TenantClaims) String() string {
	return fmt.Sprintf("tenant token of key %s", tc.APIKeyUID)
}
