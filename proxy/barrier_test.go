package proxy

import (
	"context"
	"errors"
	"testing"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

type barrierState struct {
	err   error
	calls int
}

func (s *barrierState) Read(fn func(*store.State))                {}
func (s *barrierState) AppliedIndex() uint64                      { return 0 }
func (s *barrierState) WaitApplied(context.Context, uint64) error { return nil }
func (s *barrierState) ReadBarrier(ctx context.Context) error     { s.calls++; return s.err }

type plainState struct{ barrierState }

func (plainState) ReadBarrier() {} // not the interface: no barrier

func TestReadBarrierWaitsForTheStateBarrier(t *testing.T) {
	s := &barrierState{}
	p := &Proxy{state: s}
	if err := p.readBarrier(context.Background()); err != nil || s.calls != 1 {
		t.Fatalf("readBarrier: %v after %d calls", err, s.calls)
	}
}

func TestReadBarrierThatCannotReachALeaderFailsWithNoLeader(t *testing.T) {
	p := &Proxy{state: &barrierState{err: errors.New("no cluster leader")}}
	err := p.readBarrier(context.Background())
	var me *meili.Error
	if !errors.As(err, &me) || me.Code != meili.CodeMiroirNoLeader {
		t.Fatalf("readBarrier without a leader: %v, want miroir_no_leader", err)
	}
	want := meili.Errorf(meili.CodeMiroirTimeout, "slow")
	p = &Proxy{state: &barrierState{err: want}}
	if err := p.readBarrier(context.Background()); !errors.As(err, &me) || me != want {
		t.Fatalf("a *meili.Error from the barrier must pass through, got %v", err)
	}
}

func TestReadBarrierIsANoOpWithoutABarrier(t *testing.T) {
	p := &Proxy{state: &plainState{barrierState{err: errors.New("never called")}}}
	if err := p.readBarrier(context.Background()); err != nil {
		t.Fatalf("a State without ReadBarrier: %v", err)
	}
}
