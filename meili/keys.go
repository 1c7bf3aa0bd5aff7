package meili

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// Action is an API key action.
type Action string

// Every action, in Meilisearch's order (the order of "expected one of" in
// errors).
const (
	ActionAll                      Action = "*"
	ActionSearch                   Action = "search"
	ActionDocumentsAll             Action = "documents.*"
	ActionDocumentsAdd             Action = "documents.add"
	ActionDocumentsGet             Action = "documents.get"
	ActionDocumentsDelete          Action = "documents.delete"
	ActionIndexesAll               Action = "indexes.*"
	ActionIndexesCreate            Action = "indexes.create"
	ActionIndexesGet               Action = "indexes.get"
	ActionIndexesUpdate            Action = "indexes.update"
	ActionIndexesDelete            Action = "indexes.delete"
	ActionIndexesSwap              Action = "indexes.swap"
	ActionTasksAll                 Action = "tasks.*"
	ActionTasksCancel              Action = "tasks.cancel"
	ActionTasksDelete              Action = "tasks.delete"
	ActionTasksGet                 Action = "tasks.get"
	ActionSettingsAll              Action = "settings.*"
	ActionSettingsGet              Action = "settings.get"
	ActionSettingsUpdate           Action = "settings.update"
	ActionStatsAll                 Action = "stats.*"
	ActionStatsGet                 Action = "stats.get"
	ActionMetricsAll               Action = "metrics.*"
	ActionMetricsGet               Action = "metrics.get"
	ActionDumpsAll                 Action = "dumps.*"
	ActionDumpsCreate              Action = "dumps.create"
	ActionSnapshotsAll             Action = "snapshots.*"
	ActionSnapshotsCreate          Action = "snapshots.create"
	ActionVersion                  Action = "version"
	ActionKeysCreate               Action = "keys.create"
	ActionKeysGet                  Action = "keys.get"
	ActionKeysUpdate               Action = "keys.update"
	ActionKeysDelete               Action = "keys.delete"
	ActionExperimentalGet          Action = "experimental.get"
	ActionExperimentalUpdate       Action = "experimental.update"
	ActionExport                   Action = "export"
	ActionNetworkGet               Action = "network.get"
	ActionNetworkUpdate            Action = "network.update"
	ActionChatCompletions          Action = "chatCompletions"
	ActionChatsAll                 Action = "chats.*"
	ActionChatsGet                 Action = "chats.get"
	ActionChatsDelete              Action = "chats.delete"
	ActionChatsSettingsAll         Action = "chatsSettings.*"
	ActionChatsSettingsGet         Action = "chatsSettings.get"
	ActionChatsSettingsUpdate      Action = "chatsSettings.update"
	ActionAllGet                   Action = "*.get"
	ActionWebhooksGet              Action = "webhooks.get"
	ActionWebhooksUpdate           Action = "webhooks.update"
	ActionWebhooksDelete           Action = "webhooks.delete"
	ActionWebhooksCreate           Action = "webhooks.create"
	ActionWebhooksAll              Action = "webhooks.*"
	ActionIndexesCompact           Action = "indexes.compact"
	ActionFieldsPost               Action = "fields.post"
	ActionTasksCompact             Action = "tasks.compact"
	ActionDynamicSearchRulesGet    Action = "dynamicSearchRules.get"
	ActionDynamicSearchRulesCreate Action = "dynamicSearchRules.create"
	ActionDynamicSearchRulesUpdate Action = "dynamicSearchRules.update"
	ActionDynamicSearchRulesDelete Action = "dynamicSearchRules.delete"
	ActionDynamicSearchRulesAll    Action = "dynamicSearchRules.*"
)

// Actions lists every action in Meilisearch's order.
func Actions() []Action {
	return []Action{ActionAll, ActionSearch, ActionDocumentsAll, ActionDocumentsAdd, ActionDocumentsGet,
		ActionDocumentsDelete, ActionIndexesAll, ActionIndexesCreate, ActionIndexesGet, ActionIndexesUpdate,
		ActionIndexesDelete, ActionIndexesSwap, ActionTasksAll, ActionTasksCancel, ActionTasksDelete,
		ActionTasksGet, ActionSettingsAll, ActionSettingsGet, ActionSettingsUpdate, ActionStatsAll,
		ActionStatsGet, ActionMetricsAll, ActionMetricsGet, ActionDumpsAll, ActionDumpsCreate,
		ActionSnapshotsAll, ActionSnapshotsCreate, ActionVersion, ActionKeysCreate, ActionKeysGet,
		ActionKeysUpdate, ActionKeysDelete, ActionExperimentalGet, ActionExperimentalUpdate, ActionExport,
		ActionNetworkGet, ActionNetworkUpdate, ActionChatCompletions, ActionChatsAll, ActionChatsGet,
		ActionChatsDelete, ActionChatsSettingsAll, ActionChatsSettingsGet, ActionChatsSettingsUpdate,
		ActionAllGet, ActionWebhooksGet, ActionWebhooksUpdate, ActionWebhooksDelete, ActionWebhooksCreate,
		ActionWebhooksAll, ActionIndexesCompact, ActionFieldsPost, ActionTasksCompact,
		ActionDynamicSearchRulesGet, ActionDynamicSearchRulesCreate, ActionDynamicSearchRulesUpdate,
		ActionDynamicSearchRulesDelete, ActionDynamicSearchRulesAll}
}

// readActions are what `*.get` grants (milli's Action::is_read). keys.get
// is deliberately absent: it would allow privilege escalation.
var readActions = []Action{ActionSearch, ActionDocumentsGet, ActionExport, ActionIndexesGet,
	ActionTasksGet, ActionSettingsGet, ActionStatsGet, ActionMetricsGet, ActionVersion,
	ActionExperimentalGet, ActionNetworkGet, ActionChatsGet, ActionChatsSettingsGet, ActionWebhooksGet,
	ActionFieldsPost, ActionDynamicSearchRulesGet}

// Grants reports whether holding a grants want: equal, `*` (everything),
// `*.get` (the read actions) or a family wildcard such as `documents.*`.
func (a Action) Grants(want Action) bool {
	switch {
	case a == want || a == ActionAll:
		return true
	case a == ActionAllGet:
		return slices.Contains(readActions, want)
	}
	family, ok := strings.CutSuffix(string(a), ".*")
	return ok && strings.HasPrefix(string(want), family+".") && !strings.HasSuffix(string(want), ".*")
}

// Key is an API key as GET /keys/{uid} shows it. Key (the secret value) is
// DeriveKey(masterKey, UID).
type Key struct {
	Name        *string    `json:"name"`
	Description *string    `json:"description"`
	Key         string     `json:"key"`
	UID         string     `json:"uid"`
	Actions     []Action   `json:"actions"`
	Indexes     []string   `json:"indexes"`
	ExpiresAt   *time.Time `json:"expiresAt"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

// KeyList is the body of GET /keys.
type KeyList = Page[Key]

// Expired reports whether the key's expiry is not after now.
func (k *Key) Expired(now time.Time) bool {
	return k.ExpiresAt != nil && !k.ExpiresAt.After(now)
}

// KeyAllows reports whether key may perform action on indexUID at time
// now: not expired, an action granting it, and an index pattern matching
// indexUID ("" for routes that are not about one index).
func KeyAllows(key Key, action Action, indexUID string, now time.Time) bool {
	if key.Expired(now) {
		return false
	}
	granted := slices.ContainsFunc(key.Actions, func(a Action) bool { return a.Grants(action) })
	return granted && (indexUID == "" || key.AllowsIndex(indexUID))
}

// AllowsIndex reports whether one of the key's index patterns matches uid.
func (k *Key) AllowsIndex(uid string) bool {
	return slices.ContainsFunc(k.Indexes, func(p string) bool { return IndexPatternMatches(p, uid) })
}

// DeriveKey is Meilisearch's key value: lowercase hex of
// HMAC-SHA256(key = masterKey, message = lowercase hyphenated uid).
func DeriveKey(masterKey, uid string) string {
	mac := hmac.New(sha256.New, []byte(masterKey))
	mac.Write([]byte(strings.ToLower(uid)))
	return hex.EncodeToString(mac.Sum(nil))
}

// DefaultKeys returns the keys Meilisearch creates on first start with a
// master key, in its creation order (chat, read-only admin, admin,
// search). uids are the caller's uuid v4s, one per key in that order, so
// that creation stays deterministic (e.g. allocated once by the FSM).
func DefaultKeys(masterKey string, uids [4]string, now time.Time) []Key {
	specs := []struct {
		name, desc string
		actions    []Action
	}{
		{"Default Chat API Key", "Use it to chat and search from the frontend", []Action{ActionChatCompletions, ActionSearch}},
		{"Default Read-Only Admin API Key", "Use it to read information across the whole database. Caution! Do not expose this key on a public frontend", []Action{ActionAllGet, ActionKeysGet}},
		{"Default Admin API Key", "Use it for anything that is not a search operation. Caution! Do not expose it on a public frontend", []Action{ActionAll}},
		{"Default Search API Key", "Use it to search from the frontend", []Action{ActionSearch}},
	}
	keys := make([]Key, len(specs))
	for i, s := range specs {
		name, desc := s.name, s.desc
		keys[i] = Key{Name: &name, Description: &desc, Key: DeriveKey(masterKey, uids[i]), UID: strings.ToLower(uids[i]),
			Actions: s.actions, Indexes: []string{"*"}, CreatedAt: now, UpdatedAt: now}
	}
	return keys
}
