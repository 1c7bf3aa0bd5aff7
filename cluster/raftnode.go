package cluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	"go.etcd.io/bbolt"
)

// raftConfig maps Config onto raft's.
func (p *Peer) raftConfig() *raft.Config {
	rc := raft.DefaultConfig()
	rc.LocalID = raft.ServerID(p.cfg.PeerID)
	rc.HeartbeatTimeout = p.cfg.HeartbeatTimeout
	rc.ElectionTimeout = p.cfg.ElectionTimeout
	rc.LeaderLeaseTimeout = p.cfg.LeaderLeaseTimeout
	rc.CommitTimeout = p.cfg.CommitTimeout
	rc.MaxAppendEntries = p.cfg.MaxAppendEntries
	// An unbuffered apply channel: raft answers every command its leader
	// loop received (inflight ones fail with ErrLeadershipLost on
	// shutdown), but never one left in a buffered channel when it shuts
	// down, whose caller would wait forever. Group commit still happens
	// (the leader loop drains concurrent senders), and Apply's coalescing
	// (batcher.go) is what packs commands into one entry.
	rc.BatchApplyCh = false
	rc.SnapshotThreshold = p.cfg.SnapshotThreshold
	rc.SnapshotInterval = p.cfg.SnapshotInterval
	rc.TrailingLogs = p.cfg.TrailingLogs
	rc.Logger = newHCLog(p.logger, "raft")
	rc.NoLegacyTelemetry = true
	return rc
}

// openRaft opens the stores and the transport and starts raft. It reports
// whether raft state existed before (then the peer never bootstraps).
func (p *Peer) openRaft() (bool, error) {
	if err := os.MkdirAll(p.cfg.DataDir, 0o750); err != nil {
		return false, fmt.Errorf("create data dir: %w", err)
	}
	bolt, err := raftboltdb.New(raftboltdb.Options{
		Path: filepath.Join(p.cfg.DataDir, "raft.db"),
		// The freelist is rebuilt on open instead of written on every
		// commit (smaller fsyncs, as Consul recommends for raft logs); the
		// timeout turns a second process on the same data dir into an error.
		BoltOptions: &bbolt.Options{NoFreelistSync: true, FreelistType: bbolt.FreelistMapType, Timeout: time.Second},
	})
	if err != nil {
		return false, fmt.Errorf("open raft log store: %w", err)
	}
	p.bolt = bolt
	snaps, err := raft.NewFileSnapshotStoreWithLogger(p.cfg.DataDir, p.cfg.SnapshotRetain, newHCLog(p.logger, "snapshot"))
	if err != nil {
		return false, fmt.Errorf("open snapshot store: %w", err)
	}
	trans, err := p.newRaftTransport()
	if err != nil {
		return false, err
	}
	p.trans = trans
	rc := p.raftConfig()
	hasState, err := raft.HasExistingState(bolt, bolt, snaps)
	if err != nil {
		return false, fmt.Errorf("read raft state: %w", err)
	}
	r, err := raft.NewRaft(rc, wrapFSM(p.fsm, p.tracker), bolt, bolt, snaps, trans)
	if err != nil {
		return false, fmt.Errorf("start raft: %w", err)
	}
	p.raft = r
	return hasState, nil
}

func (p *Peer) shutdownRaft() error {
	if p.raft == nil {
		if p.trans != nil {
			return p.trans.Close()
		}
		return nil
	}
	err := p.awaitRaftShutdown()
	p.trans.CloseStreams() // pooled outbound connections; Close leaves them open
	_ = p.trans.Close()
	if err != nil && !errors.Is(err, raft.ErrRaftShutdown) {
		return fmt.Errorf("raft shutdown: %w", err)
	}
	return nil
}

// raftShutdownGrace is how long raft may take to stop on its own before its
// connections are closed under it.
const raftShutdownGrace = time.Second

// awaitRaftShutdown shuts raft down. raft's Shutdown waits for its
// replication goroutines, and one blocked writing to a peer that stopped
// reading (a pipelined AppendEntries to a paused or partitioned peer) never
// returns on its own: after a grace period every raft connection is closed,
// which fails that write and lets Shutdown finish.
func (p *Peer) awaitRaftShutdown() error {
	fut := p.raft.Shutdown()
	done := make(chan error, 1)
	go func() { done <- fut.Error() }()
	select {
	case err := <-done:
		return err
	case <-time.After(raftShutdownGrace):
		p.logger.Warn("raft shutdown is stuck on a connection; closing raft connections")
		_ = p.layer.Close()
		return <-done
	}
}

func (p *Peer) closeStores() error {
	if p.bolt == nil {
		return nil
	}
	if err := p.bolt.Close(); err != nil {
		return fmt.Errorf("close raft log store: %w", err)
	}
	return nil
}

// RaftAddr is the raft address other peers dial (known after Start; with
// port 0 in RaftBindAddr it carries the port actually bound).
func (p *Peer) RaftAddr() string {
	if !p.isStarted() {
		return p.cfg.RaftAdvertiseAddr
	}
	return string(p.trans.LocalAddr())
}

// GossipAddr is the gossip address other peers join (known after Start).
func (p *Peer) GossipAddr() string {
	if !p.isStarted() {
		return p.cfg.GossipAdvertiseAddr
	}
	return p.gossipAddr
}

// ID is the peer id.
func (p *Peer) ID() string { return p.cfg.PeerID }
