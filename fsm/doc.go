// Package fsm is the raft log contract of miroir: command types and their
// encoding, Apply, Snapshot and Restore over a store.State.
//
// # Log format
//
// An entry is one CommandType byte followed by a JSON payload (Encode,
// DecodeCommand). Types with the Ignorable bit (0x80) may be skipped by a
// binary that does not know them; an unknown type without it, or a payload
// that does not decode, is a corrupt log and Apply panics. Type values are
// never renumbered or reused. Every payload embeds Meta: the proposer's
// time (Apply never reads a clock) and a request id.
//
// # Apply
//
// Apply is deterministic: no clock, randomness, I/O or map-order
// dependence. It returns a Result value (never a pointer) that json.Marshal
// encodes; domain errors (index exists, unknown key...) are Result.Err with
// a Meilisearch code where one exists (index_already_exists,
// index_not_found, api_key_not_found, task_not_found, ...) or a miroir_*
// code (see CodeOf). Proposers decode the bytes cluster returns with
// DecodeResult, which yields a *ResultError for domain errors; it unwraps
// to the store sentinel, so errors.Is(err, store.ErrIndexNotFound) works.
//
// Commands are idempotent by request id: the state remembers recent ids
// with their encoded Result (bounded deterministically by
// store.RequestMemoryMax, RequestMemoryBytes and RequestMemoryAge), and
// a replayed id returns the original Result without applying again. This
// covers raft reporting "leadership lost" for an entry that later commits:
// retry with the same request id.
//
// Commands that batch items (RegisterTasks, RecordNodeTasks, UpdateTasks)
// exist so the write path and the task watcher can coalesce: RegisterTasks
// allocates one uid per task, in order, all or nothing; the other two
// apply each valid item and list the failed ones in BatchResult.
//
// # Batches
//
// CmdBatch (50) carries many encoded commands in one entry (Batch), so
// concurrent proposals share one raft round trip and one fsync: cluster's
// leader coalesces concurrent Applies through the FSM's EncodeBatch and
// hands each caller its own Result through SplitBatchResult (cluster's
// optional BatchEncoder interface). Apply applies the inner commands in
// order, each exactly as if alone (own request id, replay memory, time
// and Result), and returns BatchResults (one Result per command, in
// order). The batch has no Meta of its own. A batch inside a batch, or an
// inner command that does not decode, makes the whole entry corrupt:
// DecodeCommand fails (ErrNestedBatch, ErrBadPayload) and Apply panics;
// EncodeBatch refuses nested and empty commands up front. An unknown
// ignorable inner command is skipped with an empty Result.
//
// # Reading the state
//
// Read(fn) runs fn under a read lock with the live *store.State. fn must be
// short, must not modify the state, and must not retain s or anything
// reached from it after returning: copy out what is needed. Apply waits
// while readers hold the lock.
//
// Read-after-write: cluster's Apply returns the entry's index; a peer
// answering a read that must observe that write calls WaitApplied(ctx,
// index) and then Read. WaitApplied is cheap (one shared channel closed per
// applied batch). AppliedIndex counts command entries only (and snapshot
// restores), so wait on indexes of commands.
//
// # Snapshots
//
// Snapshot clones the state under the lock; Persist streams versioned JSON
// {"version":1,"appliedIndex":N,"state":{...}} outside the lock. The
// encoding is deterministic, so peers that applied the same log produce
// byte-identical snapshots, and Digest (hex SHA-256 of that encoding) is
// equal on them. Restore decodes into a fresh state and swaps it in.
//
// What fsm must never do: read the clock or randomness in Apply, perform
// I/O in Apply, depend on map iteration order, hold the state lock while
// encoding a snapshot, or import cluster, proxy, admin or HTTP packages.
package fsm
