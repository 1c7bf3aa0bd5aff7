// Package cluster is one peer's membership and consensus: raft
// (hashicorp/raft v1.7 with one raft-boltdb/v2 file for log and stable
// store, file snapshots, TCP transport), memberlist discovery,
// bootstrap-expect, the leader-only reconcile loop, leader-transparent
// Apply and read-after-write waits. It is generic over bytes: it knows
// nothing of miroir's commands; the FSM (package fsm in production, KV in
// clustertest) gives them meaning.
//
// # What it owns
//
//   - DataDir: raft.db (bolt: log + stable store), snapshots/, and
//     gossip-peers.json, the gossip addresses of the peers seen alive: a
//     restarted peer rejoins the raft servers its gossip does not see
//     through them (at start and every 5 gossip probe intervals), so a
//     seed started without --join finds the cluster again even after the
//     others stopped gossiping to it.
//   - Gossip meta (Meta: peer id, raft address, HTTP address, version,
//     has-state and leaving flags; <= 512 bytes JSON).
//   - The raft configuration: alive peers become voters (idempotently:
//     the configuration is checked first, as in hraftd's join); peers are
//     removed only when they leave gracefully (Leave, announced in gossip
//     meta because memberlist does not tell a leave from a failure) or when
//     an operator calls RemovePeer. A peer that fails stays a voter.
//   - The internal routes (Handler): POST /_miroir/internal/apply,
//     /_miroir/internal/apply-many, /_miroir/internal/remove-peer and
//     /_miroir/internal/read-index, authenticated by X-Miroir-Cluster-Key.
//
// # Contracts
//
//   - New validates and builds, starting nothing; Start opens the stores,
//     starts raft and gossip, joins, and starts the one loop goroutine;
//     Close stops the loop, transfers leadership when leading (bounded by
//     raft's election timeout), shuts raft, then memberlist, then closes
//     bolt. Close does NOT leave: a SIGTERM'd peer stays a voter. Leave
//     does, then the caller closes.
//   - Bootstrap: with BootstrapExpect N, once N distinct alive peers are
//     visible and none of them advertises raft state, every one of them
//     bootstraps with the same server list sorted by id. A peer with
//     existing raft state (raft.HasExistingState) never bootstraps.
//   - Apply(ctx, cmd) commits cmd from any peer. A follower forwards it once
//     to the leader's HTTP address (from gossip meta); the leader applies
//     locally and never forwards. With no leader (or an unreachable one)
//     Apply retries with backoff for HoldTimeout, then fails with
//     ErrNoLeader. ErrLeadershipLost and ErrTimeout mean the entry may still
//     commit later: commands are idempotent by request id (fsm's contract),
//     so retrying the same bytes is always safe, and Apply itself retries
//     leadership loss within the hold. Applied.Response is the FSM's Apply
//     value as JSON, identical locally and forwarded.
//   - Internal calls to the leader (forwards, read index) end as soon as
//     this peer's raft reports another leader or none (a raft observer):
//     a paused leader keeps its connections open, and its callers would
//     otherwise wait for ApplyTimeout. They are retried at the new leader
//     within the hold, with the same bytes.
//   - ReadIndex(ctx) is a linearizable read point: the leader checks its
//     leadership with a quorum (VerifyLeader) and that an entry of its term
//     committed, and answers its commit index; a follower asks the leader
//     over /_miroir/internal/read-index. ReadBarrier is ReadIndex then
//     WaitApplied. CommitIndex is the local commit index (no round trip).
//     All three name the last command entry at or below the commit index,
//     never a raft no-op or configuration entry the FSM does not apply, so
//     WaitApplied on them never hangs after an election.
//   - WaitApplied(ctx, index) returns once the local FSM applied index. The
//     FSM is wrapped so every Apply/ApplyBatch/Restore notifies waiters;
//     raft.AppliedIndex is not used because raft advances it before the FSM
//     goroutine applies. Exact after a snapshot restore when the FSM
//     implements AppliedIndex() uint64.
//   - If the FSM implements raft.BatchingFSM, raft's batching path is kept
//     (the FSM then also receives LogConfiguration entries and must skip
//     them). Concurrent Applies on the leader share disk writes (raft group
//     commit over an unbuffered apply channel, MaxAppendEntries).
//   - Coalescing: if the FSM also implements BatchEncoder (fsm.FSM does,
//     with CmdBatch) and Config.MaxBatch > 1 (default 128), concurrent
//     Applies on the leader, local and forwarded alike, become one log
//     entry. One goroutine owns the queue: it proposes what queued while
//     the previous entries (at most two in raft) committed, up to MaxBatch
//     commands and MaxBatchBytes (default 1 MiB); no timer, so a lone
//     command goes at once and as itself (never wrapped). Each caller gets
//     its own Apply value (SplitBatchResult) and the entry's index. A
//     failed entry fails all its callers with the same typed error
//     (ErrLeadershipLost, ErrNotLeader, ...), which Apply retries within the
//     hold like any other: commands are idempotent by request id, so a
//     command of a batch that did commit is not applied twice. MaxBatch 1,
//     or an FSM without BatchEncoder (clustertest's KV), keeps one entry
//     per command. miroir_cluster_batch_commands counts commands per entry.
//     Followers coalesce the same way before forwarding (MaxBatch > 1):
//     forwards queued while earlier round trips are in flight (at most two)
//     go to the leader in one POST /_miroir/internal/apply-many, which
//     applies each as /apply would and answers each separately; a lone
//     command still uses /apply, and a leader that answers 404 (an older
//     binary) gets the commands one by one.
//   - ClusterKey: the secret of the internal routes (constant-time compare;
//     empty leaves them open, for dev, with a warning). With GossipEncrypt
//     it also keys memberlist (AES-256, sha256("miroir-gossip"+key)).
//     RaftTLS runs raft over (mutual) TLS; HTTPTLS makes forwarding use
//     https. All off by default (dev); production turns them on.
//   - Metrics on the Registerer given to New: miroir_raft_* gauges read
//     from raft at scrape time (state, leader, term, last log/commit/applied
//     index, last contact seconds, voters),
//     miroir_cluster_forwarded_commands_total{outcome},
//     miroir_cluster_apply_duration_seconds{path},
//     miroir_cluster_reconciles_total. raft's go-metrics globals are not
//     used. A Registerer accepts one peer once: a restarted peer needs a
//     fresh registry (or unregistering).
//   - Config.WrapStreamLayer and Config.WrapTransport decorate raft's TCP
//     stream layer (this package's own, over a listener it owns) and
//     memberlist's transport: chaos injects faults there, clustertest
//     partitions in-process clusters, and a TLS stream layer fits the same
//     hook.
//   - RemovePeer, Leave and Join are the operator's levers; Stats, Members,
//     Servers, Leader, IsLeader and VerifyLeader are read-only views.
//
// # Test helpers
//
// cluster/clustertest runs in-process clusters on 127.0.0.1:0 with
// TestConfig (raft at 300 ms; 50 ms flapped under -race on the shared
// machine): MakeCluster, WaitForLeader(Among), WaitForVoters, EnsureSame,
// Kill/Stop/Restart on the same data dir and addresses, AddPeer,
// Partition/Disconnect/Heal, and KV, a small deterministic FSM.
//
// # What it must never do
//
//   - Remove a peer from raft because it failed or is unreachable.
//   - Forward a forwarded command (one hop at most), or answer a write
//     before it is committed and applied.
//   - Block memberlist's delegate callbacks: they update a map under a
//     mutex and poke the loop through a one-slot channel.
//   - Keep package-level state or leave a goroutine running after Close.
package cluster
