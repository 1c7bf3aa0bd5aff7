package store

import "time"

// AliasHistoryMax bounds the history kept per alias (oldest dropped first).
const AliasHistoryMax = 16

// Alias maps a name to an index uid. Moving an alias is one catalog change,
// atomic across the fleet.
type Alias struct {
	Name      string        `json:"name"`
	IndexUID  string        `json:"indexUid"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
	History   []AliasChange `json:"history,omitempty"` // previous targets, oldest first
}

// AliasChange records the target an alias had until At.
type AliasChange struct {
	IndexUID string    `json:"indexUid"`
	Until    time.Time `json:"until"`
}

// SetAlias creates an alias or points it at another index. The index must
// exist and the name must not be an index uid.
func (s *State) SetAlias(name, indexUID string, at time.Time) (Alias, error) {
	if name == "" {
		return Alias{}, errorf(ErrInvalid, "an alias needs a name")
	}
	if _, ok := s.indexes[name]; ok {
		return Alias{}, errorf(ErrAliasConflict, "`%s` is an index uid; choose another alias name.", name)
	}
	if _, ok := s.indexes[indexUID]; !ok {
		return Alias{}, indexNotFound(indexUID)
	}
	a, ok := s.aliases[name]
	switch {
	case !ok:
		a = Alias{Name: name, IndexUID: indexUID, CreatedAt: utc(at), UpdatedAt: utc(at)}
	case a.IndexUID == indexUID:
		return a, nil
	default:
		a.History = appendHistory(a.History, AliasChange{IndexUID: a.IndexUID, Until: utc(at)})
		a.IndexUID, a.UpdatedAt = indexUID, utc(at)
	}
	s.aliases[name] = a
	return a, nil
}

// appendHistory returns a new slice (values in State are never mutated in
// place), keeping the newest AliasHistoryMax entries.
func appendHistory(h []AliasChange, c AliasChange) []AliasChange {
	if len(h) >= AliasHistoryMax {
		h = h[len(h)-AliasHistoryMax+1:]
	}
	out := make([]AliasChange, 0, len(h)+1)
	return append(append(out, h...), c)
}

// DeleteAlias removes an alias.
func (s *State) DeleteAlias(name string) error {
	if _, ok := s.aliases[name]; !ok {
		return errorf(ErrAliasNotFound, "Alias `%s` not found.", name)
	}
	delete(s.aliases, name)
	return nil
}

// Alias returns one alias.
func (s *State) Alias(name string) (Alias, bool) {
	a, ok := s.aliases[name]
	return a, ok
}

// Aliases returns every alias, sorted by name.
func (s *State) Aliases() []Alias { return sortedValues(s.aliases) }

// ResolveIndex returns the index named by an index uid or, failing that, by
// an alias.
func (s *State) ResolveIndex(name string) (Index, bool) {
	if idx, ok := s.indexes[name]; ok {
		return idx, true
	}
	if a, ok := s.aliases[name]; ok {
		idx, ok := s.indexes[a.IndexUID]
		return idx, ok
	}
	return Index{}, false
}
