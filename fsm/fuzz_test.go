package fsm

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/hashicorp/raft"
)

// FuzzDecodeCommand checks the log decoder on arbitrary bytes: it never
// panics; what it accepts re-encodes to a stable form; and Apply panics
// exactly when DecodeCommand fails (the documented corrupt-log panic),
// never on a command that decodes.
func FuzzDecodeCommand(f *testing.F) {
	g := newGen(42)
	for range 200 {
		f.Add(g.encoded(f))
	}
	for range 20 {
		f.Add(g.batch(f))
	}
	inner := g.encoded(f)
	nested, _ := Encode(CmdBatch, Batch{Commands: [][]byte{inner}})
	for _, cmds := range [][][]byte{
		{inner, nested},             // nested batch: refused
		{inner, {0x7f, '{', '}'}},   // unknown inner type: corrupt
		{inner, []byte("\x1e{bad")}, // undecodable inner payload: corrupt
		{{}, inner},                 // empty inner command: corrupt
		{{byte(Ignorable | 9)}},     // unknown ignorable inner: skipped
		{},
	} {
		b, _ := json.Marshal(Batch{Commands: cmds})
		f.Add(append([]byte{byte(CmdBatch)}, b...))
	}
	f.Add([]byte("\x32{\"commands\":null}"))
	f.Add([]byte("\x32{\"commands\":[\"not base64!\"]}"))
	for _, seed := range [][]byte{nil, {0}, {0xff}, {byte(Ignorable | 3), 'x'}, []byte("\x1e{\"tasks\":[{}]}"),
		[]byte("\x1e{\"tasks\":null,\"time\":\"2026-01-01T00:00:00Z\"}"), []byte("\x0a{\"index\":{\"uid\":\"a\",\"shards\":1e9}}"),
		// Times that turn into year 10000 in UTC once broke every later snapshot.
		[]byte("\x14{\"time\":\"2026-01-01T00:00:00Z\",\"key\":{\"uid\":\"k\",\"expiresAt\":\"9999-12-31T23:00:00-05:00\"}}"),
		[]byte("\x01{\"requestId\":\"r\",\"time\":\"9999-12-31T23:00:00-05:00\"}"),
		[]byte("\x20{\"time\":\"2026-01-01T00:00:00Z\",\"updates\":[{\"uid\":0,\"status\":\"failed\",\"at\":\"9999-12-31T23:00:00-05:00\"}]}")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cmd, err := DecodeCommand(data)
		applyPanicked := applyPanics(data)
		if err != nil {
			if !applyPanicked {
				t.Fatalf("Apply accepted an entry DecodeCommand rejects: %v", err)
			}
			return
		}
		if applyPanicked {
			t.Fatalf("Apply panicked on a decodable command %q", data)
		}
		assertSnapshotEncodes(t, data)
		if cmd.Payload == nil {
			return
		}
		once, err := Encode(cmd.Type, cmd.Payload)
		if err != nil {
			return // e.g. a time json cannot re-encode; the entry still applied
		}
		again, err := DecodeCommand(once)
		if err != nil {
			t.Fatalf("re-encoded command does not decode: %v", err)
		}
		twice, err := Encode(again.Type, again.Payload)
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("encoding is not stable:\n%s\n%s (%v)", once, twice, err)
		}
	})
}

func applyPanics(data []byte) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	New(nil).Apply(&raft.Log{Index: 1, Type: raft.LogCommand, Data: data})
	return false
}

// assertSnapshotEncodes applies data after a registered task (so updates
// have a target) and checks that the state still snapshots: a value that
// cannot be encoded would break every later snapshot of the cluster.
func assertSnapshotEncodes(t *testing.T, data []byte) {
	f := New(nil)
	f.Apply(&raft.Log{Index: 1, Type: raft.LogCommand, Data: append([]byte{byte(CmdRegisterTasks)}, `{"time":"2026-01-01T00:00:00Z","tasks":[{"type":"x"}]}`...)})
	f.Apply(&raft.Log{Index: 2, Type: raft.LogCommand, Data: data})
	snap, _ := f.Snapshot()
	if err := snap.Persist(&memSink{}); err != nil {
		t.Fatalf("state no longer snapshots after %q: %v", data, err)
	}
}
