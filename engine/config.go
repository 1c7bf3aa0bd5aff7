package engine

import (
	"errors"
	"fmt"
	"time"
)

// Config configures one engine node. Every field has a default from
// DefaultConfig; Validate reports the first field that cannot work.
type Config struct {
	// DataDir holds the task queue (tasks.db, bbolt) and one directory per
	// index. Required; created when missing.
	DataDir string
	// HTTPAddr is the address miroir node listens on (host:port). Serve takes
	// a listener, so the engine itself only reports it. Default "127.0.0.1:7700".
	HTTPAddr string
	// MasterKey protects every route when set; empty means the node is open,
	// as Meilisearch without a master key (then /keys answers
	// missing_master_key). Meilisearch requires at least 16 bytes in
	// production; the engine accepts any non-empty key ("masterKey" is what
	// SDK test suites use).
	MasterKey string
	// MaxPayloadBytes bounds a request body. Default 100 MiB (Meilisearch's
	// http-payload-size-limit default).
	MaxPayloadBytes int64
	// ReadHeaderTimeout and IdleTimeout guard the HTTP server Serve runs.
	// Defaults 10 s and 120 s.
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	// MaxBatchTasks is how many consecutive enqueued document additions to
	// one index (same options) the worker applies as one index write, as
	// Meilisearch's autobatcher does; an error then fails them all.
	// Default 32; 1 disables batching.
	MaxBatchTasks int
}

// DefaultConfig returns a Config with every default set; DataDir stays empty
// and must be filled in.
func DefaultConfig() Config {
	return Config{
		HTTPAddr:          "127.0.0.1:7700",
		MaxPayloadBytes:   100 << 20,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxBatchTasks:     32,
	}
}

// ErrInvalidConfig wraps every configuration error Validate returns.
var ErrInvalidConfig = errors.New("engine: invalid config")

// Validate checks the fields New relies on.
func (c Config) Validate() error {
	switch {
	case c.DataDir == "":
		return fmt.Errorf("%w: DataDir is required", ErrInvalidConfig)
	case c.MaxPayloadBytes <= 0:
		return fmt.Errorf("%w: MaxPayloadBytes must be positive, got %d", ErrInvalidConfig, c.MaxPayloadBytes)
	case c.ReadHeaderTimeout <= 0 || c.IdleTimeout <= 0:
		return fmt.Errorf("%w: ReadHeaderTimeout and IdleTimeout must be positive", ErrInvalidConfig)
	case c.MaxBatchTasks < 1:
		return fmt.Errorf("%w: MaxBatchTasks must be at least 1, got %d", ErrInvalidConfig, c.MaxBatchTasks)
	}
	return nil
}
