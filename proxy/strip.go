package proxy

import (
	"bytes"
	"encoding/json"
)

// reservedPrefix marks miroir's own document fields (_miroir_shard,
// _miroir_version). They are rejected on input and stripped from every output.
const reservedPrefix = "_miroir_"

// stripSpec says which top-level fields of a hit the client must not see.
type stripSpec struct {
	keepScore   bool     // client asked for showRankingScore
	keepDetails bool     // client asked for showRankingScoreDetails
	extra       []string // fields the proxy added to attributesToRetrieve
}

func (sp *stripSpec) drop(key []byte) bool {
	if len(key) > 0 && key[0] == '_' {
		if bytes.HasPrefix(key, []byte(reservedPrefix)) {
			return true
		}
		switch string(key) {
		case "_rankingScore":
			return !sp.keepScore
		case "_rankingScoreDetails":
			return !sp.keepDetails
		}
	}
	for _, e := range sp.extra {
		if string(key) == e {
			return true
		}
	}
	return false
}

// nested is the spec for _formatted and _matchesPosition, which mirror the
// document's fields: only reserved and proxy-added fields go.
func (sp *stripSpec) nested() *stripSpec {
	return &stripSpec{keepScore: true, keepDetails: true, extra: sp.extra}
}

// stripHit appends hit to dst without the fields sp drops. It copies the
// kept members byte for byte; nothing is re-encoded.
func stripHit(dst, hit []byte, sp *stripSpec) ([]byte, error) {
	s := scanner{b: hit}
	dst = append(dst, '{')
	first := true
	var inner *stripSpec
	err := s.members(func(key []byte, start int) (bool, error) {
		isNested := string(key) == "_formatted" || string(key) == "_matchesPosition"
		valStart := s.i
		raw, err := s.skip()
		if err != nil || sp.drop(key) {
			return true, err
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		if isNested && len(raw) > 0 && raw[0] == '{' {
			if inner == nil {
				inner = sp.nested()
			}
			dst = append(dst, hit[start:valStart]...)
			dst, err = stripHit(dst, raw, inner)
			return true, err
		}
		dst = append(dst, hit[start:s.i]...)
		return true, nil
	})
	return append(dst, '}'), err
}

// stripHits strips every hit into one shared buffer (one allocation for the
// whole page) and returns the stripped hits as slices of it.
func stripHits(hits []mergedHit, sp *stripSpec) ([]json.RawMessage, error) {
	n := 0
	for _, h := range hits {
		n += len(h.Hit) + 1
	}
	buf := make([]byte, 0, n)
	out := make([]json.RawMessage, len(hits))
	for i := range hits {
		start := len(buf)
		var err error
		if buf, err = stripMerged(buf, &hits[i], sp); err != nil {
			return nil, err
		}
		out[i] = buf[start:len(buf):len(buf)]
	}
	return out, nil
}

// stripMerged is stripHit for a merged hit: a copy of the bytes between the
// dropped members when the hit's answer was parsed with sp.
func stripMerged(dst []byte, h *mergedHit, sp *stripSpec) ([]byte, error) {
	if h.meta != nil && h.strip == sp {
		return spliceHit(dst, h.Hit, h.meta.drops), nil
	}
	return stripHit(dst, h.Hit, sp)
}
