// Package admin is the HTTP surface of one miroir peer: an echo v4 server
// with the health and readiness probes, the /_miroir/* admin API (cluster
// status, peers, nodes), /metrics for the peer's own registry, and the
// internal forwarding route of the cluster package mounted under
// /_miroir/internal/.
//
// Contracts:
//   - Every error that reaches a client is written by one echo
//     HTTPErrorHandler as the Meilisearch body {"message","code","type","link"}.
//     Handlers return *meili.Error (or a consensus error that the handler
//     maps, e.g. no leader -> 503 miroir_no_leader with Retry-After).
//   - Writes go through Consensus.Apply as FSM commands stamped here (the
//     proposer) with the time and the request id; reads come from the local
//     FSM view. A read may wait for an applied index with ?index=N or the
//     X-Miroir-Index header: every write answers with the raft index it
//     committed at in X-Miroir-Index, so a client that wrote through one
//     peer can read its write from any other. Node reads are linearizable
//     by default when the Consensus is a ReadBarrierer (raft ReadIndex: a
//     leader round trip, no log entry); ?consistent=false answers from the
//     local FSM as it is, ?consistent=true insists (committing a no-op
//     barrier when there is no read barrier).
//   - /_miroir/ready answers 200 only once CatchUp has committed a barrier
//     and the local FSM applied it: a restarted peer never serves its
//     pre-restart state to a load balancer's traffic.
//   - The admin routes need the admin key (Authorization: Bearer or
//     X-Admin-Key), compared in constant time. /health, /_miroir/ready and
//     /metrics need none; /_miroir/internal/* is authenticated by the
//     cluster handler with the cluster key.
//
// Catalog implements proxy.Catalog on a Consensus with fsm commands, so the
// proxy (mounted through Deps.Data) commits its metadata changes through
// raft; each call waits until the local FSM applied its entry.
//
// admin never talks to raft or memberlist directly: it consumes the small
// Consensus and State interfaces declared in deps.go.
package admin
