package cluster

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
	"github.com/hashicorp/raft"
)

// tcpStreamLayer is raft's network layer: plain TCP on a listener this
// package owns, so Config.WrapStreamLayer can decorate it (chaos faults;
// a TLS layer would slot in the same way).
//
// raft's NetworkTransport.Close closes neither the connections it accepted
// nor its outbound ones (pooled, or held by a replication pipeline), so
// their goroutines would outlive the peer; this layer tracks both and
// closes them itself.
type tcpStreamLayer struct {
	ln        net.Listener
	advertise net.Addr
	tls       *tls.Config // nil: plain TCP

	mu     sync.Mutex
	conns  map[net.Conn]struct{} // accepted and dialed, until closed
	closed bool
}

func newTCPStreamLayer(bind, advertise string, tlsConf *tls.Config) (*tcpStreamLayer, error) {
	var adv net.Addr
	if advertise != "" {
		a, err := net.ResolveTCPAddr("tcp", advertise)
		if err != nil {
			return nil, fmt.Errorf("raft advertise address: %w", err)
		}
		adv = a
	}
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, fmt.Errorf("raft transport on %s: %w", bind, err)
	}
	l := &tcpStreamLayer{ln: ln, advertise: adv, tls: tlsConf, conns: map[net.Conn]struct{}{}}
	if a, ok := l.Addr().(*net.TCPAddr); !ok || a.IP == nil || a.IP.IsUnspecified() {
		_ = ln.Close()
		return nil, errors.New("raft address is unspecified (0.0.0.0): set the raft advertise address")
	}
	return l, nil
}

func (l *tcpStreamLayer) Accept() (net.Conn, error) {
	c, err := l.ln.Accept()
	if err != nil {
		return nil, err
	}
	if l.tls != nil {
		c = tls.Server(c, l.tls)
	}
	return l.track(c)
}

// track registers c so Close closes it; after Close it refuses c.
func (l *tcpStreamLayer) track(c net.Conn) (net.Conn, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		_ = c.Close()
		return nil, net.ErrClosed
	}
	tc := &trackedConn{Conn: c, layer: l}
	l.conns[tc] = struct{}{}
	return tc, nil
}

// Close stops accepting and closes every connection, accepted or dialed.
// It may be called more than once.
func (l *tcpStreamLayer) Close() error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return nil
	}
	l.closed = true
	conns := l.conns
	l.conns = map[net.Conn]struct{}{}
	l.mu.Unlock()
	err := l.ln.Close()
	for c := range conns {
		_ = c.(*trackedConn).Conn.Close()
	}
	return err
}

type trackedConn struct {
	net.Conn
	layer *tcpStreamLayer
	once  sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.layer.mu.Lock()
		delete(c.layer.conns, c)
		c.layer.mu.Unlock()
	})
	return c.Conn.Close()
}

func (l *tcpStreamLayer) Addr() net.Addr {
	if l.advertise != nil {
		return l.advertise
	}
	return l.ln.Addr()
}

func (l *tcpStreamLayer) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	d := &net.Dialer{Timeout: timeout}
	var c net.Conn
	var err error
	if l.tls == nil {
		c, err = d.Dial("tcp", string(addr))
	} else {
		c, err = tls.DialWithDialer(d, "tcp", string(addr), l.tls)
	}
	if err != nil {
		return nil, err
	}
	return l.track(c)
}

// newRaftTransport builds raft's network transport over the stream layer,
// decorated by Config.WrapStreamLayer when set.
func (p *Peer) newRaftTransport() (*raft.NetworkTransport, error) {
	layer, err := newTCPStreamLayer(p.cfg.RaftBindAddr, p.cfg.RaftAdvertiseAddr, p.cfg.RaftTLS)
	if err != nil {
		return nil, err
	}
	p.layer = layer
	var stream raft.StreamLayer = layer
	if p.cfg.WrapStreamLayer != nil {
		stream = p.cfg.WrapStreamLayer(stream)
	}
	return raft.NewNetworkTransportWithConfig(&raft.NetworkTransportConfig{
		Stream:  stream,
		MaxPool: 3,
		Timeout: p.cfg.ApplyTimeout,
		Logger:  newHCLog(p.logger, "raft-net"),
	}), nil
}

// gossipTransport builds memberlist's transport when Config.WrapTransport
// asks to decorate it; otherwise memberlist builds its own (nil).
func (p *Peer) gossipTransport(c *memberlist.Config) (memberlist.Transport, error) {
	if p.cfg.WrapTransport == nil {
		return nil, nil
	}
	nt, err := memberlist.NewNetTransport(&memberlist.NetTransportConfig{
		BindAddrs: []string{c.BindAddr},
		BindPort:  c.BindPort,
		Logger:    c.Logger,
	})
	if err != nil {
		return nil, fmt.Errorf("gossip transport on %s: %w", p.cfg.GossipBindAddr, err)
	}
	if c.BindPort == 0 {
		c.BindPort = nt.GetAutoBindPort()
		if p.cfg.GossipAdvertiseAddr == "" {
			c.AdvertisePort = c.BindPort
		}
	}
	return p.cfg.WrapTransport(nt), nil
}
