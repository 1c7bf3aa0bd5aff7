package fsm

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/hashicorp/raft"

	"github.com/miroir-search/miroir/store"
)

// SnapshotVersion is the version of the snapshot envelope this binary
// writes and the only one it restores.
const SnapshotVersion = 1

// envelope is the snapshot format: {"version":1,"appliedIndex":N,"state":{...}}.
type envelope struct {
	Version      int          `json:"version"`
	AppliedIndex uint64       `json:"appliedIndex"`
	State        *store.State `json:"state"`
}

// Snapshot clones the state under the read lock (a copy of the tables, not
// of their values), so Persist encodes outside every lock and Apply is
// blocked only for the clone.
func (f *FSM) Snapshot() (raft.FSMSnapshot, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return &snapshot{env: envelope{Version: SnapshotVersion, AppliedIndex: f.applied, State: f.state.Clone()}}, nil
}

type snapshot struct {
	env envelope
}

// Persist streams the snapshot into sink, and closes or cancels it.
func (s *snapshot) Persist(sink raft.SnapshotSink) error {
	if err := writeEnvelope(sink, s.env); err != nil {
		_ = sink.Cancel()
		return fmt.Errorf("fsm: persist snapshot: %w", err)
	}
	return sink.Close()
}

// Release is a no-op: the clone is garbage collected.
func (s *snapshot) Release() {}

func writeEnvelope(w io.Writer, env envelope) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if err := json.NewEncoder(bw).Encode(env); err != nil {
		return err
	}
	return bw.Flush()
}

// Restore replaces the whole state with a snapshot. It decodes into a fresh
// store.State first and swaps it in under the lock, so a bad snapshot
// leaves the current state untouched. raft closes rc.
func (f *FSM) Restore(rc io.ReadCloser) error {
	var env envelope
	if err := json.NewDecoder(bufio.NewReader(rc)).Decode(&env); err != nil {
		return fmt.Errorf("fsm: restore snapshot: %w", err)
	}
	if env.Version != SnapshotVersion {
		return fmt.Errorf("fsm: restore snapshot: version %d, this binary reads %d", env.Version, SnapshotVersion)
	}
	if env.State == nil {
		return fmt.Errorf("fsm: restore snapshot: no state")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.state = env.State
	f.advanceLocked(env.AppliedIndex)
	return nil
}

// Digest is the hex SHA-256 of the snapshot encoding (applied index
// included): equal on peers that applied the same log prefix.
func (f *FSM) Digest() string {
	snap, _ := f.Snapshot()
	h := sha256.New()
	if err := writeEnvelope(h, snap.(*snapshot).env); err != nil {
		panic(fmt.Sprintf("fsm: digest: %v", err)) // encoding plain data cannot fail
	}
	return hex.EncodeToString(h.Sum(nil))
}
