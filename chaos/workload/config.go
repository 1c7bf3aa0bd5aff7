package workload

import (
	"errors"
	"time"
)

// Mix is the relative weight of each operation a client picks.
type Mix struct {
	Upsert, Update, Delete, Get, Search                 int
	CreateIndex, DeleteIndex, SetSettings, ReadSettings int
	CreateKey, ReadKey                                  int
	RegisterNode, ReadNode                              int
}

// DataMix is the default mix once the Meilisearch routes exist.
func DataMix() Mix {
	return Mix{Upsert: 8, Update: 3, Delete: 2, Get: 4, Search: 8,
		CreateIndex: 1, DeleteIndex: 1, SetSettings: 1, ReadSettings: 2, CreateKey: 1, ReadKey: 1}
}

// AdminMix exercises only the admin API (node registrations).
func AdminMix() Mix { return Mix{RegisterNode: 1, ReadNode: 3} }

// Config of a workload.
type Config struct {
	// Peers are the peers' HTTP addresses (host:port); each op picks one.
	Peers []string
	// MasterKey authenticates Meilisearch routes; AdminKey the admin API.
	MasterKey, AdminKey string
	// Clients is the number of concurrent clients. Default 4.
	Clients int
	// Readers are extra clients that only search (pausing 5 Intervals
	// between searches), so read availability is measured even while every
	// writer waits on a stuck task. Default 2 (none without doc indexes).
	Readers int
	// Seed makes the choice of operations reproducible (timing is not).
	Seed uint64
	// Name prefixes every index and node id, so runs never collide.
	Name string
	// DocIndexes and MetaIndexes are how many indexes of each class exist.
	// Defaults 2 and 3. Doomed adds one index deleted mid-run. Default true.
	DocIndexes, MetaIndexes int
	Doomed                  bool
	// DoomAfter is when (after Run starts) the doomed index is deleted.
	// Default 2 s.
	DoomAfter time.Duration
	// Mix weighs the operations. Default DataMix.
	Mix Mix
	// Batch is the largest number of documents one write carries. Default 4.
	Batch int
	// Interval is the pause of each client between operations, which keeps
	// the load on a 2-core machine moderate. Default 20 ms.
	Interval time.Duration
	// RequestTimeout bounds one HTTP request. Default 3 s.
	RequestTimeout time.Duration
	// TaskTimeout bounds waiting for a task to finish. Default 15 s.
	TaskTimeout time.Duration
	// PollInterval is the task polling interval (SDK waitForTask uses 50 ms).
	PollInterval time.Duration
	// PollTimeout bounds one task poll (a GET, safe to repeat elsewhere):
	// a poll that lands on a paused peer is abandoned and the next one
	// goes to another peer. Default 500 ms.
	PollTimeout time.Duration
	// HealthInterval is how often (and with what timeout) every peer's
	// /health is probed; clients send new requests only to peers that
	// answered, as behind a load balancer. 0 disables the probes (clients
	// then pick any peer). Default 250 ms.
	HealthInterval time.Duration
}

// DefaultConfig returns the defaults; Peers and keys must still be set.
func DefaultConfig() Config {
	return Config{
		Clients: 4, Readers: 2, Seed: 1, Name: "chaos", DocIndexes: 2, MetaIndexes: 3, Doomed: true,
		DoomAfter: 2 * time.Second, Mix: DataMix(), Batch: 4, Interval: 20 * time.Millisecond,
		RequestTimeout: 3 * time.Second, TaskTimeout: 15 * time.Second, PollInterval: 50 * time.Millisecond,
		PollTimeout: 500 * time.Millisecond, HealthInterval: 250 * time.Millisecond,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case len(c.Peers) == 0:
		return errors.New("workload: Config.Peers is empty")
	case c.Clients < 1:
		return errors.New("workload: Config.Clients must be >= 1")
	case c.Batch < 1:
		return errors.New("workload: Config.Batch must be >= 1")
	case c.RequestTimeout <= 0 || c.TaskTimeout <= 0 || c.PollInterval <= 0 || c.PollTimeout <= 0:
		return errors.New("workload: timeouts and poll interval must be > 0")
	case c.Name == "":
		return errors.New("workload: Config.Name is required")
	}
	return nil
}
