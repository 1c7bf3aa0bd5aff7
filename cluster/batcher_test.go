package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/raft"
)

// fakeFuture resolves when release is closed.
type fakeFuture struct {
	release chan struct{}
	err     error
	index   uint64
	resp    any
}

func (f *fakeFuture) Error() error  { <-f.release; return f.err }
func (f *fakeFuture) Index() uint64 { return f.index }
func (f *fakeFuture) Response() any { return f.resp }

// joinEncoder batches commands as "a|b|c"; the FSM's value for such an
// entry is the list of its commands upper-cased.
type joinEncoder struct{}

func (joinEncoder) EncodeBatch(cmds [][]byte) ([]byte, error) {
	return append([]byte("batch:"), bytes.Join(cmds, []byte("|"))...), nil
}

func (joinEncoder) SplitBatchResult(resp any) ([]any, error) {
	parts, ok := resp.([]string)
	if !ok {
		return nil, fmt.Errorf("not a batch value: %T", resp)
	}
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

// fakeRaft records entries and resolves each with decide(entry).
type fakeRaft struct {
	mu      sync.Mutex
	entries [][]byte
	futures []*fakeFuture
	decide  func(data []byte, index uint64) (any, error)
}

func (r *fakeRaft) apply(data []byte, _ time.Duration) raft.ApplyFuture {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.entries = append(r.entries, data)
	f := &fakeFuture{release: make(chan struct{}), index: uint64(len(r.entries))}
	f.resp, f.err = r.decide(data, f.index)
	r.futures = append(r.futures, f)
	return f
}

func (r *fakeRaft) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}

func (r *fakeRaft) releaseAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range r.futures {
		select {
		case <-f.release:
		default:
			close(f.release)
		}
	}
}

func upper(data []byte, _ uint64) (any, error) {
	if rest, ok := bytes.CutPrefix(data, []byte("batch:")); ok {
		var out []string
		for _, c := range bytes.Split(rest, []byte("|")) {
			out = append(out, string(bytes.ToUpper(c)))
		}
		return out, nil
	}
	return string(bytes.ToUpper(data)), nil
}

// startBatcher runs a batcher over r; entries resolve only when the test
// releases them, so proposals made meanwhile queue into one batch.
func startBatcher(t *testing.T, r *fakeRaft) *batcher {
	t.Helper()
	cfg := DefaultConfig()
	cfg.MaxBatch = 16
	b := newBatcher(cfg, joinEncoder{}, r.apply, func(int) {})
	ctx, cancel := context.WithCancel(context.Background())
	go b.run(ctx)
	t.Cleanup(func() { cancel(); r.releaseAll(); <-b.stopped })
	return b
}

type submitted struct {
	a   Applied
	err error
}

// submitQueued fills both in-flight slots with lone commands, queues n
// more while those are unresolved, then releases everything.
func submitQueued(t *testing.T, r *fakeRaft, b *batcher, n int) []submitted {
	t.Helper()
	out := make([]submitted, n+2)
	var wg sync.WaitGroup
	submit := func(i int) {
		defer wg.Done()
		a, err := b.submit(context.Background(), fmt.Appendf(nil, "c%d", i))
		out[i] = submitted{a, err}
	}
	for i := range 2 {
		wg.Add(1)
		go submit(i)
		waitUntil(t, func() bool { return r.count() == i+1 })
	}
	for i := 2; i < n+2; i++ {
		wg.Add(1)
		go submit(i)
	}
	// run holds the first queued proposal while it waits for a slot.
	waitUntil(t, func() bool { return len(b.reqs) == n-1 })
	r.releaseAll()
	waitUntil(t, func() bool { r.releaseAll(); return r.count() == 3 })
	wg.Wait()
	return out
}

func waitUntil(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10 s")
		}
		time.Sleep(time.Millisecond)
	}
}

func TestQueuedProposalsShareOneEntryAndGetTheirOwnResults(t *testing.T) {
	r := &fakeRaft{decide: upper}
	got := submitQueued(t, r, startBatcher(t, r), 5)
	third := strings.Split(strings.TrimPrefix(string(r.entries[2]), "batch:"), "|")
	slices.Sort(third)
	if len(r.entries) != 3 || !slices.Equal(third, []string{"c2", "c3", "c4", "c5", "c6"}) {
		t.Fatalf("entries %q, want the five queued commands in the third", r.entries)
	}
	for i, s := range got {
		wantIndex := uint64(min(i, 2) + 1)
		if s.err != nil || string(s.a.Response) != fmt.Sprintf(`"C%d"`, i) || s.a.Index != wantIndex {
			t.Fatalf("caller %d got %+v, want its own value at index %d", i, s, wantIndex)
		}
	}
}

func TestLeadershipLossFailsEveryCallerOfTheBatchWithTheSameTypedError(t *testing.T) {
	r := &fakeRaft{decide: func(data []byte, index uint64) (any, error) {
		if index == 3 {
			return nil, raft.ErrLeadershipLost
		}
		return upper(data, index)
	}}
	got := submitQueued(t, r, startBatcher(t, r), 4)
	for i, s := range got[2:] {
		if !errors.Is(s.err, ErrLeadershipLost) {
			t.Fatalf("batched caller %d: %v, want ErrLeadershipLost", i, s.err)
		}
	}
	if got[0].err != nil || got[1].err != nil {
		t.Fatalf("lone entries failed: %v %v", got[0].err, got[1].err)
	}
}

func TestMismatchedBatchValueFailsEveryCaller(t *testing.T) {
	r := &fakeRaft{decide: func(data []byte, index uint64) (any, error) {
		if index == 3 {
			return []string{"only one"}, nil
		}
		return upper(data, index)
	}}
	for i, s := range submitQueued(t, r, startBatcher(t, r), 3)[2:] {
		if s.err == nil || s.a.Index != 3 {
			t.Fatalf("caller %d: %+v, want an error at index 3", i, s)
		}
	}
}

func TestProposalsAfterStopFailClosed(t *testing.T) {
	r := &fakeRaft{decide: upper}
	cfg := DefaultConfig()
	b := newBatcher(cfg, joinEncoder{}, r.apply, func(int) {})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b.run(ctx)
	if _, err := b.submit(context.Background(), []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("submit after stop: %v, want ErrClosed", err)
	}
}
