package cluster

import "sync"

// readRounds coalesces concurrent ReadIndex calls into rounds. At most one
// round runs at a time; callers that arrive meanwhile join the next one,
// which starts when the running one ends.
type readRounds struct {
	mu      sync.Mutex
	next    *readRound // waiting to start; nil when no caller waits
	running bool
	wg      sync.WaitGroup // running rounds; Peer.stop waits for them
}

// readRound is one read index obtained for all its callers; idx and err
// are set before done is closed.
type readRound struct {
	done chan struct{}
	idx  uint64
	err  error
}

// join returns the round the caller waits for, starting it with run when
// no round is running.
func (rr *readRounds) join(run func(*readRound)) *readRound {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	if rr.next == nil {
		rr.next = &readRound{done: make(chan struct{})}
	}
	r := rr.next
	if !rr.running {
		rr.startLocked(run)
	}
	return r
}

func (rr *readRounds) startLocked(run func(*readRound)) {
	r := rr.next
	rr.next, rr.running = nil, true
	rr.wg.Add(1)
	go func() {
		defer rr.wg.Done()
		run(r)
		close(r.done)
		rr.mu.Lock()
		defer rr.mu.Unlock()
		rr.running = false
		if rr.next != nil {
			rr.startLocked(run)
		}
	}()
}
