package cluster

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/raft"
)

// loop is the peer's main background goroutine: it bootstraps when
// bootstrap-expect is met, tracks leadership, remembers the peers' gossip
// addresses (rejoin.go), and while leader reconciles gossip membership
// with the raft configuration on every membership event and every
// ReconcileInterval.
func (p *Peer) loop(ctx context.Context, hasState bool) {
	defer p.wg.Done()
	needBootstrap := !hasState && p.cfg.BootstrapExpect > 0
	ticker := time.NewTicker(p.cfg.ReconcileInterval)
	defer ticker.Stop()
	leaderCh := p.raft.LeaderCh()
	stateMarked := hasState
	leader := false
	for {
		if needBootstrap {
			needBootstrap = !p.maybeBootstrap()
		}
		// Bootstrapped, or added by a leader: tell others we have state.
		if !stateMarked && p.inConfiguration() {
			p.markHasState()
			stateMarked = true
		}
		p.rememberMembers()
		if leader {
			p.reconcile(ctx)
		}
		select {
		case <-ctx.Done():
			return
		case leader = <-leaderCh:
			p.logger.Info("leadership changed", "leader", leader)
		case <-p.view.poke:
		case <-ticker.C:
		}
	}
}

// inConfiguration says whether this peer is in the raft configuration it
// knows, i.e. whether it has joined a cluster.
func (p *Peer) inConfiguration() bool {
	f := p.raft.GetConfiguration()
	if f.Error() != nil {
		return false
	}
	return slices.ContainsFunc(f.Configuration().Servers, func(s raft.Server) bool {
		return s.ID == raft.ServerID(p.cfg.PeerID)
	})
}

// maybeBootstrap bootstraps raft once BootstrapExpect distinct peers are
// visible and none of them has state. It reports whether bootstrapping is
// settled (done, or abandoned because a cluster already exists).
func (p *Peer) maybeBootstrap() bool {
	var servers []raft.Server
	for _, m := range p.view.list() {
		if m.Status != MemberAlive || m.Meta.PeerID == "" || m.Meta.RaftAddr == "" {
			continue
		}
		if m.Meta.HasState && m.Meta.PeerID != p.cfg.PeerID {
			p.logger.Info("a visible peer has raft state: waiting to be added instead of bootstrapping", "peer", m.Meta.PeerID)
			return true
		}
		servers = append(servers, raft.Server{
			Suffrage: raft.Voter, ID: raft.ServerID(m.Meta.PeerID), Address: raft.ServerAddress(m.Meta.RaftAddr),
		})
	}
	if len(servers) < p.cfg.BootstrapExpect {
		return false
	}
	slices.SortFunc(servers, func(a, b raft.Server) int {
		return compareStrings(string(a.ID), string(b.ID))
	})
	err := p.raft.BootstrapCluster(raft.Configuration{Servers: servers}).Error()
	if err != nil {
		p.logger.Warn("bootstrap", "err", err)
	} else {
		p.logger.Info("bootstrapped cluster", "servers", len(servers))
	}
	return true
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// reconcile makes alive peers voters and removes peers that left or were
// removed by an operator. Failed peers are left alone: they are expected
// back, and removing them would shrink the quorum a flapping network needs.
func (p *Peer) reconcile(ctx context.Context) {
	f := p.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return
	}
	current := map[raft.ServerID]raft.Server{}
	for _, s := range f.Configuration().Servers {
		current[s.ID] = s
	}
	for _, m := range p.view.list() {
		if ctx.Err() != nil || p.raft.State() != raft.Leader {
			return
		}
		p.reconcileMember(m, current)
	}
	for _, id := range p.removedInConfig(current) {
		p.removeServer(id)
	}
	p.metrics.reconciles.Inc()
}

func (p *Peer) reconcileMember(m Member, current map[raft.ServerID]raft.Server) {
	id := raft.ServerID(m.Meta.PeerID)
	if id == "" || m.Meta.PeerID == p.cfg.PeerID {
		return
	}
	if m.Status == MemberLeft {
		p.view.markRemoved(m.Meta.PeerID)
		return
	}
	if m.Status != MemberAlive || m.Meta.RaftAddr == "" || p.view.isRemoved(m.Meta.PeerID) {
		return
	}
	addr := raft.ServerAddress(m.Meta.RaftAddr)
	if s, ok := current[id]; ok && s.Address == addr && s.Suffrage == raft.Voter {
		return
	}
	err := p.raft.AddVoter(id, addr, 0, p.cfg.ApplyTimeout).Error()
	if err != nil {
		p.logger.Warn("add voter", "id", id, "addr", addr, "err", err)
		return
	}
	p.logger.Info("added voter", "id", id, "addr", addr)
}

func (p *Peer) removedInConfig(current map[raft.ServerID]raft.Server) []raft.ServerID {
	var out []raft.ServerID
	for id := range current {
		if string(id) != p.cfg.PeerID && p.view.isRemoved(string(id)) {
			out = append(out, id)
		}
	}
	return out
}

func (p *Peer) removeServer(id raft.ServerID) {
	if err := p.raft.RemoveServer(id, 0, p.cfg.ApplyTimeout).Error(); err != nil {
		p.logger.Warn("remove server", "id", id, "err", err)
		return
	}
	p.logger.Info("removed server", "id", id)
}
