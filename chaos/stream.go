package chaos

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// ErrBlocked is returned by dials and writes on a link the rules block.
var ErrBlocked = errors.New("chaos: link blocked by fault rules")

// maxDialWait bounds how long a dial to a blocked peer hangs when its
// caller gave no timeout, as a dropped SYN would.
const maxDialWait = 10 * time.Second

// streams applies the rules to the TCP streams one decorator dials, and
// cuts them when a new table blocks their link.
type streams struct {
	rules *Rules
	mu    sync.Mutex
	conns map[*faultyConn]struct{}
}

func newStreams(rules *Rules) *streams {
	s := &streams{rules: rules, conns: map[*faultyConn]struct{}{}}
	rules.subscribe(s.recheck)
	return s
}

// blocked reports whether a stream to addr can carry anything: it needs
// both directions.
func (s *streams) blocked(addr string) bool {
	return s.rules.ToAddr(addr).Blocked() || s.rules.FromAddr(addr).Blocked()
}

// dial hangs while the link is blocked (until the timeout, or until a new
// table unblocks it), then dials with the time left.
func (s *streams) dial(addr string, timeout time.Duration, dial func(time.Duration) (net.Conn, error)) (net.Conn, error) {
	if timeout <= 0 {
		timeout = maxDialWait
	}
	deadline := time.Now().Add(timeout)
	for s.blocked(addr) {
		changed := s.rules.Changed()
		if !s.blocked(addr) {
			break
		}
		left := time.Until(deadline)
		if left <= 0 {
			s.rules.dialsRefused.Add(1)
			return nil, fmt.Errorf("dial %s: %w (timed out)", addr, ErrBlocked)
		}
		t := time.NewTimer(left)
		s.rules.dialsHanging.Add(1)
		select {
		case <-changed:
		case <-t.C:
		}
		s.rules.dialsHanging.Add(-1)
		t.Stop()
	}
	if hit(s.rules.ToAddr(addr).Drop) || hit(s.rules.FromAddr(addr).Drop) {
		s.rules.dialsRefused.Add(1)
		return nil, fmt.Errorf("dial %s: %w (lossy link)", addr, ErrBlocked)
	}
	conn, err := dial(time.Until(deadline))
	if err != nil {
		return nil, err
	}
	fc := &faultyConn{Conn: conn, addr: addr, s: s}
	s.mu.Lock()
	s.conns[fc] = struct{}{}
	s.mu.Unlock()
	if s.blocked(addr) { // a table arrived between the check and the dial
		fc.cut()
	}
	return fc, nil
}

// recheck cuts every stream whose link the current table blocks.
func (s *streams) recheck() {
	s.mu.Lock()
	var cut []*faultyConn
	for c := range s.conns {
		if s.blocked(c.addr) {
			cut = append(cut, c)
		}
	}
	s.mu.Unlock()
	for _, c := range cut {
		c.cut()
	}
}

func (s *streams) forget(c *faultyConn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

// faultyConn is a dialed stream: writes carry the outgoing delay and loss,
// reads the incoming delay.
type faultyConn struct {
	net.Conn
	addr string
	s    *streams
	once sync.Once
}

func (c *faultyConn) Write(b []byte) (int, error) {
	f := c.s.rules.ToAddr(c.addr)
	if f.Delay > 0 {
		c.s.rules.writesDelayed.Add(1)
		time.Sleep(f.Delay)
	}
	if hit(f.Drop) {
		c.cut()
		return 0, fmt.Errorf("write to %s: %w", c.addr, ErrBlocked)
	}
	return c.Conn.Write(b)
}

func (c *faultyConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		if d := c.s.rules.FromAddr(c.addr).Delay; d > 0 {
			time.Sleep(d)
		}
	}
	return n, err
}

func (c *faultyConn) Close() error {
	c.s.forget(c)
	return c.Conn.Close()
}

// cut closes the stream as a partition would end it (the peer sees a reset).
func (c *faultyConn) cut() {
	c.once.Do(func() {
		c.s.rules.streamsCut.Add(1)
		_ = c.Close()
	})
}

// faultyStreamLayer decorates raft's StreamLayer.
type faultyStreamLayer struct {
	raft.StreamLayer
	s *streams
}

// NewFaultyStreamLayer wraps a raft StreamLayer so that dials to peers and
// the streams they open obey rules. Accept, Close and Addr pass through:
// faults are applied by the dialing side.
func NewFaultyStreamLayer(inner raft.StreamLayer, rules *Rules) raft.StreamLayer {
	return &faultyStreamLayer{StreamLayer: inner, s: newStreams(rules)}
}

func (l *faultyStreamLayer) Dial(addr raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	return l.s.dial(string(addr), timeout, func(left time.Duration) (net.Conn, error) {
		return l.StreamLayer.Dial(addr, left)
	})
}
