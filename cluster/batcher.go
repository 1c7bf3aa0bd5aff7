package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// BatchEncoder is implemented by an FSM whose log format can carry many
// commands in one entry (fsm.FSM does, with its CmdBatch). With it, the
// leader coalesces concurrent Applies into one raft entry (Config.MaxBatch)
// and every caller still gets its own result. Without it (clustertest's
// KV), each command is its own entry.
type BatchEncoder interface {
	// EncodeBatch wraps two or more commands, as given to Apply, into one
	// entry whose Apply value SplitBatchResult understands. An error makes
	// the leader propose those commands one entry each instead.
	EncodeBatch(cmds [][]byte) ([]byte, error)
	// SplitBatchResult splits the FSM's Apply value for such an entry into
	// the commands' own Apply values, in order (one per command).
	SplitBatchResult(resp any) ([]any, error)
}

// maxInflight is how many entries the batcher keeps in raft at once. While
// they commit, new proposals queue and go out together in the next entry:
// group commit with no timer, so a lone writer pays no extra latency. Two
// lets the next entry be written while the previous one is applied and
// answered.
const maxInflight = 2

// proposal is one Apply call waiting for its entry.
type proposal struct {
	cmd  []byte
	done chan outcome // buffered: the batcher never blocks on a caller
}

type outcome struct {
	a   Applied
	err error
}

// batcher is the leader-side coalescer: one goroutine (run) gathers the
// proposals queued while earlier entries commit and proposes them as one
// entry; one waiter goroutine per entry resolves its callers. Every
// proposal taken from the queue is answered exactly once.
type batcher struct {
	enc      BatchEncoder
	apply    func(cmd []byte, timeout time.Duration) raft.ApplyFuture
	maxCmds  int
	maxBytes int
	timeout  time.Duration
	observe  func(commands int)

	reqs    chan proposal
	slots   chan struct{} // one token per entry in raft
	waiters sync.WaitGroup
	stopped chan struct{} // closed once run returned and every waiter answered
}

func newBatcher(cfg Config, enc BatchEncoder, apply func([]byte, time.Duration) raft.ApplyFuture, observe func(int)) *batcher {
	return &batcher{
		enc: enc, apply: apply, observe: observe,
		maxCmds: cfg.MaxBatch, maxBytes: cfg.MaxBatchBytes, timeout: cfg.ApplyTimeout,
		reqs:    make(chan proposal, 4*cfg.MaxBatch),
		slots:   make(chan struct{}, maxInflight),
		stopped: make(chan struct{}),
	}
}

// submit queues cmd and waits for its outcome. Once queued, the command is
// answered when raft resolves its entry (commit, or leadership loss within
// LeaderLeaseTimeout), whatever ctx does, as applyLocal always did; ctx
// bounds only the wait to enter the queue.
func (b *batcher) submit(ctx context.Context, cmd []byte) (Applied, error) {
	if ctx.Err() != nil {
		return Applied{}, ctxErr(ctx, errors.New("not queued"))
	}
	p := proposal{cmd: cmd, done: make(chan outcome, 1)}
	select {
	case b.reqs <- p:
	case <-ctx.Done():
		return Applied{}, ctxErr(ctx, errors.New("batch queue full"))
	case <-b.stopped:
		return Applied{}, ErrClosed
	}
	select {
	case o := <-p.done:
		return o.a, o.err
	case <-b.stopped:
		select {
		case o := <-p.done:
			return o.a, o.err
		default:
			return Applied{}, ErrClosed // queued after run returned: never proposed
		}
	}
}

// run owns the queue until ctx ends, then waits for the entries in raft to
// resolve (raft's shutdown resolves them) and fails what is still queued.
func (b *batcher) run(ctx context.Context) {
	defer b.finish()
	var next *proposal // did not fit the previous entry
	for {
		first, ok := b.first(ctx, next)
		if !ok {
			return
		}
		select {
		case b.slots <- struct{}{}:
		case <-ctx.Done():
			first.done <- outcome{err: ErrClosed}
			return
		}
		var batch []proposal
		batch, next = b.collect(first)
		b.propose(batch)
	}
}

func (b *batcher) first(ctx context.Context, held *proposal) (proposal, bool) {
	if held != nil {
		return *held, true
	}
	select {
	case p := <-b.reqs:
		return p, true
	case <-ctx.Done():
		return proposal{}, false
	}
}

// collect takes what is queued, up to maxCmds commands and maxBytes of
// commands (a bigger lone command goes alone). It returns the proposal
// that did not fit, if any.
func (b *batcher) collect(first proposal) ([]proposal, *proposal) {
	batch := []proposal{first}
	size := len(first.cmd)
	for len(batch) < b.maxCmds {
		select {
		case p := <-b.reqs:
			if size+len(p.cmd) > b.maxBytes {
				return batch, &p
			}
			batch = append(batch, p)
			size += len(p.cmd)
		default:
			return batch, nil
		}
	}
	return batch, nil
}

// propose hands batch to raft as one entry (or, when the FSM cannot wrap
// it, one entry per command) and starts the waiter that answers it.
func (b *batcher) propose(batch []proposal) {
	b.observe(len(batch))
	entries := []entry{{props: batch}}
	if len(batch) > 1 {
		cmds := make([][]byte, len(batch))
		for i, p := range batch {
			cmds[i] = p.cmd
		}
		data, err := b.enc.EncodeBatch(cmds)
		if err == nil {
			entries[0].future, entries[0].batched = b.apply(data, b.timeout), true
		} else {
			entries = entries[:0]
			for i := range batch {
				entries = append(entries, entry{props: batch[i : i+1]})
			}
		}
	}
	for i := range entries {
		if entries[i].future == nil {
			entries[i].future = b.apply(entries[i].props[0].cmd, b.timeout)
		}
	}
	b.waiters.Add(1)
	go b.await(entries)
}

// entry is one raft entry and the proposals it carries.
type entry struct {
	future  raft.ApplyFuture
	props   []proposal
	batched bool
}

func (b *batcher) await(entries []entry) {
	defer b.waiters.Done()
	for i, e := range entries {
		err := e.future.Error()
		if i == len(entries)-1 {
			<-b.slots // the next entry may go while these callers are answered
		}
		if err != nil {
			err = raftErr(err) // the same typed error for every caller
			for _, p := range e.props {
				p.done <- outcome{err: err}
			}
			continue
		}
		b.answer(e)
	}
}

// answer gives each caller its own Apply value from a committed entry.
func (b *batcher) answer(e entry) {
	index, resp := e.future.Index(), e.future.Response()
	if !e.batched {
		a, err := encodeResponse(index, resp)
		e.props[0].done <- outcome{a: a, err: err}
		return
	}
	parts, err := b.split(index, resp, len(e.props))
	for i, p := range e.props {
		if err != nil {
			p.done <- outcome{a: Applied{Index: index}, err: err}
			continue
		}
		a, err := encodeResponse(index, parts[i])
		p.done <- outcome{a: a, err: err}
	}
}

func (b *batcher) split(index uint64, resp any, n int) ([]any, error) {
	if e, ok := resp.(error); ok {
		return nil, &FSMError{Message: e.Error()}
	}
	parts, err := b.enc.SplitBatchResult(resp)
	if err == nil && len(parts) != n {
		err = fmt.Errorf("%d results for %d commands", len(parts), n)
	}
	if err != nil {
		return nil, fmt.Errorf("split the results of batch entry %d: %w", index, err)
	}
	return parts, nil
}

// finish waits for the waiters, publishes the stop, and fails every
// proposal still queued (none of them reached raft).
func (b *batcher) finish() {
	b.waiters.Wait()
	close(b.stopped)
	for {
		select {
		case p := <-b.reqs:
			p.done <- outcome{err: ErrClosed}
		default:
			return
		}
	}
}
