package chaos

import (
	"net"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"
)

// faultyTransport decorates memberlist's transport: outgoing packets are
// dropped or delayed per the rules; outgoing streams behave as raft's do.
type faultyTransport struct {
	memberlist.NodeAwareTransport
	rules *Rules
	s     *streams

	mu       sync.Mutex
	timers   map[*time.Timer]struct{}
	shutdown bool
}

// NewFaultyTransport wraps a memberlist transport so that gossip to peers
// obeys rules. Incoming traffic passes through: the sender applies faults.
func NewFaultyTransport(inner memberlist.NodeAwareTransport, rules *Rules) memberlist.NodeAwareTransport {
	return &faultyTransport{NodeAwareTransport: inner, rules: rules, s: newStreams(rules), timers: map[*time.Timer]struct{}{}}
}

func (t *faultyTransport) WriteTo(b []byte, addr string) (time.Time, error) {
	return t.WriteToAddress(b, memberlist.Address{Addr: addr})
}

func (t *faultyTransport) WriteToAddress(b []byte, a memberlist.Address) (time.Time, error) {
	f := t.rules.ToAddr(a.Addr)
	if hit(f.Drop) {
		t.rules.packetsDropped.Add(1)
		return time.Now(), nil // a lost datagram looks sent
	}
	if f.Delay > 0 {
		t.later(f.Delay, append([]byte(nil), b...), a)
		return time.Now(), nil
	}
	return t.NodeAwareTransport.WriteToAddress(b, a)
}

// later sends a copy of a packet after d, unless the transport shut down.
func (t *faultyTransport) later(d time.Duration, b []byte, a memberlist.Address) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.shutdown {
		return
	}
	t.rules.packetsDelayed.Add(1)
	var tm *time.Timer
	tm = time.AfterFunc(d, func() {
		t.mu.Lock()
		_, live := t.timers[tm]
		delete(t.timers, tm)
		t.mu.Unlock()
		if live {
			_, _ = t.NodeAwareTransport.WriteToAddress(b, a)
		}
	})
	t.timers[tm] = struct{}{}
}

func (t *faultyTransport) DialTimeout(addr string, timeout time.Duration) (net.Conn, error) {
	return t.DialAddressTimeout(memberlist.Address{Addr: addr}, timeout)
}

func (t *faultyTransport) DialAddressTimeout(a memberlist.Address, timeout time.Duration) (net.Conn, error) {
	return t.s.dial(a.Addr, timeout, func(left time.Duration) (net.Conn, error) {
		return t.NodeAwareTransport.DialAddressTimeout(a, left)
	})
}

// Shutdown drops the packets still waiting out a delay, then shuts the
// inner transport down.
func (t *faultyTransport) Shutdown() error {
	t.mu.Lock()
	t.shutdown = true
	for tm := range t.timers {
		tm.Stop()
	}
	t.timers = map[*time.Timer]struct{}{}
	t.mu.Unlock()
	return t.NodeAwareTransport.Shutdown()
}
