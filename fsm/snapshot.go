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
	f.restores++
	f.advanceLocked(env.AppliedIndex)
	return nil
}

// Digest is the hex SHA-256 of the snapshot encoding (applied index
// included): equal on peers that applied the same log prefix. It is cached
// per applied index, so polling it is cheap while nothing is applied.
func (f *FSM) Digest() string {
	f.mu.RLock()
	key := digestKey{restores: f.restores, index: f.applied}
	if d, ok := f.cachedDigest(key); ok {
		f.mu.RUnlock()
		return d
	}
	env := envelope{Version: SnapshotVersion, AppliedIndex: f.applied, State: f.state.Clone()}
	f.mu.RUnlock()

	h := sha256.New()
	if err := writeEnvelope(h, env); err != nil {
		panic(fmt.Sprintf("fsm: digest: %v", err)) // encoding plain data cannot fail
	}
	d := hex.EncodeToString(h.Sum(nil))
	f.dmu.Lock()
	f.digest = cachedDigest{key: key, value: d, valid: true}
	f.dmu.Unlock()
	return d
}

// digestKey identifies a state: the applied index alone does not, because
// Restore replaces the state.
type digestKey struct {
	restores uint64
	index    uint64
}

type cachedDigest struct {
	key   digestKey
	value string
	valid bool
}

func (f *FSM) cachedDigest(k digestKey) (string, bool) {
	f.dmu.Lock()
	defer f.dmu.Unlock()
	return f.digest.value, f.digest.valid && f.digest.key == k
}
