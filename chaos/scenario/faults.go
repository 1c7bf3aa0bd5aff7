package scenario

import (
	"context"
	"fmt"
	"time"

	"github.com/miroir-search/miroir/chaos"
	"github.com/miroir-search/miroir/chaos/harness"
)

func (r *Run) start(ctx context.Context, p *harness.Proc) error {
	if p.Role == harness.RolePeer {
		return r.C.StartPeer(ctx, p)
	}
	return p.Start()
}

// follower picks a running follower, seeded.
func (r *Run) follower(ctx context.Context) (*harness.Proc, error) {
	l, err := r.leader(ctx)
	if err != nil {
		return nil, err
	}
	others := r.C.Others(l)
	return others[r.intn(len(others))], nil
}

func (r *Run) node() *harness.Proc {
	return r.C.Nodes[r.intn(len(r.C.Nodes))]
}

// newLeader waits for a leader other than old and notes how long it took.
func (r *Run) newLeader(ctx context.Context, old *harness.Proc, since time.Time) {
	l, err := r.C.WaitNewLeader(ctx, old)
	if err != nil {
		r.Note("no new leader: %v", err)
		return
	}
	r.Note("%s leads after %.2fs", l.Name, time.Since(since).Seconds())
}

// KillPeer SIGKILLs the leader (or a follower), holds, and restarts it on
// its data dir.
func KillPeer(leader bool, hold time.Duration) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		p, role, err := r.target(ctx, leader)
		if err != nil {
			return err
		}
		t := time.Now()
		r.Fault("SIGKILL %s (%s)", p.Name, role)
		if err := p.Kill(); err != nil {
			return err
		}
		if leader {
			r.newLeader(ctx, p, t)
		}
		Hold(ctx, hold)
		r.Note("restart %s on its data dir", p.Name)
		return r.start(ctx, p)
	}
}

func (r *Run) target(ctx context.Context, leader bool) (*harness.Proc, string, error) {
	if leader {
		p, err := r.leader(ctx)
		return p, "leader", err
	}
	p, err := r.follower(ctx)
	return p, "follower", err
}

// PausePeer SIGSTOPs the leader (or a follower) for hold, then SIGCONTs it.
func PausePeer(leader bool, hold time.Duration) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		p, role, err := r.target(ctx, leader)
		if err != nil {
			return err
		}
		t := time.Now()
		r.Fault("SIGSTOP %s (%s) for %s", p.Name, role, hold)
		if err := p.Pause(); err != nil {
			return err
		}
		if leader {
			r.newLeader(ctx, p, t)
		}
		Hold(ctx, hold)
		r.Note("SIGCONT %s", p.Name)
		return r.C.ResumePeer(ctx, p)
	}
}

// Partitioned installs the links built from the current leader and the
// other peers, holds, and heals.
func Partitioned(what string, hold time.Duration, links func(leader string, others []string) []chaos.Link) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		l, err := r.leader(ctx)
		if err != nil {
			return err
		}
		others := r.C.PeerNames(r.C.Others(l)...)
		t := time.Now()
		r.Fault("%s (leader %s, others %v) for %s", what, l.Name, others, hold)
		if err := r.C.SetLinks(ctx, links(l.Name, others)); err != nil {
			return err
		}
		if what == "isolate leader" {
			r.newLeader(ctx, l, t)
		}
		Hold(ctx, hold)
		r.Note("heal partition")
		return r.C.SetLinks(ctx, nil)
	}
}

// Flapping partitions the leader away and back every period, n times.
func Flapping(period time.Duration, n int) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		for i := range n {
			l, err := r.leader(ctx)
			if err != nil {
				return err
			}
			others := r.C.PeerNames(r.C.Others(l)...)
			r.Fault("flap %d: isolate %s", i+1, l.Name)
			if err := r.C.SetLinks(ctx, chaos.Partition([]string{l.Name}, others)); err != nil {
				return err
			}
			Hold(ctx, period)
			r.Note("flap %d: heal", i+1)
			if err := r.C.SetLinks(ctx, nil); err != nil {
				return err
			}
			Hold(ctx, period)
		}
		return nil
	}
}

// RollingRestart stops every peer in turn with SIGTERM, restarts it and
// waits until it is ready before the next.
func RollingRestart(ctx context.Context, r *Run) error {
	for _, p := range r.C.Peers {
		r.Fault("SIGTERM %s (rolling restart)", p.Name)
		if err := p.Terminate(10 * time.Second); err != nil {
			return err
		}
		if err := r.start(ctx, p); err != nil {
			return err
		}
		if err := r.C.WaitReady(ctx, p); err != nil {
			return fmt.Errorf("%s not ready after restart: %w", p.Name, err)
		}
		r.Note("%s ready again", p.Name)
	}
	return nil
}

// WipeRejoin kills a follower, deletes its data dir, and starts it again:
// it must rejoin and catch up from the others.
func WipeRejoin(ctx context.Context, r *Run) error {
	p, err := r.follower(ctx)
	if err != nil {
		return err
	}
	r.Fault("SIGKILL %s and wipe its data dir", p.Name)
	if err := p.Wipe(); err != nil {
		return err
	}
	Hold(ctx, 2*time.Second)
	r.Note("start %s on an empty data dir", p.Name)
	if err := r.start(ctx, p); err != nil {
		return err
	}
	return r.C.WaitReady(ctx, p)
}

// KillNode SIGKILLs an engine node, holds, and restarts it on its data dir.
func KillNode(hold time.Duration) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		n := r.node()
		r.Fault("SIGKILL %s", n.Name)
		if err := n.Kill(); err != nil {
			return err
		}
		Hold(ctx, hold)
		r.Note("restart %s", n.Name)
		return n.Start()
	}
}

// PauseNode SIGSTOPs an engine node for hold.
func PauseNode(hold time.Duration) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		n := r.node()
		r.Fault("SIGSTOP %s for %s", n.Name, hold)
		if err := n.Pause(); err != nil {
			return err
		}
		Hold(ctx, hold)
		r.Note("SIGCONT %s", n.Name)
		return n.Resume()
	}
}

// SlowNode makes an engine node slow without a proxy: it is stopped for
// stop out of every stop+run, so each request waits up to stop longer.
func SlowNode(hold, stop, run time.Duration) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		n := r.node()
		r.Fault("slow %s (SIGSTOP %s every %s) for %s", n.Name, stop, stop+run, hold)
		end := time.Now().Add(hold)
		for time.Now().Before(end) && ctx.Err() == nil {
			if err := n.Pause(); err != nil {
				return err
			}
			Hold(context.WithoutCancel(ctx), stop)
			if err := n.Resume(); err != nil {
				return err
			}
			Hold(ctx, run)
		}
		r.Note("%s back to full speed", n.Name)
		return nil
	}
}

// Together runs several fault schedules at once.
func Together(fs ...func(context.Context, *Run) error) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		errs := make(chan error, len(fs))
		for _, f := range fs {
			go func() { errs <- f(ctx, r) }()
		}
		var first error
		for range fs {
			if err := <-errs; err != nil && first == nil {
				first = err
			}
		}
		return first
	}
}

// NodeProxyFaults makes one engine node slow and/or failing through its
// proxy for hold (needs Scenario.NodeProxies).
func NodeProxyFaults(hold, latency time.Duration, errorRate float64) func(context.Context, *Run) error {
	return func(ctx context.Context, r *Run) error {
		if len(r.C.Proxies) == 0 {
			return fmt.Errorf("node proxy faults need Scenario.NodeProxies")
		}
		i := r.intn(len(r.C.Proxies))
		r.Fault("%s: +%s latency, %.0f%% errors for %s", r.C.Nodes[i].Name, latency, errorRate*100, hold)
		r.C.Proxies[i].SetFaults(latency, errorRate)
		Hold(ctx, hold)
		r.Note("%s: faults off", r.C.Nodes[i].Name)
		r.C.Proxies[i].SetFaults(0, 0)
		return nil
	}
}
