// Package store holds miroir's replicated state as plain Go data: peers,
// replica groups, nodes, the index catalog, aliases, API keys, webhooks, tasks, shard
// moves (a placeholder for topology changes: placement does not consult
// them yet), and the memory of recent request ids that makes commands
// idempotent. It also
// answers the questions every peer must answer identically: placement
// (Owners, TargetOwners, Rendezvous, ShardOf) and task queries (Task,
// ListTasks with Meilisearch's /tasks filters and from/next paging).
//
// Contracts:
//   - Mutators are deterministic: their effect depends only on the state and
//     their arguments. Times are arguments (stamped by the proposer), never
//     read from a clock; nothing depends on map iteration order; there is no
//     randomness and no I/O.
//   - A mutator that fails leaves the state unchanged and returns an *Error
//     wrapping one of the package's sentinels (ErrIndexExists, ...), whose
//     message is fit for a client. Batched task mutators (UpdateTasks,
//     RecordNodeTasks) apply every valid item and report the others.
//   - Values in the tables are never mutated in place; mutators store new
//     values. Clone therefore copies only the tables, and values returned
//     by accessors share read-only maps and slices with the state: callers
//     must not modify them.
//   - MarshalJSON is a pure function of the state (tables as slices sorted
//     by key), so equal states encode to equal bytes; UnmarshalJSON checks
//     the invariants a corrupt snapshot could break.
//   - State is not safe for concurrent use. The fsm package serialises
//     mutators and lets readers in under a read lock.
//
// What store must never do: import raft, HTTP, prometheus or any miroir
// package; read the clock; log; keep pointers into caller-owned data.
package store
