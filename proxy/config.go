package proxy

import (
	"errors"
	"fmt"
	"time"
)

// Write quorum policies (DESIGN §5.6).
const (
	QuorumMajority = "majority" // floor(RF/2)+1 replicas of a shard in a group
	QuorumAll      = "all"
	QuorumOne      = "one"
)

// Shard policies for reads when a shard has no answer (DESIGN §6.5).
const (
	ShardPolicyPartial = "partial" // answer with what is there, X-Miroir-Degraded
	ShardPolicyError   = "error"   // 503 miroir_shard_unavailable
)

// Config configures a Proxy.
type Config struct {
	// MasterKey is the client-facing Meilisearch master key; "" leaves the
	// API open (except /keys, as Meilisearch does). Default "".
	MasterKey string
	// NodeKey is the internal key sent to every node as a Bearer token;
	// "" for open nodes. It never leaves miroir. Default "".
	NodeKey string
	// MaxPayloadBytes bounds a document payload. Default 100 MiB.
	MaxPayloadBytes int64
	// NodeTimeout bounds one call to a node. Default 10 s.
	NodeTimeout time.Duration
	// HedgeDelay, when > 0, sends a read part to other replicas covering the
	// same shards if its node has not answered after this long; the first
	// answer wins (hedge.go). 0 turns hedging off. Default 100 ms (search
	// p95 on one node is tens of ms; a hung node costs this, not NodeTimeout).
	HedgeDelay time.Duration
	// WriteQuorum is majority, all or one. Default majority.
	WriteQuorum string
	// ShardPolicy is partial or error. Default partial.
	ShardPolicy string
	// DefaultShards is the shard count of new indexes. Default 64.
	DefaultShards int
	// TaskPollInterval is how often the task watcher polls open node tasks.
	// SDKs poll every 50 ms, so keep it well under. Default 20 ms.
	TaskPollInterval time.Duration
	// RecordInterval batches node task uid records into one raft entry.
	// Default 5 ms.
	RecordInterval time.Duration
	// HealthInterval is the period of node health probes. Default 1 s.
	HealthInterval time.Duration
	// FailAfter consecutive failed probes mark a node failed; RecoverAfter
	// consecutive good probes mark it active again. Defaults 3 and 2.
	FailAfter, RecoverAfter int
	// SuspectFor is how long reads avoid a node after a transport error, before
	// the leader decides anything. Default 2 s.
	SuspectFor time.Duration
	// RepairInterval is how often the leader's repair loop looks for
	// recovering nodes to repair (repair.go). Default 1 s.
	RepairInterval time.Duration
	// AbandonAfter fails a task that never got node tasks recorded (its peer
	// died mid-write). Default 1 min.
	AbandonAfter time.Duration
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{
		MaxPayloadBytes:  100 << 20,
		NodeTimeout:      10 * time.Second,
		HedgeDelay:       100 * time.Millisecond,
		RepairInterval:   time.Second,
		WriteQuorum:      QuorumMajority,
		ShardPolicy:      ShardPolicyPartial,
		DefaultShards:    64,
		TaskPollInterval: 20 * time.Millisecond,
		RecordInterval:   5 * time.Millisecond,
		HealthInterval:   time.Second,
		FailAfter:        3,
		RecoverAfter:     2,
		SuspectFor:       2 * time.Second,
		AbandonAfter:     time.Minute,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.MaxPayloadBytes <= 0:
		return errors.New("proxy: MaxPayloadBytes must be positive")
	case c.NodeTimeout <= 0:
		return errors.New("proxy: NodeTimeout must be positive")
	case c.HedgeDelay < 0:
		return errors.New("proxy: HedgeDelay must not be negative (0 turns hedging off)")
	case c.RepairInterval <= 0:
		return errors.New("proxy: RepairInterval must be positive")
	case c.WriteQuorum != QuorumMajority && c.WriteQuorum != QuorumAll && c.WriteQuorum != QuorumOne:
		return fmt.Errorf("proxy: WriteQuorum must be majority, all or one, got %q", c.WriteQuorum)
	case c.ShardPolicy != ShardPolicyPartial && c.ShardPolicy != ShardPolicyError:
		return fmt.Errorf("proxy: ShardPolicy must be partial or error, got %q", c.ShardPolicy)
	case c.DefaultShards < 1 || c.DefaultShards > 4096:
		return fmt.Errorf("proxy: DefaultShards must be in 1..4096, got %d", c.DefaultShards)
	case c.TaskPollInterval <= 0 || c.RecordInterval <= 0 || c.HealthInterval <= 0:
		return errors.New("proxy: TaskPollInterval, RecordInterval and HealthInterval must be positive")
	case c.FailAfter < 1 || c.RecoverAfter < 1:
		return errors.New("proxy: FailAfter and RecoverAfter must be at least 1")
	}
	return nil
}

// quorum returns how many of n replicas of a shard in a group must accept a
// write.
func (c Config) quorum(n int) int {
	switch c.WriteQuorum {
	case QuorumAll:
		return n
	case QuorumOne:
		return min(1, n)
	}
	return n/2 + 1
}
