package chaos

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"
)

// Link is a fault on the traffic from one peer to another. From and To are
// peer names of Table.Peers, or "*" for any peer.
type Link struct {
	From string `json:"from"`
	To   string `json:"to"`
	// Drop is the probability (0..1) that a packet is lost or a stream
	// dial or write is cut. 1 blocks the link.
	Drop float64 `json:"drop,omitempty"`
	// Delay is added to each packet and to each stream write.
	Delay Duration `json:"delay,omitempty"`
}

// Duration is a time.Duration that encodes as a Go duration string.
type Duration time.Duration

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

// Table is the whole fault state of one process.
type Table struct {
	// Self is the name of the peer this process is. The harness sets it.
	Self string `json:"self"`
	// Peers maps a peer name to every address it is reached on (raft and
	// gossip), so a dial target or packet address resolves to a peer.
	Peers map[string][]string `json:"peers"`
	// Links are the faults; when several match, the strongest drop and the
	// longest delay win.
	Links []Link `json:"links"`
}

// Fault is the effect of a Table on one direction of one link.
type Fault struct {
	Drop  float64
	Delay time.Duration
}

// Blocked reports whether the direction carries nothing.
func (f Fault) Blocked() bool { return f.Drop >= 1 }

// Stats counts what the decorators did, for tests to prove a fault bit.
type Stats struct {
	DialsRefused   int64 `json:"dialsRefused"`
	StreamsCut     int64 `json:"streamsCut"`
	PacketsDropped int64 `json:"packetsDropped"`
	PacketsDelayed int64 `json:"packetsDelayed"`
	WritesDelayed  int64 `json:"writesDelayed"`
	DialsHanging   int64 `json:"dialsHanging"` // dials now waiting on a blocked link
}

// Rules is a concurrency-safe Table with change notification. The zero
// value is not usable; build it with NewRules.
type Rules struct {
	mu      sync.Mutex
	table   Table
	byAddr  map[string]string
	changed chan struct{} // closed and replaced on every Set
	subs    []func()

	dialsRefused, streamsCut, packetsDropped, packetsDelayed, writesDelayed, dialsHanging atomic.Int64
}

// NewRules returns an empty rule table: every link passes.
func NewRules() *Rules {
	return &Rules{byAddr: map[string]string{}, changed: make(chan struct{})}
}

// Validate checks a table before it is applied.
func (t Table) Validate() error {
	for _, l := range t.Links {
		if l.Drop < 0 || l.Drop > 1 {
			return fmt.Errorf("chaos: link %s->%s: drop %v is not in [0,1]", l.From, l.To, l.Drop)
		}
		if l.Delay < 0 {
			return fmt.Errorf("chaos: link %s->%s: negative delay", l.From, l.To)
		}
		for _, name := range []string{l.From, l.To} {
			if _, ok := t.Peers[name]; !ok && name != "*" {
				return fmt.Errorf("chaos: link %s->%s names unknown peer %q", l.From, l.To, name)
			}
		}
	}
	return nil
}

// Set replaces the table and tells every decorator, which cuts the streams
// that the new table blocks.
func (r *Rules) Set(t Table) error {
	if err := t.Validate(); err != nil {
		return err
	}
	r.mu.Lock()
	r.table = t
	r.byAddr = map[string]string{}
	for name, addrs := range t.Peers {
		for _, a := range addrs {
			r.byAddr[a] = name
		}
	}
	close(r.changed)
	r.changed = make(chan struct{})
	subs := append([]func(){}, r.subs...)
	r.mu.Unlock()
	for _, f := range subs {
		f()
	}
	return nil
}

// Table returns the current table.
func (r *Rules) Table() Table {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.table
}

// Changed returns a channel closed at the next Set.
func (r *Rules) Changed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.changed
}

func (r *Rules) subscribe(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subs = append(r.subs, f)
}

// ToAddr is the fault on traffic from this process to the peer at addr.
func (r *Rules) ToAddr(addr string) Fault {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fault(r.table.Self, r.byAddr[addr])
}

// FromAddr is the fault on traffic from the peer at addr to this process.
func (r *Rules) FromAddr(addr string) Fault {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fault(r.byAddr[addr], r.table.Self)
}

// fault merges the links matching from->to. Both ends must resolve to a
// peer: traffic to anything else (engine nodes, clients) is never faulted,
// even by "*" links.
func (r *Rules) fault(from, to string) Fault {
	var f Fault
	if from == "" || to == "" || from == to {
		return f
	}
	for _, l := range r.table.Links {
		if (l.From == from || l.From == "*") && (l.To == to || l.To == "*") {
			f.Drop = max(f.Drop, l.Drop)
			f.Delay = max(f.Delay, time.Duration(l.Delay))
		}
	}
	return f
}

// hit reports whether a fault with drop probability p strikes now.
func hit(p float64) bool { return p >= 1 || (p > 0 && rand.Float64() < p) }

// Stats returns the counters.
func (r *Rules) Stats() Stats {
	return Stats{
		DialsRefused:   r.dialsRefused.Load(),
		StreamsCut:     r.streamsCut.Load(),
		PacketsDropped: r.packetsDropped.Load(),
		PacketsDelayed: r.packetsDelayed.Load(),
		WritesDelayed:  r.writesDelayed.Load(),
		DialsHanging:   r.dialsHanging.Load(),
	}
}
