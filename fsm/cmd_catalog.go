package fsm

import (
	"encoding/json"
	"time"

	"github.com/miroir-search/miroir/store"
)

// CreateIndex adds an index to the catalog. Result: store.Index.
type CreateIndex struct {
	Meta
	Index store.NewIndex `json:"index"`
}

func (CreateIndex) Type() CommandType { return CmdCreateIndex }
func (c CreateIndex) apply(s *store.State, at time.Time) (any, error) {
	return orNil(s.CreateIndex(c.Index, at))
}

// UpdateIndex sets an index's primary key. Changing a key that is already
// set needs Force (the proposer checked that the index holds no document).
// Result: store.Index.
type UpdateIndex struct {
	Meta
	UID        string `json:"uid"`
	PrimaryKey string `json:"primaryKey"`
	Force      bool   `json:"force,omitempty"`
}

func (UpdateIndex) Type() CommandType { return CmdUpdateIndex }
func (c UpdateIndex) apply(s *store.State, at time.Time) (any, error) {
	return orNil(s.SetPrimaryKey(c.UID, c.PrimaryKey, c.Force, at))
}

// DeleteIndex removes an index from the catalog. Result: none.
type DeleteIndex struct {
	Meta
	UID string `json:"uid"`
}

func (DeleteIndex) Type() CommandType { return CmdDeleteIndex }
func (c DeleteIndex) apply(s *store.State, _ time.Time) (any, error) {
	return nil, s.DeleteIndex(c.UID)
}

// UpdateSettings replaces an index's settings (the full, merged settings,
// once every node applied them). IfVersion, when not 0, must be the current
// settings version. Result: SettingsResult.
type UpdateSettings struct {
	Meta
	UID       string          `json:"uid"`
	Settings  json.RawMessage `json:"settings"`
	IfVersion uint64          `json:"ifVersion,omitempty"`
}

// SettingsResult is the Apply value of UpdateSettings.
type SettingsResult struct {
	SettingsVersion uint64 `json:"settingsVersion"`
}

func (UpdateSettings) Type() CommandType { return CmdUpdateSettings }
func (c UpdateSettings) apply(s *store.State, at time.Time) (any, error) {
	v, err := s.UpdateSettings(c.UID, c.Settings, c.IfVersion, at)
	if err != nil {
		return nil, err
	}
	return SettingsResult{SettingsVersion: v}, nil
}

// SwapIndexes swaps (or renames) catalog entries, all pairs or none, in one
// step, so every peer routes to the new physical indexes at the same log
// index. Result: none.
type SwapIndexes struct {
	Meta
	Swaps []store.Swap `json:"swaps"`
}

func (SwapIndexes) Type() CommandType { return CmdSwapIndexes }
func (c SwapIndexes) apply(s *store.State, at time.Time) (any, error) {
	return nil, s.SwapIndexes(c.Swaps, at)
}

// SetAlias creates or moves an alias. Result: store.Alias.
type SetAlias struct {
	Meta
	Name     string `json:"name"`
	IndexUID string `json:"indexUid"`
}

func (SetAlias) Type() CommandType { return CmdSetAlias }
func (c SetAlias) apply(s *store.State, at time.Time) (any, error) {
	return orNil(s.SetAlias(c.Name, c.IndexUID, at))
}

// DeleteAlias removes an alias. Result: none.
type DeleteAlias struct {
	Meta
	Name string `json:"name"`
}

func (DeleteAlias) Type() CommandType { return CmdDeleteAlias }
func (c DeleteAlias) apply(s *store.State, _ time.Time) (any, error) {
	return nil, s.DeleteAlias(c.Name)
}

// CreateKey stores an API key (its uid chosen by the proposer, e.g. a
// random UUID; CreatedAt and UpdatedAt are set from the command time).
// Result: store.Key.
type CreateKey struct {
	Meta
	Key store.Key `json:"key"`
}

func (CreateKey) Type() CommandType { return CmdCreateKey }
func (c CreateKey) apply(s *store.State, at time.Time) (any, error) {
	return orNil(s.CreateKey(c.Key, at))
}

// UpdateKey changes a key's name or description. Result: store.Key.
type UpdateKey struct {
	Meta
	UID    string          `json:"uid"`
	Update store.KeyUpdate `json:"update"`
}

func (UpdateKey) Type() CommandType { return CmdUpdateKey }
func (c UpdateKey) apply(s *store.State, at time.Time) (any, error) {
	return orNil(s.UpdateKey(c.UID, c.Update, at))
}

// DeleteKey removes an API key. Result: none.
type DeleteKey struct {
	Meta
	UID string `json:"uid"`
}

func (DeleteKey) Type() CommandType { return CmdDeleteKey }
func (c DeleteKey) apply(s *store.State, _ time.Time) (any, error) {
	return nil, s.DeleteKey(c.UID)
}

// orNil drops the value when err is set, so a failed command has no Value.
func orNil[T any](v T, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}
