package admin

import (
	"errors"
	"fmt"
	"time"
)

// Config configures one peer's HTTP server.
type Config struct {
	// AdminKey guards /_miroir/* admin routes. Required; at least 16 bytes.
	AdminKey string
	// BodyLimit caps request bodies, in bytes. Default 100 MiB (DESIGN §5).
	BodyLimit int64
	// RequestTimeout bounds a request's context. Default 30 s.
	RequestTimeout time.Duration
	// ReadHeaderTimeout bounds reading request headers. Default 10 s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes idle keep-alive connections. Default 120 s.
	IdleTimeout time.Duration
	// RetryAfter is the Retry-After hint on 503 answers while no leader
	// is known. Default 1 s (whole seconds on the wire, at least 1).
	RetryAfter time.Duration
	// DefaultRF is the replication factor of a replica group created
	// implicitly by the first node registered in it. Default 1.
	DefaultRF int
	// ReadWaitTimeout bounds how long a read with ?index=N waits for the
	// local FSM to reach N. Default 5 s.
	ReadWaitTimeout time.Duration
}

// MinAdminKeyLen is the shortest admin key Validate accepts.
const MinAdminKeyLen = 16

// DefaultConfig returns the defaults documented on Config; AdminKey is empty
// and must be set.
func DefaultConfig() Config {
	return Config{
		BodyLimit:         100 << 20,
		RequestTimeout:    30 * time.Second,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		RetryAfter:        time.Second,
		ReadWaitTimeout:   5 * time.Second,
		DefaultRF:         1,
	}
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	switch {
	case c.AdminKey == "":
		return errors.New("admin: admin key is required (set --admin-key or MIROIR_ADMIN_KEY)")
	case len(c.AdminKey) < MinAdminKeyLen:
		return fmt.Errorf("admin: admin key must be at least %d bytes", MinAdminKeyLen)
	case c.BodyLimit <= 0:
		return errors.New("admin: body limit must be positive")
	case c.RequestTimeout <= 0, c.ReadHeaderTimeout <= 0, c.IdleTimeout <= 0:
		return errors.New("admin: request, read-header and idle timeouts must be positive")
	case c.DefaultRF < 1 || c.DefaultRF > 3:
		return fmt.Errorf("admin: default replication factor must be 1 to 3, got %d", c.DefaultRF)
	case c.RetryAfter <= 0, c.ReadWaitTimeout <= 0:
		return errors.New("admin: retry-after and read-wait timeout must be positive")
	}
	return nil
}
