package cluster

import (
	"testing"
	"time"
)

// TestReadRoundsNeverReuseARoundThatStartedBeforeTheCaller: callers that
// arrive while a round runs share the next round, which starts only after
// the running one ended.
func TestReadRoundsNeverReuseARoundThatStartedBeforeTheCaller(t *testing.T) {
	var rr readRounds
	release := make(chan struct{}, 2)
	started := make(chan uint64, 2)
	var n uint64
	run := func(r *readRound) {
		n++
		r.idx = n
		started <- n
		<-release
	}
	first := rr.join(run)
	if got := <-started; got != 1 {
		t.Fatalf("first round %d", got)
	}
	a, b := rr.join(run), rr.join(run)
	if a == first || a != b {
		t.Fatal("callers arriving during a round must share the next round, not the running one")
	}
	select {
	case <-started:
		t.Fatal("a second round started while the first was running")
	case <-time.After(20 * time.Millisecond):
	}
	release <- struct{}{}
	<-first.done
	if got := <-started; got != 2 {
		t.Fatalf("next round %d", got)
	}
	release <- struct{}{}
	<-a.done
	if first.idx != 1 || a.idx != 2 {
		t.Fatalf("rounds answered %d and %d", first.idx, a.idx)
	}
	rr.wg.Wait()
}
