package proxy

import (
	"context"
	"errors"

	"github.com/miroir-search/miroir/meili"
)

// ReadBarrier is optionally implemented by a State (cmd wires one over the
// cluster's raft ReadIndex): ReadBarrier returns once the local state
// reflects every write committed anywhere in the cluster before the call,
// so a read answered from the local state right after it is linearizable
// (never older than a write another client already saw acknowledged,
// whichever peer took it). It costs a leader round trip (one heartbeat
// round on the leader), so metadata reads use it and the search path does
// not. It fails when no leader is reachable in time; the error is a
// *meili.Error (miroir_no_leader, miroir_timeout) or the context's.
type ReadBarrier interface {
	ReadBarrier(ctx context.Context) error
}

// readBarrier makes the metadata read that follows linearizable when the
// State can (ReadBarrier); without it the read answers from the local
// state as it is. Handlers return its error as is: a read that cannot be
// made current fails (503 miroir_no_leader) rather than answer stale.
func (p *Proxy) readBarrier(ctx context.Context) error {
	rb, ok := p.state.(ReadBarrier)
	if !ok {
		return nil
	}
	err := rb.ReadBarrier(ctx)
	if err == nil {
		return nil
	}
	var me *meili.Error
	if errors.As(err, &me) {
		return me
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return meili.Errorf(meili.CodeMiroirNoLeader, "this read could not be made current: the cluster has no reachable leader right now (%v); retry shortly", err)
}
