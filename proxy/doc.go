// Package proxy is miroir's data path: it serves the Meilisearch API on
// every peer for a fleet of nodes that know nothing of each other. It routes
// document writes by shard to every replica, scatters reads to one replica
// per shard and merges the answers the way Meilisearch's own federated
// search does, turns node tasks into one cluster-wide task per client write,
// checks API keys and tenant tokens, and watches node health.
//
// Contracts:
//   - Metadata (catalog, tasks, keys, node states) is read from the local
//     replicated state through State and changed only through Catalog, whose
//     implementation (admin, on cluster+fsm) commits one raft entry per call.
//   - A client write allocates its task uid through Catalog before any node
//     is touched, then routes with the state as of that entry (WaitApplied),
//     which fences writes against topology changes.
//   - Bad input is refused before any node is touched.
//   - Each shard is queried exactly once per read: a node that holds more
//     shards than it covers in a plan gets `_miroir_shard IN [...]` ANDed
//     into its filter, so replicas never double-count hits, totals or facets.
//   - Metadata reads (indexes, settings, keys, tasks, batches) pass the
//     State's read barrier when it has one (ReadBarrier, CommitIndexer), so
//     every peer answers them linearizably; searches and document reads do
//     not wait.
//   - Reads go to active (and draining) nodes only: a failed node, and a
//     recovering one (it may have missed writes; the leader repairs it,
//     repair.go), takes writes but serves no reads. A failing read part is
//     retried on another replica and hedged after HedgeDelay (hedge.go).
//   - Hits stay raw JSON: a node's answer is scanned once (perf_answer.go)
//     for the ranking values, the primary key and the spans of reserved
//     `_miroir_*` fields, which never leave the proxy.
//   - Errors that reach HTTP are *meili.Error; the admin echo error handler
//     renders them.
//
// What proxy must never do: import fsm, cluster or admin; keep package-level
// mutable state; answer a write before its task uid is committed.
package proxy
