package clustertest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"

	"github.com/hashicorp/raft"
)

// KV is a small deterministic FSM for cluster tests: commands set keys,
// snapshots are JSON, Digest hashes the snapshot encoding. Commands are
// idempotent by request id like fsm's: a repeated id is not applied twice.
type KV struct {
	mu    sync.Mutex
	state kvState
}

type kvState struct {
	Data  map[string]string `json:"data"`
	Seen  map[string]bool   `json:"seen"` // request ids applied
	Index uint64            `json:"index"`
}

// KVCommand is the command KV applies.
type KVCommand struct {
	ID    string `json:"id"`
	Key   string `json:"key"`
	Value string `json:"value"`
}

// KVResult is KV's Apply value.
type KVResult struct {
	Key       string `json:"key"`
	Value     string `json:"value"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// Set encodes a KV command; the request id is "key=value".
func Set(key, value string) []byte {
	b, _ := json.Marshal(KVCommand{ID: key + "=" + value, Key: key, Value: value})
	return b
}

// NewKV returns an empty KV. It satisfies cluster.FSM.
func NewKV() *KV {
	return &KV{state: kvState{Data: map[string]string{}, Seen: map[string]bool{}}}
}

// Apply panics on an undecodable command: the log is corrupt.
func (k *KV) Apply(l *raft.Log) any {
	var c KVCommand
	if err := json.Unmarshal(l.Data, &c); err != nil {
		panic(fmt.Sprintf("kv: undecodable command at index %d: %v", l.Index, err))
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.state.Index = l.Index
	if k.state.Seen[c.ID] {
		return KVResult{Key: c.Key, Value: k.state.Data[c.Key], Duplicate: true}
	}
	k.state.Seen[c.ID] = true
	k.state.Data[c.Key] = c.Value
	return KVResult{Key: c.Key, Value: c.Value}
}

// Get reads a key.
func (k *KV) Get(key string) (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.state.Data[key]
	return v, ok
}

// Len is the number of keys.
func (k *KV) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.state.Data)
}

// AppliedIndex is the index of the last applied command (or snapshot).
func (k *KV) AppliedIndex() uint64 {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.state.Index
}

// Digest is the hex sha256 of the data (the index is left out: peers that
// applied the same commands agree whatever raft-internal entries followed).
func (k *KV) Digest() string {
	k.mu.Lock()
	b, _ := json.Marshal(k.state.Data) // map keys are sorted
	k.mu.Unlock()
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Snapshot clones the state under the lock; Persist encodes the clone
// concurrently with later Applies.
func (k *KV) Snapshot() (raft.FSMSnapshot, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, err := json.Marshal(k.state)
	if err != nil {
		return nil, err
	}
	return kvSnapshot(b), nil
}

// Restore discards all prior state.
func (k *KV) Restore(rc io.ReadCloser) error {
	defer rc.Close()
	s := kvState{}
	if err := json.NewDecoder(rc).Decode(&s); err != nil {
		return fmt.Errorf("kv: decode snapshot: %w", err)
	}
	if s.Data == nil {
		s.Data = map[string]string{}
	}
	if s.Seen == nil {
		s.Seen = map[string]bool{}
	}
	k.mu.Lock()
	k.state = s
	k.mu.Unlock()
	return nil
}

type kvSnapshot []byte

func (s kvSnapshot) Persist(sink raft.SnapshotSink) error {
	if _, err := sink.Write(s); err != nil {
		_ = sink.Cancel()
		return err
	}
	return sink.Close()
}

func (s kvSnapshot) Release() {}
