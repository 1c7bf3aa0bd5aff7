package history

import (
	"fmt"
	"sort"
	"time"
)

// Window is the longest stretch without a successful operation of some kinds.
type Window struct {
	Longest  time.Duration `json:"longest"`
	From, To int64         `json:"-"` // history clock
	// Successes is how many successful operations were counted.
	Successes int `json:"successes"`
}

func (w Window) String() string {
	return fmt.Sprintf("%.2fs (%.2fs..%.2fs, %d ok)", w.Longest.Seconds(), secs(w.From), secs(w.To), w.Successes)
}

func secs(ns int64) float64 { return float64(ns) / 1e9 }

// Unavailability is checker 6: the longest gap between successful
// completions of ops of the given kinds within [from, to] (history clock),
// counting the edges: a run with no success is unavailable throughout.
func Unavailability(ops []Op, from, to int64, kinds ...Kind) Window {
	var times []int64
	for _, op := range ops {
		if op.Status == StatusOK && hasKind(kinds, op.Kind) && op.Return >= from && op.Return <= to {
			times = append(times, op.Return)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	w := Window{Successes: len(times)}
	prev := from
	for _, t := range append(times, to) {
		if gap := time.Duration(t - prev); gap > w.Longest {
			w.Longest, w.From, w.To = gap, prev, t
		}
		prev = t
	}
	return w
}

// RecoveryAfter is how long after at the first successful op of the kinds
// invoked at or after at completed, or -1 if none did. Ops already in flight
// at that moment do not count: they may have committed just before it.
func RecoveryAfter(ops []Op, at int64, kinds ...Kind) time.Duration {
	best := int64(-1)
	for _, op := range ops {
		if op.Status == StatusOK && hasKind(kinds, op.Kind) && op.Call >= at && (best < 0 || op.Return < best) {
			best = op.Return
		}
	}
	if best < 0 {
		return -1
	}
	return time.Duration(best - at)
}

// WriteKinds and ReadKinds group the document operations for availability.
var (
	WriteKinds = []Kind{KindUpsert, KindUpdate, KindDelete}
	ReadKinds  = []Kind{KindSearch, KindGet}
)
