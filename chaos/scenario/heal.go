package scenario

import (
	"context"
)

// Heal undoes every fault: network links cleared, paused processes
// resumed, dead ones restarted on their data dirs; then it waits until every
// peer is ready and every node healthy. It is idempotent.
func (r *Run) Heal(ctx context.Context) {
	c := r.C
	if c.Cfg.Chaos {
		if err := c.SetLinks(ctx, nil); err != nil {
			r.Note("heal: clear links: %v", err)
		}
	}
	for _, px := range c.Proxies {
		px.SetFaults(0, 0)
	}
	for _, p := range c.Procs() {
		switch {
		case p.Paused():
			if err := c.ResumePeer(ctx, p); err != nil {
				r.Note("heal: resume %s: %v", p.Name, err)
			}
		case !p.Running():
			r.Note("heal: restart %s", p.Name)
			if err := r.start(ctx, p); err != nil {
				r.Note("heal: restart %s: %v", p.Name, err)
			}
		}
	}
	for _, p := range c.Peers {
		if err := c.WaitReady(ctx, p); err != nil {
			r.Note("heal: %s not ready: %v", p.Name, err)
		}
	}
	for _, n := range c.Nodes {
		if err := c.WaitNodeHealthy(ctx, n); err != nil {
			r.Note("heal: %s not healthy: %v", n.Name, err)
		}
	}
	r.Note("healed")
}
