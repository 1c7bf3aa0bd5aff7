package clustertest

import (
	"errors"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
	"github.com/miroir-search/miroir/cluster"
)

// errPartitioned is what a blocked dial, read or write returns.
var errPartitioned = errors.New("clustertest: partitioned")

// network is a cluster's in-process fault table, consulted by decorators
// of every peer's raft stream layer and gossip transport (installed through
// cluster.Config.WrapStreamLayer and WrapTransport). The sender enforces:
// a peer's dials, stream reads/writes and gossip packets to a blocked peer
// fail or vanish. Partitions are symmetric, so both ends are cut.
type network struct {
	mu      sync.RWMutex
	blocked map[[2]string]bool // (from, to) peer ids
	owner   map[string]string  // raft or gossip host:port -> peer id
}

func newNetwork() *network {
	return &network{blocked: map[[2]string]bool{}, owner: map[string]string{}}
}

func (n *network) register(id string, addrs ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, a := range addrs {
		n.owner[a] = id
	}
}

func (n *network) cut(from, addr string) bool {
	n.mu.RLock()
	defer n.mu.RUnlock()
	to, ok := n.owner[addr]
	return ok && n.blocked[[2]string{from, to}]
}

func (n *network) set(blocked map[[2]string]bool) {
	n.mu.Lock()
	n.blocked = blocked
	n.mu.Unlock()
}

// hooks installs the decorators for peer id into cfg.
func (n *network) hooks(id string, cfg *cluster.Config) {
	cfg.WrapStreamLayer = func(s raft.StreamLayer) raft.StreamLayer {
		return &faultyStream{StreamLayer: s, net: n, from: id}
	}
	cfg.WrapTransport = func(t memberlist.NodeAwareTransport) memberlist.NodeAwareTransport {
		return &faultyTransport{NodeAwareTransport: t, net: n, from: id}
	}
}

type faultyStream struct {
	raft.StreamLayer
	net  *network
	from string
}

func (s *faultyStream) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	if s.net.cut(s.from, string(addr)) {
		return nil, errPartitioned
	}
	c, err := s.StreamLayer.Dial(addr, timeout)
	if err != nil {
		return nil, err
	}
	return &faultyConn{Conn: c, net: s.net, from: s.from, to: string(addr)}, nil
}

type faultyTransport struct {
	memberlist.NodeAwareTransport
	net  *network
	from string
}

func (t *faultyTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	if t.net.cut(t.from, addr) {
		return time.Now(), nil // a lost packet
	}
	return t.NodeAwareTransport.WriteTo(b, addr)
}

func (t *faultyTransport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	if t.net.cut(t.from, a.Addr) {
		return time.Now(), nil
	}
	return t.NodeAwareTransport.WriteToAddress(b, a)
}

func (t *faultyTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.DialAddressTimeout(memberlist.Address{Addr: addr}, timeout)
}

func (t *faultyTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	if t.net.cut(t.from, a.Addr) {
		return nil, errPartitioned
	}
	c, err := t.NodeAwareTransport.DialAddressTimeout(a, timeout)
	if err != nil {
		return nil, err
	}
	return &faultyConn{Conn: c, net: t.net, from: t.from, to: a.Addr}, nil
}

// faultyConn closes itself on the first read or write after its link is cut.
type faultyConn struct {
	net.Conn
	net      *network
	from, to string
}

func (c *faultyConn) check() error {
	if c.net.cut(c.from, c.to) {
		_ = c.Conn.Close()
		return errPartitioned
	}
	return nil
}

func (c *faultyConn) Read(b []byte) (int, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	n, err := c.Conn.Read(b)
	if cerr := c.check(); cerr != nil {
		return 0, cerr
	}
	return n, err
}

func (c *faultyConn) Write(b []byte) (int, error) {
	if err := c.check(); err != nil {
		return 0, err
	}
	return c.Conn.Write(b)
}

// Partition splits the cluster: peers (by node index) in different groups
// cannot exchange raft or gossip traffic; peers not named keep talking to
// everyone. It replaces any earlier partition.
func (c *Cluster) Partition(groups ...[]int) {
	side := map[string]int{}
	for g, members := range groups {
		for _, i := range members {
			side[c.Node(i).Config.PeerID] = g
		}
	}
	blocked := map[[2]string]bool{}
	for a, ga := range side {
		for b, gb := range side {
			if ga != gb {
				blocked[[2]string{a, b}] = true
			}
		}
	}
	c.net.set(blocked)
}

// Disconnect isolates node i from every other node.
func (c *Cluster) Disconnect(i int) {
	rest := []int{}
	for _, n := range c.Nodes() {
		if n.Index != i {
			rest = append(rest, n.Index)
		}
	}
	c.Partition([]int{i}, rest)
}

// Heal removes every partition.
func (c *Cluster) Heal() { c.net.set(map[[2]string]bool{}) }
