package proxy

import (
	"context"
	"encoding/json"

	"github.com/miroir-search/miroir/store"
)

// State is read access to this peer's replicated state.
type State interface {
	// Read runs fn with the local state under a read lock. fn must be fast
	// (no I/O, no blocking), must not modify s and must not keep it or
	// anything reachable from it after returning except values it copies.
	Read(fn func(s *store.State))
	// AppliedIndex is the last raft index applied to the local state.
	AppliedIndex() uint64
	// WaitApplied returns once the local applied index reaches index (or ctx
	// ends).
	WaitApplied(ctx context.Context, index uint64) error
}

// CommitIndexer is optionally implemented by a State: CommitIndex is the
// highest raft index this peer knows to be committed (on a follower, the
// leader's commit index as of its last AppendEntries; hashicorp raft's
// (*Raft).CommitIndex). When the State implements it, task reads wait until
// the local applied index reaches it (bounded), so a client polling several
// peers does not see a task go back from processing to enqueued on a
// follower that applies behind the leader. Without it task reads answer
// from the local state as it is. CommitIndex should not count entries the
// State never applies (raft no-op and configuration entries): a value the
// applied index never reaches costs one bounded wait (2 s) per distinct
// value, after which reads stop waiting for it.
type CommitIndexer interface {
	CommitIndex() uint64
}

// Catalog changes the replicated state. Each call is one raft entry, proposed
// on this peer and forwarded to the leader when needed; it returns once the
// entry is committed and applied locally (so a following Read sees it).
// Domain errors come back as *meili.Error with Meilisearch's codes
// (index_not_found, index_already_exists, api_key_not_found, ...); no leader
// after the hold timeout is *meili.Error miroir_no_leader.
type Catalog interface {
	// RegisterTasks allocates one task uid per task (store.State.RegisterTasks)
	// and returns them with the raft index of the entry, which the write
	// path waits for before routing.
	RegisterTasks(ctx context.Context, tasks []store.NewTask) ([]store.RegisteredTask, uint64, error)
	// RecordNodeTasks attaches node task uids to client tasks. The proxy
	// batches many writes into one call.
	RecordNodeTasks(ctx context.Context, entries []store.NodeTasks) error
	// UpdateTasks commits task status transitions (store.State.UpdateTasks);
	// per-item failures are logged by the implementation, not returned.
	UpdateTasks(ctx context.Context, updates []store.TaskUpdate) error
	// CancelTasks and DeleteTasks apply store.State.CancelTasks/DeleteTasks.
	CancelTasks(ctx context.Context, f store.TaskFilter, by uint64) ([]uint64, error)
	DeleteTasks(ctx context.Context, f store.TaskFilter) ([]uint64, error)

	// SetPrimaryKey is store.State.SetPrimaryKey.
	SetPrimaryKey(ctx context.Context, uid, key string, force bool) (store.Index, error)
	// UpdateSettings is store.State.UpdateSettings; returns the new version.
	UpdateSettings(ctx context.Context, uid string, settings json.RawMessage, ifVersion uint64) (uint64, error)
	// SwapIndexes is store.State.SwapIndexes (one atomic catalog change).
	SwapIndexes(ctx context.Context, swaps []store.Swap) error

	// CreateKey, UpdateKey and DeleteKey are the store.State key mutators.
	CreateKey(ctx context.Context, k store.Key) (store.Key, error)
	UpdateKey(ctx context.Context, uid string, u store.KeyUpdate) (store.Key, error)
	DeleteKey(ctx context.Context, uid string) error

	// SetNodeState is store.State.SetNodeState (leader health decisions).
	SetNodeState(ctx context.Context, id string, state store.NodeState) error

	// CreateWebhook, UpdateWebhook and DeleteWebhook are the store.State
	// webhook mutators. Their domain errors are *meili.Error with codes
	// webhook_not_found (404), invalid_webhooks (400, more than
	// store.MaxWebhooks) and invalid_webhook_headers (400, more than
	// store.MaxWebhookHeaders), with the store's messages.
	CreateWebhook(ctx context.Context, w store.Webhook) (store.Webhook, error)
	UpdateWebhook(ctx context.Context, uuid string, u store.WebhookUpdate) (store.Webhook, error)
	DeleteWebhook(ctx context.Context, uuid string) error
}

// Deps are the proxy's collaborators, provided by admin.
type Deps struct {
	State   State
	Catalog Catalog
}
