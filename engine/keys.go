package engine

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"github.com/miroir-search/miroir/meili"
	bolt "go.etcd.io/bbolt"
)

// apiKey is a Meilisearch API key. It is stored without its value, which
// is always meili.DeriveKey(master, uid).
type apiKey = meili.Key

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func newAuthority(st *store, master string) (*authority, error) {
	a := &authority{st: st, master: master, keys: map[string]*apiKey{}, values: map[string]string{}}
	err := st.db.Update(func(tx *bolt.Tx) error {
		if master != "" && tx.Bucket(bucketMeta).Get(metaKeysInit) == nil {
			if err := createDefaultKeys(tx, master); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketKeys).ForEach(func(_, v []byte) error {
			k := new(apiKey)
			if err := json.Unmarshal(v, k); err != nil {
				return err
			}
			a.index(k)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("engine: load keys: %w", err)
	}
	return a, nil
}

// createDefaultKeys stores Meilisearch's four default keys, once per data
// directory. Creation times differ by a microsecond so listings are stable.
func createDefaultKeys(tx *bolt.Tx, master string) error {
	uids := [4]string{newUUID(), newUUID(), newUUID(), newUUID()}
	now := time.Now().UTC()
	for i, k := range meili.DefaultKeys(master, uids, now) {
		k.Key = ""
		k.CreatedAt = now.Add(time.Duration(i) * time.Microsecond)
		k.UpdatedAt = k.CreatedAt
		if err := putJSON(tx, bucketKeys, []byte(k.UID), k); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(metaKeysInit, []byte{1})
}

// index adds k to the in-memory maps; callers hold a.mu or own a.
func (a *authority) index(k *apiKey) {
	k.Key = ""
	a.keys[k.UID] = k
	a.values[meili.DeriveKey(a.master, k.UID)] = k.UID
}

// withValue returns a copy of k with its derived key value filled in.
func (a *authority) withValue(k *apiKey) apiKey {
	c := *k
	c.Key = meili.DeriveKey(a.master, k.UID)
	return c
}

// byValue finds the key whose value is v.
func (a *authority) byValue(v string) (apiKey, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	uid, ok := a.values[v]
	if !ok {
		return apiKey{}, false
	}
	return a.withValue(a.keys[uid]), true
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
	a.index(&k)
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
	delete(a.values, meili.DeriveKey(a.master, uid))
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
