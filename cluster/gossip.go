package cluster

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"log"
	"net"
	"strconv"
	"sync"

	"github.com/hashicorp/memberlist"
)

// Meta is what a peer tells others about itself in gossip (memberlist node
// meta, at most 512 bytes of JSON).
type Meta struct {
	PeerID   string `json:"id"`
	RaftAddr string `json:"raft"`
	HTTPAddr string `json:"http"`
	Version  string `json:"v,omitempty"`
	// HasState is set once the peer has raft state (bootstrapped or joined);
	// a peer waiting for bootstrap-expect gives up bootstrapping when any
	// visible peer has state, and waits to be added instead.
	HasState bool `json:"state,omitempty"`
	// Leaving is set by Leave before the gossip leave. memberlist does not
	// tell its event delegate whether a node left or failed, so this flag
	// is how peers know a departure is graceful (and a removal is wanted).
	Leaving bool `json:"leaving,omitempty"`
}

// MemberStatus is a peer's gossip state.
type MemberStatus string

// Gossip states. A peer that announced Leaving counts as left as soon as
// the announcement arrives.
const (
	MemberAlive MemberStatus = "alive"
	MemberDead  MemberStatus = "dead" // failed: expected back, never removed for it
	MemberLeft  MemberStatus = "left" // left gracefully: removed from raft
)

func memberStatus(gone bool, meta Meta) MemberStatus {
	switch {
	case meta.Leaving:
		return MemberLeft
	case gone:
		return MemberDead
	default:
		return MemberAlive
	}
}

// Member is one peer as this peer's gossip sees it.
type Member struct {
	Name       string       `json:"name"`
	GossipAddr string       `json:"gossipAddr"`
	Status     MemberStatus `json:"status"`
	Meta       Meta         `json:"meta"`
}

// memberView is the gossip view kept by the event delegate. memberlist calls
// the delegate with its own locks held, so the delegate only updates this
// map and pokes the loop without blocking.
type memberView struct {
	mu      sync.Mutex
	members map[string]Member
	// removed holds graceful leaves and operator removals. Every peer keeps
	// them, so a new leader acts on them too. A removed peer that is still
	// alive in gossip stays out of raft until it rejoins gossip (restarts).
	removed map[string]bool
	poke    chan struct{} // capacity 1: a pending poke covers any number of events
}

func newMemberView() *memberView {
	return &memberView{members: map[string]Member{}, removed: map[string]bool{}, poke: make(chan struct{}, 1)}
}

// update records n; gone is true for memberlist's leave event, which it
// raises both for failed and for departed nodes.
func (v *memberView) update(n *memberlist.Node, join, gone bool) {
	var meta Meta
	_ = json.Unmarshal(n.Meta, &meta) // a node without valid meta stays unusable (empty ids)
	v.mu.Lock()
	prev, known := v.members[n.Name]
	if join || (known && prev.Meta.Leaving && !meta.Leaving && !gone) {
		delete(v.removed, n.Name) // back after leaving: a new member
	}
	v.members[n.Name] = Member{
		Name:       n.Name,
		GossipAddr: net.JoinHostPort(n.Addr.String(), strconv.Itoa(int(n.Port))),
		Status:     memberStatus(gone, meta),
		Meta:       meta,
	}
	v.mu.Unlock()
	select {
	case v.poke <- struct{}{}:
	default:
	}
}

func (v *memberView) NotifyJoin(n *memberlist.Node)   { v.update(n, true, false) }
func (v *memberView) NotifyLeave(n *memberlist.Node)  { v.update(n, false, true) }
func (v *memberView) NotifyUpdate(n *memberlist.Node) { v.update(n, false, false) }

func (v *memberView) markRemoved(id string) {
	v.mu.Lock()
	v.removed[id] = true
	v.mu.Unlock()
}

func (v *memberView) isRemoved(id string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.removed[id]
}

func (v *memberView) list() []Member {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]Member, 0, len(v.members))
	for _, m := range v.members {
		out = append(out, m)
	}
	return out
}

func (v *memberView) get(id string) (Member, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	m, ok := v.members[id]
	return m, ok
}

// metaDelegate serves this peer's meta to memberlist. Meta can change
// (HasState); setMeta then asks memberlist to re-gossip it.
type metaDelegate struct {
	mu   sync.Mutex
	meta []byte
}

func (d *metaDelegate) set(m Meta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if len(b) > memberlist.MetaMaxSize {
		return fmt.Errorf("gossip meta is %d bytes, over memberlist's %d: shorten peer id or addresses", len(b), memberlist.MetaMaxSize)
	}
	d.mu.Lock()
	d.meta = b
	d.mu.Unlock()
	return nil
}

func (d *metaDelegate) NodeMeta(limit int) []byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.meta) > limit {
		return nil
	}
	return d.meta
}
func (d *metaDelegate) NotifyMsg([]byte)                           {}
func (d *metaDelegate) GetBroadcasts(overhead, limit int) [][]byte { return nil }
func (d *metaDelegate) LocalState(join bool) []byte                { return nil }
func (d *metaDelegate) MergeRemoteState(buf []byte, join bool)     {}

// gossipKey derives memberlist's AES-256 key from the cluster key.
func gossipKey(clusterKey string) []byte {
	k := sha256.Sum256([]byte("miroir-gossip" + clusterKey))
	return k[:]
}

func (p *Peer) memberlistConfig() (*memberlist.Config, error) {
	c := memberlist.DefaultLANConfig()
	c.Name = p.cfg.PeerID
	host, port, err := splitHostPort(p.cfg.GossipBindAddr)
	if err != nil {
		return nil, fmt.Errorf("gossip bind address: %w", err)
	}
	c.BindAddr, c.BindPort = host, port
	if a := p.cfg.GossipAdvertiseAddr; a != "" {
		if c.AdvertiseAddr, c.AdvertisePort, err = splitHostPort(a); err != nil {
			return nil, fmt.Errorf("gossip advertise address: %w", err)
		}
	}
	c.ProbeInterval = p.cfg.GossipProbeInterval
	c.ProbeTimeout = p.cfg.GossipProbeTimeout
	c.GossipInterval = p.cfg.GossipInterval
	c.PushPullInterval = p.cfg.GossipPushPull
	c.SuspicionMult = p.cfg.GossipSuspicionMult
	c.DeadNodeReclaimTime = p.cfg.GossipDeadReclaim
	c.GossipToTheDeadTime = p.cfg.GossipToTheDeadTime
	c.RetransmitMult = p.cfg.GossipRetransmitMult
	c.Delegate = p.meta
	c.Events = p.view
	c.Logger = log.New(&levelWriter{l: p.logger.With("component", "memberlist")}, "", 0)
	if p.cfg.GossipEncrypt {
		c.SecretKey = gossipKey(p.cfg.ClusterKey)
	}
	if c.Transport, err = p.gossipTransport(c); err != nil {
		return nil, err
	}
	return c, nil
}

func splitHostPort(addr string) (string, int, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	n, err := strconv.Atoi(port)
	return host, n, err
}

// openGossip starts memberlist with this peer's meta.
func (p *Peer) openGossip(hasState bool) error {
	p.hasState.Store(hasState)
	if err := p.meta.set(p.localMeta()); err != nil {
		return err
	}
	mc, err := p.memberlistConfig()
	if err != nil {
		return err
	}
	ml, err := memberlist.Create(mc)
	if err != nil {
		return fmt.Errorf("start gossip on %s: %w", p.cfg.GossipBindAddr, err)
	}
	p.ml = ml
	// LocalNode points into memberlist's state, which UpdateNode rewrites
	// later: copy it once now, before this peer updates its meta.
	local := *ml.LocalNode()
	p.gossipAddr = net.JoinHostPort(local.Addr.String(), strconv.Itoa(int(local.Port)))
	p.view.update(&local, false, false)
	return nil
}

// localMeta is this peer's meta now.
func (p *Peer) localMeta() Meta {
	return Meta{
		PeerID:   p.cfg.PeerID,
		RaftAddr: string(p.trans.LocalAddr()),
		HTTPAddr: p.cfg.HTTPAddr,
		Version:  p.cfg.Version,
		HasState: p.hasState.Load(),
		Leaving:  p.leaving.Load(),
	}
}

// markHasState re-gossips meta once this peer has raft state.
func (p *Peer) markHasState() {
	p.hasState.Store(true)
	p.updateMeta()
}

// updateMeta re-gossips this peer's meta, waiting up to LeaveTimeout for
// the broadcast to go out.
func (p *Peer) updateMeta() {
	if err := p.meta.set(p.localMeta()); err != nil {
		p.logger.Error("update gossip meta", "err", err)
		return
	}
	if err := p.ml.UpdateNode(p.cfg.LeaveTimeout); err != nil {
		p.logger.Warn("gossip meta update", "err", err)
	}
}
