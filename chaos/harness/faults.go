package harness

import (
	"context"
	"fmt"
	"sync"

	"github.com/miroir-search/miroir/chaos"
)

// links is the fault state the harness last set; it is pushed again to a
// peer that restarts, since a process begins with no rules.
type linkState struct {
	mu    sync.Mutex
	links []chaos.Link
}

// PeerNames returns the names of the given peers (all peers when none).
func (c *Cluster) PeerNames(ps ...*Proc) []string {
	if len(ps) == 0 {
		ps = c.Peers
	}
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

// Others returns the peers other than ps.
func (c *Cluster) Others(ps ...*Proc) []*Proc {
	var out []*Proc
	for _, p := range c.Peers {
		skip := false
		for _, q := range ps {
			skip = skip || p == q
		}
		if !skip {
			out = append(out, p)
		}
	}
	return out
}

func (c *Cluster) table(self *Proc, links []chaos.Link) chaos.Table {
	peers := map[string][]string{}
	for _, p := range c.Peers {
		peers[p.Name] = []string{p.RaftAddr, p.GossipAddr}
	}
	return chaos.Table{Self: self.Name, Peers: peers, Links: links}
}

// SetLinks installs links as the network faults between peers, on every
// running peer (a paused peer gets them when resumed via ResumePeer or
// restarted via StartPeer). nil heals every link.
func (c *Cluster) SetLinks(ctx context.Context, links []chaos.Link) error {
	if !c.Cfg.Chaos {
		return fmt.Errorf("harness: network faults need Config.Chaos (miroir serve --chaos-control)")
	}
	c.faults.mu.Lock()
	c.faults.links = links
	c.faults.mu.Unlock()
	var errs []error
	for _, p := range c.Peers {
		if p.Running() && !p.Paused() {
			if err := c.pushLinks(ctx, p); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("harness: set links: %v", errs)
	}
	return nil
}

func (c *Cluster) pushLinks(ctx context.Context, p *Proc) error {
	c.faults.mu.Lock()
	links := c.faults.links
	c.faults.mu.Unlock()
	return chaos.ControlClient{Addr: p.ControlAddr}.Set(ctx, c.table(p, links))
}

// StartPeer starts a peer and, in chaos mode, installs the current links
// as soon as its control server answers.
func (c *Cluster) StartPeer(ctx context.Context, p *Proc) error {
	if err := p.Start(); err != nil {
		return err
	}
	if !c.Cfg.Chaos {
		return nil
	}
	var last error
	err := WaitFor(ctx, c.Cfg.Timeout, func() bool {
		last = c.pushLinks(ctx, p)
		return last == nil
	}, func() string { return fmt.Sprintf("%s control server: %v", p.Name, last) })
	return err
}

// ResumePeer SIGCONTs a paused peer and pushes the current links to it.
func (c *Cluster) ResumePeer(ctx context.Context, p *Proc) error {
	if err := p.Resume(); err != nil {
		return err
	}
	if c.Cfg.Chaos {
		return c.pushLinks(ctx, p)
	}
	return nil
}

// FaultStats sums the fault counters of every running peer.
func (c *Cluster) FaultStats(ctx context.Context) chaos.Stats {
	var sum chaos.Stats
	for _, p := range c.Peers {
		if !p.Running() || p.Paused() {
			continue
		}
		st, err := chaos.ControlClient{Addr: p.ControlAddr}.Stats(ctx)
		if err != nil {
			continue
		}
		sum.DialsRefused += st.DialsRefused
		sum.StreamsCut += st.StreamsCut
		sum.PacketsDropped += st.PacketsDropped
		sum.PacketsDelayed += st.PacketsDelayed
		sum.WritesDelayed += st.WritesDelayed
	}
	return sum
}
