package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hashicorp/raft"
)

// RemovePeer removes peer id from the raft configuration: the operator's
// way to retire a peer that will not come back. It runs on the leader
// (forwarded from a follower, holding like Apply). A removed peer that is
// still alive in gossip is kept out until it restarts (rejoins gossip), and
// only as long as this leader leads: stop the peer first, or call Leave on it.
func (p *Peer) RemovePeer(ctx context.Context, id string) error {
	if !p.isStarted() {
		return ErrClosed
	}
	body, _ := json.Marshal(removeRequest{ID: id})
	maybeDone := false // an earlier attempt may have removed it
	err := p.hold(ctx, func() error {
		err := p.removeOnce(ctx, id, body)
		if errors.Is(err, ErrLeadershipLost) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrNoLeader) {
			maybeDone = true
		}
		return err
	})
	if maybeDone && errors.Is(err, ErrUnknownPeer) {
		return nil
	}
	return err
}

func (p *Peer) removeOnce(ctx context.Context, id string, body []byte) error {
	if p.raft.State() == raft.Leader {
		err := p.removeLocal(id)
		if errors.Is(err, ErrNotLeader) || errors.Is(err, ErrLeadershipLost) {
			err = errors.Join(errRetry, err)
		}
		return err
	}
	to, err := p.leaderTarget()
	if err != nil {
		return err
	}
	return p.callInternal(ctx, to, RemovePeerPath, body, &struct{}{})
}

// removeLocal runs on the leader.
func (p *Peer) removeLocal(id string) error {
	if p.raft.State() != raft.Leader {
		return ErrNotLeader
	}
	f := p.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return raftErr(err)
	}
	found := false
	for _, s := range f.Configuration().Servers {
		found = found || s.ID == raft.ServerID(id)
	}
	if !found {
		return fmt.Errorf("%w: %q is not in the raft configuration", ErrUnknownPeer, id)
	}
	p.view.markRemoved(id)
	if err := p.raft.RemoveServer(raft.ServerID(id), 0, p.cfg.ApplyTimeout).Error(); err != nil {
		return raftErr(err)
	}
	p.logger.Info("removed peer on request", "id", id)
	return nil
}

// Leave leaves the cluster for good: the peer is removed from the raft
// configuration (by itself when it leads, else by the leader on its
// request) and announces its leave in gossip, so no leader adds it back.
// Each step is bounded by LeaveTimeout and ctx; Leave returns the first
// failure but always announces the gossip leave. Call Close afterwards.
// A peer that merely shuts down (Close, SIGTERM) does not leave.
func (p *Peer) Leave(ctx context.Context) error {
	if !p.isStarted() {
		return ErrClosed
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.LeaveTimeout)
	defer cancel()
	// A leader announces Leaving before it removes itself, so the next
	// leader does not add it back; a follower asks the leader first, while
	// it still knows who leads (once removed it stops hearing from it).
	if p.IsLeader() {
		p.announceLeaving()
	}
	removeErr := p.RemovePeer(ctx, p.cfg.PeerID)
	if errors.Is(removeErr, ErrUnknownPeer) || (removeErr != nil && !p.inConfiguration()) {
		removeErr = nil // already removed
	}
	p.announceLeaving()
	if err := p.ml.Leave(p.cfg.LeaveTimeout); err != nil {
		p.logger.Warn("gossip leave", "err", err)
	}
	if removeErr != nil {
		return fmt.Errorf("leave: %w", removeErr)
	}
	p.logger.Info("left the cluster")
	return nil
}

func (p *Peer) announceLeaving() {
	if !p.leaving.Swap(true) {
		p.updateMeta()
	}
}

// IsLeader says whether this peer is the raft leader right now (it may
// have been deposed without knowing yet; see VerifyLeader).
func (p *Peer) IsLeader() bool {
	return p.isStarted() && p.raft.State() == raft.Leader
}

// Leader returns the current leader's peer id and HTTP address as this
// peer knows them; empty strings when no leader is known.
func (p *Peer) Leader() (id, httpAddr string) {
	if !p.isStarted() {
		return "", ""
	}
	_, lid := p.raft.LeaderWithID()
	if lid == "" {
		return "", ""
	}
	if string(lid) == p.cfg.PeerID {
		return p.cfg.PeerID, p.cfg.HTTPAddr
	}
	m, _ := p.view.get(string(lid))
	return string(lid), m.Meta.HTTPAddr
}

// VerifyLeader confirms with a quorum that this peer still leads, for
// linearizable reads served locally. ErrNotLeader otherwise.
func (p *Peer) VerifyLeader(ctx context.Context) error {
	if !p.isStarted() {
		return ErrClosed
	}
	done := make(chan error, 1)
	go func() { done <- p.raft.VerifyLeader().Error() }()
	select {
	case err := <-done:
		if err != nil {
			return raftErr(err)
		}
		return nil
	case <-ctx.Done():
		return ctxErr(ctx, nil)
	}
}

// WaitApplied blocks until the local FSM has applied index (the Index of
// an Applied, possibly from another peer), for read-after-write on any
// peer. It is notified by the FSM wrapper, not polled.
func (p *Peer) WaitApplied(ctx context.Context, index uint64) error {
	err := p.tracker.wait(ctx, index)
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: waiting for index %d (applied %d): %w", ErrTimeout, index, p.tracker.get(), err)
	}
	return err
}

// AppliedIndex is the last index the local FSM applied.
func (p *Peer) AppliedIndex() uint64 { return p.tracker.get() }

// Members is this peer's gossip view, including peers that failed or left.
func (p *Peer) Members() []Member { return p.view.list() }

// Server is one entry of the raft configuration.
type Server struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raftAddr"`
	// Suffrage is "voter", "nonvoter" or "staging".
	Suffrage string `json:"suffrage"`
	Voter    bool   `json:"voter"`
}

// Servers is the raft configuration as this peer knows it.
func (p *Peer) Servers() ([]Server, error) {
	if !p.isStarted() {
		return nil, ErrClosed
	}
	f := p.raft.GetConfiguration()
	if err := f.Error(); err != nil {
		return nil, raftErr(err)
	}
	var out []Server
	for _, s := range f.Configuration().Servers {
		out = append(out, Server{
			ID: string(s.ID), RaftAddr: string(s.Address),
			Suffrage: suffrage(s.Suffrage), Voter: s.Suffrage == raft.Voter,
		})
	}
	return out, nil
}

func suffrage(s raft.ServerSuffrage) string {
	switch s {
	case raft.Voter:
		return "voter"
	case raft.Nonvoter:
		return "nonvoter"
	default:
		return "staging"
	}
}

// Stats is a snapshot of this peer's raft state.
type Stats struct {
	PeerID       string `json:"peerId"`
	State        string `json:"state"` // Follower, Candidate, Leader, Shutdown
	Term         uint64 `json:"term"`
	LastLogIndex uint64 `json:"lastLogIndex"`
	CommitIndex  uint64 `json:"commitIndex"`
	AppliedIndex uint64 `json:"appliedIndex"` // applied by the FSM
	// LastSnapshotIndex is the index of the newest local snapshot; the log
	// before it minus TrailingLogs is compacted away.
	LastSnapshotIndex uint64        `json:"lastSnapshotIndex"`
	LastContact       time.Duration `json:"lastContact"` // 0 on the leader; -1 never
	LeaderID          string        `json:"leaderId"`
	Servers           []Server      `json:"servers"`
}

// Stats reads raft's state now.
func (p *Peer) Stats() Stats {
	if !p.isStarted() {
		return Stats{PeerID: p.cfg.PeerID, State: raft.Shutdown.String()}
	}
	s := Stats{
		PeerID:       p.cfg.PeerID,
		State:        p.raft.State().String(),
		Term:         p.raft.CurrentTerm(),
		LastLogIndex: p.raft.LastIndex(),
		CommitIndex:  p.raft.CommitIndex(),
		AppliedIndex: p.tracker.get(),
		LastContact:  p.lastContact(),
	}
	s.LastSnapshotIndex, _ = strconv.ParseUint(p.raft.Stats()["last_snapshot_index"], 10, 64)
	s.LeaderID, _ = p.Leader()
	s.Servers, _ = p.Servers()
	return s
}

func (p *Peer) lastContact() time.Duration {
	if p.raft.State() == raft.Leader {
		return 0
	}
	t := p.raft.LastContact()
	if t.IsZero() {
		return -1
	}
	return time.Since(t)
}
