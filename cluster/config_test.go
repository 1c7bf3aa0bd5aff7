package cluster

import (
	"errors"
	"net"
	"testing"
	"time"
)

func validConfig() Config {
	c := DefaultConfig()
	c.PeerID, c.DataDir, c.HTTPAddr = "p1", "/tmp/x", "127.0.0.1:7700"
	return c
}

func TestValidateAcceptsDefaultsWithRequiredFields(t *testing.T) {
	if err := validConfig().Validate(); err != nil {
		t.Fatal(err)
	}
	c := validConfig()
	TestConfig(&c)
	if err := c.Validate(); err != nil {
		t.Fatalf("test preset: %v", err)
	}
}

func TestValidateRefusesBadConfigs(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   error
	}{
		{"two peers", func(c *Config) { c.BootstrapExpect = 2 }, ErrTwoPeers},
		{"no peer id", func(c *Config) { c.PeerID = "" }, ErrInvalidConfig},
		{"no data dir", func(c *Config) { c.DataDir = "" }, ErrInvalidConfig},
		{"no http addr", func(c *Config) { c.HTTPAddr = "" }, ErrInvalidConfig},
		{"bad raft addr", func(c *Config) { c.RaftBindAddr = "nope" }, ErrInvalidConfig},
		{"zero hold", func(c *Config) { c.HoldTimeout = 0 }, ErrInvalidConfig},
		{"negative expect", func(c *Config) { c.BootstrapExpect = -1 }, ErrInvalidConfig},
		{"encrypt without key", func(c *Config) { c.GossipEncrypt = true }, ErrInvalidConfig},
		{"zero max batch", func(c *Config) { c.MaxBatch = 0 }, ErrInvalidConfig},
		{"zero max batch bytes", func(c *Config) { c.MaxBatchBytes = 0 }, ErrInvalidConfig},
		{"lease over heartbeat", func(c *Config) { c.LeaderLeaseTimeout = 2 * time.Second }, ErrInvalidConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validConfig()
			tc.change(&c)
			if err := c.Validate(); !errors.Is(err, tc.want) {
				t.Fatalf("Validate() = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestNewStartsNothingAndCloseBeforeStartIsSafe(t *testing.T) {
	c := validConfig()
	c.DataDir = t.TempDir()
	p, err := New(c, nil, nil, nil)
	if err == nil {
		t.Fatal("New accepted a nil fsm")
	}
	p, err = New(c, stubFSM{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(t.Context()); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Close = %v, want ErrClosed", err)
	}
	if _, err := p.Apply(t.Context(), []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Apply on a closed peer = %v, want ErrClosed", err)
	}
}

func TestStartFailsCleanlyWhenRaftPortIsTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c := validConfig()
	TestConfig(&c)
	c.DataDir = t.TempDir()
	c.RaftBindAddr = ln.Addr().String()
	p, err := New(c, stubFSM{}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(t.Context()); err == nil {
		t.Fatal("Start succeeded on a taken port")
	}
	if err := p.Close(); err != nil {
		t.Fatalf("Close after a failed Start: %v", err)
	}
	if _, err := p.Apply(t.Context(), []byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Apply after a failed Start = %v, want ErrClosed", err)
	}
	// The data dir is usable again: the bolt file was closed.
	c.RaftBindAddr = "127.0.0.1:0"
	p2, _ := New(c, stubFSM{}, nil, nil)
	if err := p2.Start(t.Context()); err != nil {
		t.Fatalf("second Start on the same data dir: %v", err)
	}
	if err := p2.Close(); err != nil {
		t.Fatal(err)
	}
}
