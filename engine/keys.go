package engine

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// apiKey is a Meilisearch API key as stored and as listed (field order is
// Meilisearch's). Key is derived from the master key and the uid, never
// stored.
type apiKey struct {
	Name        *string    `json:"name"`
	Description *string    `json:"description"`
	Key         string     `json:"key"`
	UID         string     `json:"uid"`
	Actions     []string   `json:"actions"`
	Indexes     []string   `json:"indexes"`
	ExpiresAt   *time.Time `json:"expiresAt"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

func (k *apiKey) expired(now time.Time) bool {
	return k.ExpiresAt != nil && !now.Before(*k.ExpiresAt)
}

// deriveKey is Meilisearch's key value: hex(HMAC-SHA256(master, uid)).
func deriveKey(master, uid string) string {
	m := hmac.New(sha256.New, []byte(master))
	m.Write([]byte(uid))
	return hex.EncodeToString(m.Sum(nil))
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// defaultKeys are the keys Meilisearch creates on first start with a master key.
var defaultKeys = []struct {
	name, description string
	actions           []string
}{
	{"Default Search API Key", "Use it to search from the frontend", []string{"search"}},
	{"Default Admin API Key", "Use it for anything that is not a search operation. Caution! Do not expose it on a public frontend", []string{"*"}},
	{"Default Read-Only Admin API Key", "Use it to read information across the whole database. Caution! Do not expose it on a public frontend", []string{"*.get", "keys.get"}},
	{"Default Chat API Key", "Use it to chat and search from the frontend", []string{"chatCompletions", "search"}},
}

func newAuthority(st *store, master string) (*authority, error) {
	a := &authority{st: st, master: master, keys: map[string]*apiKey{}}
	err := st.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketKeys)
		if master != "" && tx.Bucket(bucketMeta).Get(metaKeysInit) == nil {
			now := time.Now().UTC()
			for i, d := range defaultKeys {
				name, desc := d.name, d.description
				k := &apiKey{Name: &name, Description: &desc, UID: newUUID(), Actions: d.actions,
					Indexes: []string{"*"}, CreatedAt: now.Add(time.Duration(i) * time.Microsecond)}
				k.UpdatedAt = k.CreatedAt
				if err := putJSON(tx, bucketKeys, []byte(k.UID), k); err != nil {
					return err
				}
			}
			if err := tx.Bucket(bucketMeta).Put(metaKeysInit, []byte{1}); err != nil {
				return err
			}
		}
		return b.ForEach(func(_, v []byte) error {
			k := new(apiKey)
			if err := json.Unmarshal(v, k); err != nil {
				return err
			}
			a.keys[k.UID] = k
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("engine: load keys: %w", err)
	}
	return a, nil
}

// withValue returns a copy of k with its derived key value filled in.
func (a *authority) withValue(k *apiKey) apiKey {
	c := *k
	c.Key = deriveKey(a.master, k.UID)
	return c
}

// byValue finds the key whose derived value is v.
func (a *authority) byValue(v string) (apiKey, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	for _, k := range a.keys {
		if subtle.ConstantTimeCompare([]byte(deriveKey(a.master, k.UID)), []byte(v)) == 1 {
			return a.withValue(k), true
		}
	}
	return apiKey{}, false
}

// lookup finds a key by uid or by value.
func (a *authority) lookup(uidOrKey string) (apiKey, bool) {
	a.mu.RLock()
	k, ok := a.keys[uidOrKey]
	a.mu.RUnlock()
	if ok {
		return a.withValue(k), true
	}
	return a.byValue(uidOrKey)
}

func (a *authority) save(k apiKey) error {
	k.Key = ""
	err := a.st.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bucketKeys, []byte(k.UID), k) })
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.keys[k.UID] = &k
	a.mu.Unlock()
	return nil
}

func (a *authority) remove(uid string) error {
	err := a.st.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketKeys).Delete([]byte(uid)) })
	if err != nil {
		return err
	}
	a.mu.Lock()
	delete(a.keys, uid)
	a.mu.Unlock()
	return nil
}

func (a *authority) list() []apiKey {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]apiKey, 0, len(a.keys))
	for _, k := range a.keys {
		out = append(out, a.withValue(k))
	}
	return out
}
