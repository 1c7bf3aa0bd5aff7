package store

import "time"

// Key is a Meilisearch API key. The key value is derived from the master key
// and the uid (meili.DeriveKey) and is never stored.
type Key struct {
	UID         string     `json:"uid"`
	Name        *string    `json:"name"`
	Description *string    `json:"description"`
	Actions     []string   `json:"actions"`
	Indexes     []string   `json:"indexes"`
	ExpiresAt   *time.Time `json:"expiresAt"` // nil = never
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
}

// CreateKey stores a new key; its uid must be new. Validation of actions and
// index patterns belongs to the caller (the meili package knows them).
func (s *State) CreateKey(k Key, at time.Time) (Key, error) {
	if k.UID == "" {
		return Key{}, errorf(ErrInvalid, "an api key needs a uid")
	}
	if k.ExpiresAt != nil {
		if err := checkTime("expiresAt", *k.ExpiresAt); err != nil {
			return Key{}, err
		}
	}
	if _, ok := s.keys[k.UID]; ok {
		return Key{}, errorf(ErrKeyExists, "`uid` field value `%s` is already an existing API key.", k.UID)
	}
	k.Name, k.Description = copyStr(k.Name), copyStr(k.Description)
	k.Actions = append([]string{}, k.Actions...)
	k.Indexes = append([]string{}, k.Indexes...)
	k.ExpiresAt = utcPtr(k.ExpiresAt)
	k.CreatedAt, k.UpdatedAt = utc(at), utc(at)
	s.keys[k.UID] = k
	return k, nil
}

// KeyUpdate lists the mutable fields of a key (Meilisearch allows only the
// name and the description). A field changes only when its Set flag is
// true; a nil value then resets it to null.
type KeyUpdate struct {
	SetName        bool    `json:"setName,omitempty"`
	Name           *string `json:"name,omitempty"`
	SetDescription bool    `json:"setDescription,omitempty"`
	Description    *string `json:"description,omitempty"`
}

// UpdateKey applies a KeyUpdate and returns the key.
func (s *State) UpdateKey(uid string, u KeyUpdate, at time.Time) (Key, error) {
	k, ok := s.keys[uid]
	if !ok {
		return Key{}, keyNotFound(uid)
	}
	if u.SetName {
		k.Name = copyStr(u.Name)
	}
	if u.SetDescription {
		k.Description = copyStr(u.Description)
	}
	k.UpdatedAt = utc(at)
	s.keys[uid] = k
	return k, nil
}

func copyStr(p *string) *string {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// DeleteKey removes a key.
func (s *State) DeleteKey(uid string) error {
	if _, ok := s.keys[uid]; !ok {
		return keyNotFound(uid)
	}
	delete(s.keys, uid)
	return nil
}

func keyNotFound(uid string) error {
	return errorf(ErrKeyNotFound, "API key `%s` not found.", uid)
}

// Key returns one key by uid.
func (s *State) Key(uid string) (Key, bool) {
	k, ok := s.keys[uid]
	return k, ok
}

// Keys returns every key, sorted by uid.
func (s *State) Keys() []Key { return sortedValues(s.keys) }
