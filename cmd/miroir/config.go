package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/cluster"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
)

// peerConfig is the configuration of `miroir serve`. Sources, lowest to
// highest precedence: defaults, the YAML file (--config or MIROIR_CONFIG),
// MIROIR_* environment variables, flags. docs/operations.md lists every key.
type peerConfig struct {
	ID                  string   `yaml:"id"`
	DataDir             string   `yaml:"data_dir"`
	HTTPAddr            string   `yaml:"http_addr"`
	HTTPAdvertiseAddr   string   `yaml:"http_advertise_addr"`
	RaftAddr            string   `yaml:"raft_addr"`
	RaftAdvertiseAddr   string   `yaml:"raft_advertise_addr"`
	GossipAddr          string   `yaml:"gossip_addr"`
	GossipAdvertiseAddr string   `yaml:"gossip_advertise_addr"`
	Join                []string `yaml:"join"`
	BootstrapExpect     int      `yaml:"bootstrap_expect"`
	AdminKey            string   `yaml:"admin_key"`
	ClusterKey          string   `yaml:"cluster_key"`
	MasterKey           string   `yaml:"master_key"`
	NodeKey             string   `yaml:"node_key"`
	GossipEncrypt       bool     `yaml:"gossip_encrypt"`
	DefaultRF           int      `yaml:"default_rf"`
	// DefaultShards is the shard count of new indexes; 0 means the proxy's
	// default. Only `miroir dev` sets it (--shards); serve has no knob yet.
	DefaultShards int           `yaml:"-"`
	TaskRetention time.Duration `yaml:"task_retention"`
	HoldTimeout   time.Duration `yaml:"hold_timeout"`
	// Raft timers (cluster.Config): how fast a lost leader is replaced.
	RaftHeartbeatTimeout time.Duration `yaml:"raft_heartbeat_timeout"`
	RaftElectionTimeout  time.Duration `yaml:"raft_election_timeout"`
	RaftLeaseTimeout     time.Duration `yaml:"raft_lease_timeout"`
	RaftCommitTimeout    time.Duration `yaml:"raft_commit_timeout"`
	ShutdownTimeout      time.Duration `yaml:"shutdown_timeout"`
	LogLevel             string        `yaml:"log_level"`
	LogFormat            string        `yaml:"log_format"`
	// ChaosControl, when set, enables network fault injection for the chaos
	// suite, driven through a control server on this address. Never in
	// production.
	ChaosControl string `yaml:"chaos_control"`
}

func defaultPeerConfig() peerConfig {
	cdef := cluster.DefaultConfig()
	return peerConfig{
		DataDir:              "./data/miroir",
		HTTPAddr:             "127.0.0.1:7700",
		RaftAddr:             "127.0.0.1:7710",
		GossipAddr:           "127.0.0.1:7720",
		DefaultRF:            1,
		TaskRetention:        7 * 24 * time.Hour,
		HoldTimeout:          5 * time.Second,
		RaftHeartbeatTimeout: cdef.HeartbeatTimeout,
		RaftElectionTimeout:  cdef.ElectionTimeout,
		RaftLeaseTimeout:     cdef.LeaderLeaseTimeout,
		RaftCommitTimeout:    cdef.CommitTimeout,
		ShutdownTimeout:      15 * time.Second,
		LogLevel:             "info",
		LogFormat:            "json",
	}
}

// setting binds one config field to its flag and environment variable.
type setting struct {
	flag, env, usage string
	field            func(*peerConfig) any
}

func settings() []setting {
	return []setting{
		{"id", "MIROIR_ID", "peer id: stable, unique, never reused", func(c *peerConfig) any { return &c.ID }},
		{"data-dir", "MIROIR_DATA_DIR", "directory for raft state and snapshots", func(c *peerConfig) any { return &c.DataDir }},
		{"http-addr", "MIROIR_HTTP_ADDR", "host:port the HTTP API listens on", func(c *peerConfig) any { return &c.HTTPAddr }},
		{"http-advertise-addr", "MIROIR_HTTP_ADVERTISE_ADDR", "host:port other peers reach the HTTP API on (default: --http-addr)", func(c *peerConfig) any { return &c.HTTPAdvertiseAddr }},
		{"raft-addr", "MIROIR_RAFT_ADDR", "host:port raft listens on", func(c *peerConfig) any { return &c.RaftAddr }},
		{"raft-advertise-addr", "MIROIR_RAFT_ADVERTISE_ADDR", "host:port other peers dial for raft (default: --raft-addr)", func(c *peerConfig) any { return &c.RaftAdvertiseAddr }},
		{"gossip-addr", "MIROIR_GOSSIP_ADDR", "host:port gossip listens on (TCP and UDP)", func(c *peerConfig) any { return &c.GossipAddr }},
		{"gossip-advertise-addr", "MIROIR_GOSSIP_ADVERTISE_ADDR", "host:port other peers reach gossip on (default: --gossip-addr)", func(c *peerConfig) any { return &c.GossipAdvertiseAddr }},
		{"join", "MIROIR_JOIN", "gossip addresses of running peers, comma-separated", func(c *peerConfig) any { return &c.Join }},
		{"bootstrap-expect", "MIROIR_BOOTSTRAP_EXPECT", "peers that bootstrap a new cluster together (3 or 5; 0 = join only)", func(c *peerConfig) any { return &c.BootstrapExpect }},
		{"admin-key", "MIROIR_ADMIN_KEY", "admin API key (at least 16 bytes)", func(c *peerConfig) any { return &c.AdminKey }},
		{"cluster-key", "MIROIR_CLUSTER_KEY", "shared secret between peers (internal routes, gossip encryption)", func(c *peerConfig) any { return &c.ClusterKey }},
		{"master-key", "MIROIR_MASTER_KEY", "Meilisearch master key clients use", func(c *peerConfig) any { return &c.MasterKey }},
		{"node-key", "MIROIR_NODE_KEY", "key miroir uses to reach the nodes", func(c *peerConfig) any { return &c.NodeKey }},
		{"gossip-encrypt", "MIROIR_GOSSIP_ENCRYPT", "encrypt gossip with a key derived from the cluster key", func(c *peerConfig) any { return &c.GossipEncrypt }},
		{"default-rf", "MIROIR_DEFAULT_RF", "replication factor (1-3) of a replica group created by its first node", func(c *peerConfig) any { return &c.DefaultRF }},
		{"task-retention", "MIROIR_TASK_RETENTION", "how long finished tasks are kept before the leader prunes them", func(c *peerConfig) any { return &c.TaskRetention }},
		{"hold-timeout", "MIROIR_HOLD_TIMEOUT", "how long a write waits for a leader before 503", func(c *peerConfig) any { return &c.HoldTimeout }},
		{"raft-heartbeat-timeout", "MIROIR_RAFT_HEARTBEAT_TIMEOUT", "raft: how long a follower hears nothing from the leader before it starts an election", func(c *peerConfig) any { return &c.RaftHeartbeatTimeout }},
		{"raft-election-timeout", "MIROIR_RAFT_ELECTION_TIMEOUT", "raft: how long a candidate waits for votes before a new election", func(c *peerConfig) any { return &c.RaftElectionTimeout }},
		{"raft-lease-timeout", "MIROIR_RAFT_LEASE_TIMEOUT", "raft: how long a leader keeps leading without hearing from a quorum (<= heartbeat timeout)", func(c *peerConfig) any { return &c.RaftLeaseTimeout }},
		{"raft-commit-timeout", "MIROIR_RAFT_COMMIT_TIMEOUT", "raft: longest delay before a follower learns a new commit index when the leader is idle", func(c *peerConfig) any { return &c.RaftCommitTimeout }},
		{"shutdown-timeout", "MIROIR_SHUTDOWN_TIMEOUT", "bound on a graceful shutdown", func(c *peerConfig) any { return &c.ShutdownTimeout }},
		{"log-level", "MIROIR_LOG_LEVEL", "debug, info, warn or error", func(c *peerConfig) any { return &c.LogLevel }},
		{"log-format", "MIROIR_LOG_FORMAT", "json or text", func(c *peerConfig) any { return &c.LogFormat }},
		{"chaos-control", "MIROIR_CHAOS_CONTROL", "chaos tests only: fault-injection control address", func(c *peerConfig) any { return &c.ChaosControl }},
	}
}

// configFlags holds what the command line said; only flags that were set
// override the file and the environment.
type configFlags struct {
	path string
	vals peerConfig
	fs   *pflag.FlagSet
}

func bindConfigFlags(fs *pflag.FlagSet) *configFlags {
	cf := &configFlags{fs: fs}
	def := defaultPeerConfig()
	fs.StringVar(&cf.path, "config", "", "YAML config file (env MIROIR_CONFIG)")
	for _, s := range settings() {
		usage := s.usage + " (env " + s.env + ")"
		switch p := s.field(&cf.vals).(type) {
		case *string:
			fs.StringVar(p, s.flag, *s.field(&def).(*string), usage)
		case *int:
			fs.IntVar(p, s.flag, *s.field(&def).(*int), usage)
		case *bool:
			fs.BoolVar(p, s.flag, *s.field(&def).(*bool), usage)
		case *time.Duration:
			fs.DurationVar(p, s.flag, *s.field(&def).(*time.Duration), usage)
		case *[]string:
			fs.StringSliceVar(p, s.flag, nil, usage)
		}
	}
	return cf
}

// load merges defaults, file, environment and flags, then validates.
func (cf *configFlags) load(getenv func(string) string) (peerConfig, error) {
	cfg := defaultPeerConfig()
	path := cf.path
	if !cf.fs.Changed("config") {
		path = getenv("MIROIR_CONFIG")
	}
	if path != "" {
		if err := loadFile(path, &cfg); err != nil {
			return cfg, err
		}
	}
	for _, s := range settings() {
		if v := getenv(s.env); v != "" {
			if err := parseInto(s.field(&cfg), v); err != nil {
				return cfg, fmt.Errorf("environment %s=%q: %w", s.env, v, err)
			}
		}
		if cf.fs.Changed(s.flag) {
			copyField(s.field(&cfg), s.field(&cf.vals))
		}
	}
	return cfg, cfg.validate()
}

func loadFile(path string, cfg *peerConfig) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

func parseInto(p any, v string) error {
	var err error
	switch p := p.(type) {
	case *string:
		*p = v
	case *int:
		*p, err = strconv.Atoi(v)
	case *bool:
		*p, err = strconv.ParseBool(v)
	case *time.Duration:
		*p, err = time.ParseDuration(v)
	case *[]string:
		*p = splitList(v)
	}
	return err
}

func copyField(dst, src any) {
	switch d := dst.(type) {
	case *string:
		*d = *src.(*string)
	case *int:
		*d = *src.(*int)
	case *bool:
		*d = *src.(*bool)
	case *time.Duration:
		*d = *src.(*time.Duration)
	case *[]string:
		*d = *src.(*[]string)
	}
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// validate says what to fix, all problems at once.
func (c peerConfig) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.ID == "" {
		bad("id is required: give this peer a stable, unique name (--id or MIROIR_ID)")
	}
	if c.DataDir == "" {
		bad("data dir is required (--data-dir or MIROIR_DATA_DIR)")
	}
	for name, v := range map[string]string{"http-addr": c.HTTPAddr, "raft-addr": c.RaftAddr, "gossip-addr": c.GossipAddr} {
		if _, _, err := net.SplitHostPort(v); err != nil {
			bad("%s %q is not host:port", name, v)
		}
	}
	if host, _, err := net.SplitHostPort(c.HTTPAddr); err == nil && c.HTTPAdvertiseAddr == "" && (host == "" || net.ParseIP(host).IsUnspecified()) {
		bad("http-addr %q listens on all interfaces: set http-advertise-addr to the address other peers reach this one on", c.HTTPAddr)
	}
	switch {
	case c.BootstrapExpect == 2:
		bad("bootstrap-expect 2 is refused: two peers cannot survive the loss of one; run 3 or 5")
	case c.BootstrapExpect < 0:
		bad("bootstrap-expect must be 0 (join an existing cluster), 3 or 5, got %d", c.BootstrapExpect)
	}
	if c.AdminKey == "" {
		bad("admin key is required (--admin-key or MIROIR_ADMIN_KEY)")
	} else if len(c.AdminKey) < admin.MinAdminKeyLen {
		bad("admin key must be at least %d bytes", admin.MinAdminKeyLen)
	}
	if c.GossipEncrypt && c.ClusterKey == "" {
		bad("gossip-encrypt needs a cluster key (--cluster-key or MIROIR_CLUSTER_KEY)")
	}
	if c.DefaultRF < 1 || c.DefaultRF > 3 {
		bad("default-rf must be 1, 2 or 3, got %d", c.DefaultRF)
	}
	if c.HoldTimeout <= 0 || c.ShutdownTimeout <= 0 || c.TaskRetention <= 0 {
		bad("hold-timeout, shutdown-timeout and task-retention must be positive")
	}
	if c.RaftHeartbeatTimeout <= 0 || c.RaftElectionTimeout <= 0 || c.RaftLeaseTimeout <= 0 || c.RaftCommitTimeout <= 0 {
		bad("raft-heartbeat-timeout, raft-election-timeout, raft-lease-timeout and raft-commit-timeout must be positive")
	} else if c.RaftLeaseTimeout > c.RaftHeartbeatTimeout {
		bad("raft-lease-timeout %v must not exceed raft-heartbeat-timeout %v", c.RaftLeaseTimeout, c.RaftHeartbeatTimeout)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		bad("%v", err)
	}
	if c.ChaosControl != "" {
		if _, _, err := net.SplitHostPort(c.ChaosControl); err != nil {
			bad("chaos-control %q is not host:port", c.ChaosControl)
		}
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		bad("log-format must be json or text, got %q", c.LogFormat)
	}
	return errors.Join(errs...)
}
