package index

// Rank is milli's Rank: max is the best rank, 0 the worst; the local score
// is rank/max.
type Rank struct {
	R, Max uint32
}

func (r Rank) local() float64 { return float64(r.R) / float64(r.Max) }

// mergeRank is milli's Rank::merge: it folds inner into outer as a
// mixed-radix number, so the folded score keeps the lexicographic order.
func mergeRank(outer, inner Rank) Rank {
	r := outer.R
	if r > 0 {
		r--
	}
	return Rank{R: r*inner.Max + inner.R, Max: outer.Max * inner.Max}
}

// globalScore folds ranks with mergeRank from Rank{1,1} and divides once,
// as milli's Rank::global_score does (in 64 bits: milli's u32 would wrap
// only for queries far beyond the 10-word limit).
func globalScore(ranks []Rank) float64 {
	num, den := uint64(1), uint64(1)
	for _, r := range ranks {
		if num > 0 {
			num--
		}
		num = num*uint64(r.Max) + uint64(r.R)
		den *= uint64(r.Max)
	}
	return float64(num) / float64(den)
}

// rankSlot names the relevancy ranks a query produces, in rule order.
type rankSlot uint8

const (
	slotWords rankSlot = iota
	slotTypo
	slotProximity
	slotFid
	slotPosition
	slotExactAttr
	slotExactWords
)

// exact attribute ranks (milli ExactAttribute::rank).
const (
	exactNone  = 1
	exactStart = 2
	exactMatch = 3
)

// ranker computes the relevancy ranks of documents for one query.
type ranker struct {
	terms   []qterm
	removal []int // term indexes in the order the matching strategy drops them
	all     bool  // matchingStrategy "all": every term is required
	slots   []rankSlot
	maxW    int // highest attribute weight (0 with searchableAttributes "*")
	weight  func(fid uint16) int
	words   func(slot uint32, fid uint16) int // word count of a field
	scratch docScratch
}

type docScratch struct {
	present  []bool
	minTypo  []uint8
	exactAny []bool
	active   []bool
}

// termState is the per-document summary prepare computes: which terms the
// matching strategy kept, their fewest typos and exact presence.
type termState struct {
	kept     uint8
	active   uint16
	exactAny uint16
	minTypo  [maxQueryWords]uint8
}

func (r *ranker) save() termState {
	s := &r.scratch
	var ts termState
	for i := range r.terms {
		if s.active[i] {
			ts.active |= 1 << i
			ts.kept++
		}
		if s.exactAny[i] {
			ts.exactAny |= 1 << i
		}
		ts.minTypo[i] = s.minTypo[i]
	}
	return ts
}

func (r *ranker) load(ts *termState) int {
	s := &r.scratch
	for i := range r.terms {
		s.active[i] = ts.active&(1<<i) != 0
		s.exactAny[i] = ts.exactAny&(1<<i) != 0
		s.present[i] = true
		s.minTypo[i] = ts.minTypo[i]
	}
	return int(ts.kept)
}

func newRanker(terms []qterm, slots []rankSlot, strategy string, removal []int) *ranker {
	n := len(terms)
	return &ranker{terms: terms, slots: slots, all: strategy == "all", removal: removal,
		scratch: docScratch{present: make([]bool, n), minTypo: make([]uint8, n),
			exactAny: make([]bool, n), active: make([]bool, n)}}
}

// rank writes the ranks of one document into out (len(r.slots)); ok is
// false when the document does not match the query.
func (r *ranker) rank(slot uint32, occs []occ, out []Rank) bool {
	kept, ok := r.prepare(occs)
	if !ok {
		return false
	}
	for i, sl := range r.slots {
		out[i] = r.rankOf(sl, slot, occs, kept)
	}
	return true
}

// fill computes the ranks out[from:to] of one document from its saved state.
func (r *ranker) fill(slot uint32, occs []occ, ts *termState, out []Rank, from, to int) {
	kept := r.load(ts)
	for i := from; i < to; i++ {
		out[i] = r.rankOf(r.slots[i], slot, occs, kept)
	}
}

// prepare loads a document's occurrences into the scratch state and applies
// the matching strategy; ok is false when the document does not match.
func (r *ranker) prepare(occs []occ) (int, bool) {
	s := &r.scratch
	n := len(r.terms)
	for i := 0; i < n; i++ {
		s.present[i], s.minTypo[i], s.exactAny[i] = false, 255, false
	}
	for _, o := range occs {
		s.present[o.term] = true
		s.minTypo[o.term] = min(s.minTypo[o.term], o.typos)
		s.exactAny[o.term] = s.exactAny[o.term] || o.exact
	}
	return r.activeTerms()
}

// activeTerms marks the terms kept by the matching strategy and returns how
// many were kept.
func (r *ranker) activeTerms() (int, bool) {
	s := &r.scratch
	n := len(r.terms)
	for i := range s.active {
		s.active[i] = true
	}
	kept := n
	for j := 0; ; j++ {
		all := true
		for i := 0; i < n; i++ {
			if s.active[i] && !s.present[i] {
				all = false
				break
			}
		}
		if all {
			return kept, kept > 0
		}
		if r.all || j >= len(r.removal) {
			return 0, false
		}
		s.active[r.removal[j]] = false
		kept--
	}
}

func (r *ranker) rankOf(sl rankSlot, slot uint32, occs []occ, kept int) Rank {
	switch sl {
	case slotWords:
		return Rank{R: uint32(kept), Max: uint32(len(r.terms))}
	case slotTypo:
		return r.typoRank()
	case slotProximity:
		return r.proximityRank(occs)
	case slotFid:
		return r.fidRank(occs, kept)
	case slotPosition:
		return r.positionRank(occs, kept)
	case slotExactAttr:
		return Rank{R: uint32(r.exactAttribute(slot, occs, kept)), Max: 3}
	case slotExactWords:
		m := 0
		for i := range r.terms {
			if r.scratch.active[i] && r.scratch.exactAny[i] {
				m++
			}
		}
		return Rank{R: uint32(m + 1), Max: uint32(kept + 1)}
	}
	return Rank{R: 1, Max: 1}
}

func (r *ranker) typoRank() Rank {
	s := &r.scratch
	typos, maxTypos := 0, 0
	for i, t := range r.terms {
		if s.active[i] {
			typos += int(s.minTypo[i])
			maxTypos += t.maxTypo
		}
	}
	return Rank{R: uint32(maxTypos + 1 - typos), Max: uint32(maxTypos + 1)}
}

// usable reports whether o counts for the rules after typo: only the
// occurrences with the fewest typos of their term (the typo bucket's terms).
func (r *ranker) usable(o occ) bool {
	return r.scratch.active[o.term] && o.typos == r.scratch.minTypo[o.term]
}

// proximityRank: each pair of consecutive kept terms adjacent in the query
// costs proximity-1 (0..3), 3 when never within 3 words in one attribute.
func (r *ranker) proximityRank(occs []occ) Rank {
	cost, maxCost := 0, 0
	prev := -1
	for i, t := range r.terms {
		if !r.scratch.active[i] {
			continue
		}
		if prev >= 0 && r.terms[prev].qpos+1 == t.qpos {
			maxCost += 3
			cost += r.pairCost(occs, prev, i)
		}
		prev = i
	}
	return Rank{R: uint32(maxCost + 1 - cost), Max: uint32(maxCost + 1)}
}

func (r *ranker) pairCost(occs []occ, a, b int) int {
	best := 4
	for _, x := range occs {
		if int(x.term) != a || !r.usable(x) {
			continue
		}
		for _, y := range occs {
			if int(y.term) != b || y.fid != x.fid || !r.usable(y) {
				continue
			}
			best = min(best, max(1, indexProximity(int(x.pos), int(y.pos))))
			if best == 1 {
				return 0
			}
		}
	}
	return best - 1
}

// indexProximity is milli's index_proximity, capped at 4.
func indexProximity(l, r int) int {
	if l <= r {
		return min(r-l, 4)
	}
	return min(l-r+1, 4)
}

func (r *ranker) fidRank(occs []occ, kept int) Rank {
	sum := 0
	for i := range r.terms {
		if !r.scratch.active[i] {
			continue
		}
		best := r.maxW
		for _, o := range occs {
			if int(o.term) == i && r.usable(o) {
				best = min(best, r.weight(o.fid))
			}
		}
		sum += best
	}
	maxCost := kept * r.maxW
	return Rank{R: uint32(maxCost + 1 - sum), Max: uint32(maxCost + 1)}
}

func (r *ranker) positionRank(occs []occ, kept int) Rank {
	sum := 0
	for i, t := range r.terms {
		if !r.scratch.active[i] {
			continue
		}
		best := 10
		for _, o := range occs {
			if int(o.term) == i && r.usable(o) {
				best = min(best, costFromDistance(abs(bucketedPosition(int(o.pos))-t.qpos)))
			}
		}
		sum += best
	}
	maxCost := 10 * kept
	return Rank{R: uint32(maxCost + 1 - sum), Max: uint32(maxCost + 1)}
}

// bucketedPosition is milli's bucketed_position.
func bucketedPosition(p int) int {
	switch {
	case p < 16:
		return p
	case p < 24:
		return 24
	}
	b := 1
	for b < p {
		b <<= 1
	}
	return b
}

// costFromDistance is milli's position cost.
func costFromDistance(d int) int {
	switch {
	case d == 0:
		return 0
	case d == 1:
		return 1
	case d <= 4:
		return 2
	case d <= 7:
		return 3
	case d <= 11:
		return 4
	case d <= 16:
		return 5
	case d <= 24:
		return 6
	case d <= 64:
		return 7
	case d <= 256:
		return 8
	case d <= 1024:
		return 9
	}
	return 10
}

// exactAttribute: exactMatch when one attribute holds exactly the kept query
// words at their query positions, exactStart when it starts with them.
func (r *ranker) exactAttribute(slot uint32, occs []occ, kept int) int {
	best := exactNone
	var fids [8]uint16 // fields with an exact word at its query position (few)
	var got [8]int
	nf := 0
	for _, o := range occs {
		if !o.exact || !r.scratch.active[o.term] || int(o.pos) != r.terms[o.term].qpos {
			continue
		}
		i := 0
		for i < nf && fids[i] != o.fid {
			i++
		}
		if i == nf {
			if nf == len(fids) {
				continue
			}
			fids[nf], got[nf] = o.fid, 0
			nf++
		}
		got[i] |= 1 << o.term
	}
	want := 0
	for i := range r.terms {
		if r.scratch.active[i] {
			want |= 1 << i
		}
	}
	for i := 0; i < nf; i++ {
		fid := fids[i]
		if got[i] != want {
			continue
		}
		if r.words != nil && r.words(slot, fid) == kept {
			return exactMatch
		}
		best = exactStart
	}
	return best
}
