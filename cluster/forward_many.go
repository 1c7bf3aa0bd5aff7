package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
)

// ApplyManyPath is the internal route that applies many forwarded commands
// in one round trip; each command is applied as by ApplyPath (the leader
// coalesces them into its entries) and answered separately.
const ApplyManyPath = "/_miroir/internal/apply-many"

// wireMany is the body of ApplyManyPath and of its answer.
type wireMany struct {
	Commands [][]byte     `json:"commands,omitempty"`
	Results  []wireResult `json:"results,omitempty"`
}

// wireResult is one command's outcome: Error set, or the applied fields.
type wireResult struct {
	wireApplied
	Error *wireError `json:"error,omitempty"`
}

// forwarder is the follower-side coalescer: concurrent forwards queued
// while earlier round trips are in flight go to the leader in one
// ApplyManyPath call. A lone command uses ApplyPath as before.
type forwarder struct {
	p        *Peer
	maxCmds  int
	maxBytes int
	reqs     chan fwdProposal
	slots    chan struct{}
	calls    sync.WaitGroup
	stopped  chan struct{}
}

type fwdProposal struct {
	proposal
	to target
}

func newForwarder(p *Peer) *forwarder {
	return &forwarder{p: p, maxCmds: p.cfg.MaxBatch, maxBytes: p.cfg.MaxBatchBytes,
		reqs:    make(chan fwdProposal, 4*p.cfg.MaxBatch),
		slots:   make(chan struct{}, maxInflight),
		stopped: make(chan struct{})}
}

// submit forwards cmd to the leader to, possibly with others. The
// caller stops waiting when ctx ends (ErrTimeout: the command may still
// commit, a retry is safe).
func (f *forwarder) submit(ctx context.Context, to target, cmd []byte) (Applied, error) {
	if ctx.Err() != nil {
		return Applied{}, ctxErr(ctx, errors.New("not forwarded"))
	}
	fp := fwdProposal{proposal{cmd: cmd, done: make(chan outcome, 1)}, to}
	select {
	case f.reqs <- fp:
	case <-ctx.Done():
		return Applied{}, ctxErr(ctx, errors.New("forward queue full"))
	case <-f.stopped:
		return Applied{}, ErrClosed
	}
	select {
	case o := <-fp.done:
		return o.a, o.err
	case <-ctx.Done():
		return Applied{}, ctxErr(ctx, errors.New("forwarded, outcome unknown"))
	case <-f.stopped:
		select {
		case o := <-fp.done:
			return o.a, o.err
		default:
			return Applied{}, ErrClosed
		}
	}
}

func (f *forwarder) run(ctx context.Context) {
	defer f.finish()
	var next *fwdProposal
	for {
		var first fwdProposal
		if next != nil {
			first, next = *next, nil
		} else {
			select {
			case first = <-f.reqs:
			case <-ctx.Done():
				return
			}
		}
		select {
		case f.slots <- struct{}{}:
		case <-ctx.Done():
			first.done <- outcome{err: ErrClosed}
			return
		}
		var batch []fwdProposal
		batch, next = f.collect(first)
		f.calls.Add(1)
		go f.send(ctx, batch)
	}
}

// collect takes queued proposals for the same leader, within the limits.
func (f *forwarder) collect(first fwdProposal) ([]fwdProposal, *fwdProposal) {
	batch, size := []fwdProposal{first}, len(first.cmd)
	for len(batch) < f.maxCmds {
		select {
		case p := <-f.reqs:
			if p.to != first.to || size+len(p.cmd) > f.maxBytes {
				return batch, &p
			}
			batch, size = append(batch, p), size+len(p.cmd)
		default:
			return batch, nil
		}
	}
	return batch, nil
}

func (f *forwarder) send(ctx context.Context, batch []fwdProposal) {
	defer f.calls.Done()
	defer func() { <-f.slots }()
	if len(batch) == 1 {
		a, err := f.p.forwardApply(ctx, batch[0].to, batch[0].cmd)
		batch[0].done <- outcome{a: a, err: err}
		return
	}
	cmds := make([][]byte, len(batch))
	for i, b := range batch {
		cmds[i] = b.cmd
	}
	body, err := json.Marshal(wireMany{Commands: cmds})
	var w wireMany
	if err == nil {
		err = f.p.callInternal(ctx, batch[0].to, ApplyManyPath, body, &w)
		f.p.metrics.forwarded(err)
	}
	if errors.Is(err, errNoRoute) {
		for _, b := range batch { // an older leader: one by one
			a, err := f.p.forwardApply(ctx, b.to, b.cmd)
			b.done <- outcome{a: a, err: err}
		}
		return
	}
	if err == nil && len(w.Results) != len(batch) {
		err = fmt.Errorf("leader %s answered %d results for %d commands", batch[0].to.addr, len(w.Results), len(batch))
	}
	for i, b := range batch {
		if err != nil {
			b.done <- outcome{err: err} // errRetry kinds are retried by each caller's hold
			continue
		}
		b.done <- w.Results[i].outcome()
	}
}

func (r wireResult) outcome() outcome {
	a := Applied{Index: r.Index, Response: r.Response}
	switch {
	case r.Error != nil:
		return outcome{err: wireErr(*r.Error)}
	case r.FSMError != "":
		return outcome{a: a, err: &FSMError{Message: r.FSMError}}
	}
	return outcome{a: a}
}

func (f *forwarder) finish() {
	f.calls.Wait()
	close(f.stopped)
	for {
		select {
		case p := <-f.reqs:
			p.done <- outcome{err: ErrClosed}
		default:
			return
		}
	}
}

// serveApplyMany applies each command as serveApply would, concurrently
// (the batcher puts them in shared entries), and answers them in order.
func (p *Peer) serveApplyMany(w http.ResponseWriter, r *http.Request) {
	var req wireMany
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxInternalBodySize)).Decode(&req); err != nil {
		writeWireError(w, http.StatusBadRequest, codeBadRequest, "read commands: "+err.Error())
		return
	}
	if !p.isStarted() {
		writeWireError(w, http.StatusServiceUnavailable, codeClosed, "peer is not running")
		return
	}
	res := make([]wireResult, len(req.Commands))
	var wg sync.WaitGroup
	for i, cmd := range req.Commands {
		wg.Go(func() { res[i] = p.applyWire(r.Context(), cmd) })
	}
	wg.Wait()
	writeJSON(w, http.StatusOK, wireMany{Results: res})
}

func (p *Peer) applyWire(ctx context.Context, cmd []byte) wireResult {
	a, err := p.applyLocal(ctx, cmd)
	var fe *FSMError
	switch {
	case errors.As(err, &fe):
		return wireResult{wireApplied: wireApplied{Index: a.Index, FSMError: fe.Message}}
	case err != nil:
		_, code := errStatus(err)
		return wireResult{Error: &wireError{Code: code, Message: err.Error()}}
	}
	return wireResult{wireApplied: wireApplied{Index: a.Index, Response: a.Response}}
}
