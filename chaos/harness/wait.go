package harness

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrTimeout is returned by the Wait helpers when their condition did not
// hold before the deadline.
var ErrTimeout = errors.New("harness: timed out")

// PollInterval is how often the Wait helpers poll.
const PollInterval = 50 * time.Millisecond

// WaitFor polls cond until it returns true, ctx ends or timeout passes.
// describe is called once on timeout to say what was last seen.
func WaitFor(ctx context.Context, timeout time.Duration, cond func() bool, describe func() string) error {
	deadline := time.Now().Add(timeout)
	t := time.NewTicker(PollInterval)
	defer t.Stop()
	for {
		if cond() {
			return nil
		}
		if time.Now().After(deadline) {
			what := ""
			if describe != nil {
				what = ": " + describe()
			}
			return fmt.Errorf("%w after %s%s", ErrTimeout, timeout, what)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

func (c *Cluster) pollCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, time.Second)
}

// WaitReady waits until p answers 200 on /_miroir/ready.
func (c *Cluster) WaitReady(ctx context.Context, p *Proc) error {
	return WaitFor(ctx, c.Cfg.Timeout, func() bool {
		pc, cancel := c.pollCtx(ctx)
		defer cancel()
		return c.Admin.Ready(pc, p.HTTPAddr)
	}, func() string { return p.Name + " not ready; log tail:\n" + Tail(p, 20) })
}

// Statuses asks every running, unpaused peer for /_miroir/cluster. Peers that
// do not answer are absent from the map.
func (c *Cluster) Statuses(ctx context.Context) map[*Proc]Status {
	out := map[*Proc]Status{}
	for _, p := range c.Peers {
		if !p.Running() || p.Paused() {
			continue
		}
		pc, cancel := c.pollCtx(ctx)
		s, err := c.Admin.Status(pc, p.HTTPAddr)
		cancel()
		if err == nil {
			out[p] = s
		}
	}
	return out
}

// LeaderAmong returns the peer that claims leadership with the highest term
// among sts, or nil.
func LeaderAmong(sts map[*Proc]Status) *Proc {
	var best *Proc
	var term uint64
	for p, s := range sts {
		if s.IsLeader() && (best == nil || s.Term > term) {
			best, term = p, s.Term
		}
	}
	return best
}

// WaitLeader waits until a running peer reports itself leader and returns it.
func (c *Cluster) WaitLeader(ctx context.Context) (*Proc, error) {
	var leader *Proc
	var last map[*Proc]Status
	err := WaitFor(ctx, c.Cfg.Timeout, func() bool {
		last = c.Statuses(ctx)
		leader = LeaderAmong(last)
		return leader != nil
	}, func() string { return fmt.Sprintf("no leader; statuses %v", describe(last)) })
	return leader, err
}

// WaitNewLeader waits until a peer other than old leads.
func (c *Cluster) WaitNewLeader(ctx context.Context, old *Proc) (*Proc, error) {
	var leader *Proc
	var last map[*Proc]Status
	err := WaitFor(ctx, c.Cfg.Timeout, func() bool {
		last = c.Statuses(ctx)
		leader = LeaderAmong(last)
		return leader != nil && leader != old
	}, func() string { return fmt.Sprintf("no new leader; statuses %v", describe(last)) })
	return leader, err
}

// WaitConverged waits until every running peer answers with the same applied
// index and FSM digest, and returns their statuses.
func (c *Cluster) WaitConverged(ctx context.Context) (map[*Proc]Status, error) {
	var last map[*Proc]Status
	err := WaitFor(ctx, c.Cfg.Timeout, func() bool {
		last = c.Statuses(ctx)
		return converged(last, c.runningPeers())
	}, func() string { return fmt.Sprintf("not converged: %v", describe(last)) })
	return last, err
}

func (c *Cluster) runningPeers() int {
	n := 0
	for _, p := range c.Peers {
		if p.Running() && !p.Paused() {
			n++
		}
	}
	return n
}

func converged(sts map[*Proc]Status, want int) bool {
	if len(sts) != want || want == 0 {
		return false
	}
	var first *Status
	for _, s := range sts {
		if first == nil {
			first = &s
			continue
		}
		if s.Digest != first.Digest || s.AppliedIndex != first.AppliedIndex {
			return false
		}
	}
	return true
}

func describe(sts map[*Proc]Status) string {
	out := "{"
	for p, s := range sts {
		out += fmt.Sprintf(" %s:%s/term=%d/applied=%d/digest=%.8s", p.Name, s.State, s.Term, s.AppliedIndex, s.Digest)
	}
	return out + " }"
}
