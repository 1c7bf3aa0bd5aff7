package proxy

import (
	"encoding/json"
)

// source is one ranked list of hits to merge: one node's answer for the
// shards it covers, or one query of a federated multi-search.
type source struct {
	Hits     []json.RawMessage
	Fields   keyFields
	Weight   float64 // federation weight; 0 means 1
	Position int     // federated queriesPosition; 0 for plain searches
	// meta, when set, is parseNodeSearch's record of each hit (parallel
	// to Hits), made with strip: the merge then never scans a hit.
	meta  []hitMeta
	strip *stripSpec
}

// mergedHit is one hit of the merged list with where it came from.
type mergedHit struct {
	Hit    json.RawMessage
	Source int
	// Score is the hit's _rankingScore times its source's weight.
	Score float64
	// meta and strip are the source's record of the hit, when it has one.
	meta  *hitMeta
	strip *stripSpec
}

// cursor is the decoded head of one source.
type cursor struct {
	src    *source
	next   int
	weight float64
	key    hitKey
	id     idKey
	// meta is the head's record when the source was parsed: its id and
	// distinct value are read there, not copied (the merge loop's stores
	// of pointers cost write barriers while the collector runs).
	meta *hitMeta
	ok   bool // key and id (or meta) describe Hits[next-1], the head
	// details: decode _rankingScoreDetails (the query has non-relevancy rules).
	details bool
}

// advance decodes the next hit of the source into the cursor's head.
func (c *cursor) advance() error {
	if c.next >= len(c.src.Hits) {
		c.ok = false
		return nil
	}
	if c.src.meta != nil && len(c.src.Fields.sorts) == 0 {
		return c.advanceMeta()
	}
	if err := decodeHitKey(c.src.Hits[c.next], c.src.Fields, c.details, &c.key, &c.id); err != nil {
		return err
	}
	c.next++
	c.ok = true
	return nil
}

// advanceMeta is advance over a source parsed by parseNodeSearch: the
// values are already there, only the details of a head are decoded.
func (c *cursor) advanceMeta() error {
	m := &c.src.meta[c.next]
	c.meta, c.key.global = m, m.global
	if c.details {
		c.key.rules, c.key.lazy = c.key.rules[:0], lazyDetails{}
		if m.details != nil {
			// Decoded rule by rule as comparisons need them.
			c.key.startDetails(m.details)
		}
	}
	c.next++
	c.ok = true
	return nil
}

// headID and headDistinct are the head's primary key and distinct value.
func (c *cursor) headID() *idKey {
	if c.meta != nil {
		return &c.meta.id
	}
	return &c.id
}

func (c *cursor) headDistinct() []byte {
	if c.meta != nil {
		return c.meta.distinct
	}
	return c.key.distinct
}

// mergeHits k-way merges ranked sources, drops hits whose distinct value was
// already taken (when distinct is set), skips the first skip survivors and
// returns at most take hits. Only the heads of the sources are decoded, so a
// query with a small limit decodes few hits whatever the shards returned.
func mergeHits(srcs []source, skip, take int, distinct bool) ([]mergedHit, error) {
	curs, err := openCursors(srcs)
	if err != nil {
		return nil, err
	}
	var seen map[string]struct{}
	if distinct {
		seen = make(map[string]struct{})
	}
	out := make([]mergedHit, 0, min(take, totalHits(srcs)))
	detailed := len(curs) > 0 && curs[0].details // lazy details may fail
	for len(out) < take {
		best := bestCursor(curs)
		if best < 0 {
			break
		}
		if detailed {
			for i := range curs {
				if err := curs[i].key.lazy.err; err != nil {
					return nil, err
				}
			}
		}
		c := &curs[best]
		keep := true
		if d := c.headDistinct(); distinct && d != nil {
			if _, dup := seen[string(d)]; dup {
				keep = false
			} else {
				seen[string(d)] = struct{}{}
			}
		}
		if keep {
			if skip > 0 {
				skip--
			} else {
				h := mergedHit{Hit: c.src.Hits[c.next-1], Source: best, Score: c.key.global * c.weight}
				if c.src.meta != nil {
					h.meta, h.strip = &c.src.meta[c.next-1], c.src.strip
				}
				out = append(out, h)
			}
		}
		if err := c.advance(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// openCursors decodes each source's first hit in full to learn the rule
// layout of the query. All hits of one query share it, so when every source
// has only relevancy rules the rest are decoded score-only, which skips the
// details (most of a hit's ranking bytes) and stops early.
func openCursors(srcs []source) ([]cursor, error) {
	curs := make([]cursor, len(srcs))
	// Room for a head's rules in one allocation (5-10 rules is typical).
	const rulesPerHead = 10
	slab := make([]rankValue, rulesPerHead*len(srcs))
	scoreOnly := true
	for i := range srcs {
		curs[i] = cursor{src: &srcs[i], weight: srcs[i].Weight, details: true}
		curs[i].key.rules = slab[i*rulesPerHead : i*rulesPerHead : (i+1)*rulesPerHead]
		if curs[i].weight == 0 {
			curs[i].weight = 1
		}
		if err := curs[i].advance(); err != nil {
			return nil, err
		}
		curs[i].key.decodeAll()
		if err := curs[i].key.lazy.err; err != nil {
			return nil, err
		}
		scoreOnly = scoreOnly && curs[i].key.scoreOnly()
	}
	if scoreOnly {
		for i := range curs {
			curs[i].details = false
			curs[i].key.rules = curs[i].key.rules[:0]
		}
	}
	return curs, nil
}

func bestCursor(curs []cursor) int {
	best := -1
	for i := range curs {
		if !curs[i].ok {
			continue
		}
		if best < 0 || rankBefore(&curs[i], &curs[best]) {
			best = i
		}
	}
	return best
}

// rankBefore reports whether a's head ranks strictly before b's; on a full
// tie the earlier source wins, which keeps the merge stable.
func rankBefore(a, b *cursor) bool {
	return compareKeys(&a.key, a.weight, a.src.Position, a.headID(), &b.key, b.weight, b.src.Position, b.headID()) < 0
}

func totalHits(srcs []source) int {
	n := 0
	for i := range srcs {
		n += len(srcs[i].Hits)
	}
	return n
}
