package store

import (
	"strings"
	"time"
)

// Swap is one pair of a swap request. Without Rename the two catalog entries
// exchange everything but their uid; with Rename, Indexes[0] is renamed to
// Indexes[1], which must not exist.
type Swap struct {
	Indexes [2]string `json:"indexes"`
	Rename  bool      `json:"rename,omitempty"`
}

// SwapIndexes applies every swap or none: it validates all pairs first.
func (s *State) SwapIndexes(swaps []Swap, at time.Time) error {
	if err := s.validateSwaps(swaps); err != nil {
		return err
	}
	for _, sw := range swaps {
		a, b := sw.Indexes[0], sw.Indexes[1]
		if sw.Rename {
			idx := s.indexes[a]
			idx.UID, idx.UpdatedAt = b, utc(at)
			delete(s.indexes, a)
			s.indexes[b] = idx
			continue
		}
		ia, ib := s.indexes[a], s.indexes[b]
		ia.UID, ib.UID = b, a
		ia.UpdatedAt, ib.UpdatedAt = utc(at), utc(at)
		s.indexes[a], s.indexes[b] = ib, ia
	}
	return nil
}

func (s *State) validateSwaps(swaps []Swap) error {
	if len(swaps) == 0 {
		return errorf(ErrInvalid, "a swap needs at least one pair of indexes")
	}
	seen := map[string]bool{}
	var missing []string
	for _, sw := range swaps {
		for i, uid := range sw.Indexes {
			if uid == "" {
				return errorf(ErrInvalid, "a swap needs two index uids")
			}
			if seen[uid] {
				return errorf(ErrSwapDuplicate, "Indexes must be declared only once during a swap. `%s` was specified several times.", uid)
			}
			seen[uid] = true
			_, exists := s.indexes[uid]
			if sw.Rename && i == 1 {
				if exists {
					return errorf(ErrIndexExists, "Index `%s` already exists.", uid)
				}
				if _, alias := s.aliases[uid]; alias {
					return errorf(ErrAliasConflict, "`%s` is already an alias; choose another index uid.", uid)
				}
				continue
			}
			if !exists {
				missing = append(missing, "`"+uid+"`")
			}
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return errorf(ErrIndexNotFound, "Index %s not found.", missing[0])
	default:
		return errorf(ErrIndexNotFound, "Indexes %s not found.", strings.Join(missing, ", "))
	}
}
