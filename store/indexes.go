package store

import (
	"encoding/json"
	"time"
)

// Shard count bounds. The count is fixed when an index is created.
const (
	DefaultShards = 64
	MaxShards     = 4096
)

// Index is one client-visible index in the catalog.
type Index struct {
	UID string `json:"uid"`
	// PhysicalName is the index name on the nodes. It equals UID at creation;
	// swaps exchange it, so a swap is one catalog change.
	PhysicalName    string          `json:"physicalName"`
	PrimaryKey      string          `json:"primaryKey,omitempty"` // "" = not yet known
	Shards          int             `json:"shards"`
	Settings        json.RawMessage `json:"settings,omitempty"` // canonical JSON
	SettingsVersion uint64          `json:"settingsVersion"`    // 1 at creation, +1 per update
	CreatedAt       time.Time       `json:"createdAt"`
	UpdatedAt       time.Time       `json:"updatedAt"`
}

// NewIndex describes an index to create. Zero fields take defaults:
// PhysicalName = UID, Shards = DefaultShards.
type NewIndex struct {
	UID          string          `json:"uid"`
	PhysicalName string          `json:"physicalName,omitempty"`
	PrimaryKey   string          `json:"primaryKey,omitempty"`
	Shards       int             `json:"shards,omitempty"`
	Settings     json.RawMessage `json:"settings,omitempty"`
}

// CreateIndex adds an index to the catalog and returns it.
func (s *State) CreateIndex(n NewIndex, at time.Time) (Index, error) {
	n, err := n.normalize()
	if err != nil {
		return Index{}, err
	}
	if _, ok := s.indexes[n.UID]; ok {
		return Index{}, errorf(ErrIndexExists, "Index `%s` already exists.", n.UID)
	}
	if _, ok := s.aliases[n.UID]; ok {
		return Index{}, errorf(ErrAliasConflict, "`%s` is already an alias; choose another index uid.", n.UID)
	}
	idx := Index{
		UID: n.UID, PhysicalName: n.PhysicalName, PrimaryKey: n.PrimaryKey, Shards: n.Shards,
		Settings: n.Settings, SettingsVersion: 1, CreatedAt: utc(at), UpdatedAt: utc(at),
	}
	s.indexes[n.UID] = idx
	return idx, nil
}

// normalize fills defaults, canonicalises the settings and checks bounds,
// without looking at the state.
func (n NewIndex) normalize() (NewIndex, error) {
	if n.UID == "" {
		return n, errorf(ErrInvalid, "an index needs a uid")
	}
	if n.Shards == 0 {
		n.Shards = DefaultShards
	}
	if n.Shards < 1 || n.Shards > MaxShards {
		return n, errorf(ErrInvalid, "The shard count must be between 1 and %d, got %d.", MaxShards, n.Shards)
	}
	if n.PhysicalName == "" {
		n.PhysicalName = n.UID
	}
	settings, err := canonicalJSON(n.Settings)
	n.Settings = settings
	return n, err
}

// SetPrimaryKey sets the primary key of an index. Setting the key it already
// has is a no-op; changing a known key is refused (the caller checks that
// the index is empty and then uses force).
func (s *State) SetPrimaryKey(uid, key string, force bool, at time.Time) (Index, error) {
	idx, ok := s.indexes[uid]
	if !ok {
		return Index{}, indexNotFound(uid)
	}
	if key == "" || idx.PrimaryKey == key {
		return idx, nil
	}
	if idx.PrimaryKey != "" && !force {
		return Index{}, errorf(ErrPrimaryKeyExists, "Index `%s` already has a primary key: `%s`.", uid, idx.PrimaryKey)
	}
	idx.PrimaryKey, idx.UpdatedAt = key, utc(at)
	s.indexes[uid] = idx
	return idx, nil
}

// UpdateSettings replaces the settings of an index. ifVersion, when not 0,
// must equal the current settings version (compare-and-set, so two peers
// merging a patch concurrently cannot lose one). Returns the new version.
func (s *State) UpdateSettings(uid string, settings json.RawMessage, ifVersion uint64, at time.Time) (uint64, error) {
	idx, ok := s.indexes[uid]
	if !ok {
		return 0, indexNotFound(uid)
	}
	if ifVersion != 0 && ifVersion != idx.SettingsVersion {
		return 0, errorf(ErrSettingsVersion,
			"The settings of index `%s` changed (version %d, expected %d); read them again and retry.",
			uid, idx.SettingsVersion, ifVersion)
	}
	canon, err := canonicalJSON(settings)
	if err != nil {
		return 0, err
	}
	idx.Settings, idx.SettingsVersion, idx.UpdatedAt = canon, idx.SettingsVersion+1, utc(at)
	s.indexes[uid] = idx
	return idx.SettingsVersion, nil
}

// DeleteIndex removes an index from the catalog. Aliases that point to it
// stay and resolve to nothing until they are moved or deleted.
func (s *State) DeleteIndex(uid string) error {
	if _, ok := s.indexes[uid]; !ok {
		return indexNotFound(uid)
	}
	delete(s.indexes, uid)
	return nil
}

func indexNotFound(uid string) error {
	return errorf(ErrIndexNotFound, "Index `%s` not found.", uid)
}

// Index returns one index by uid (aliases are not resolved).
func (s *State) Index(uid string) (Index, bool) {
	idx, ok := s.indexes[uid]
	return idx, ok
}

// Indexes returns every index, sorted by uid.
func (s *State) Indexes() []Index { return sortedValues(s.indexes) }
