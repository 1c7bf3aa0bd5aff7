package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func runMiroir(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestServeRefusesInvalidConfigurationWithClearMessages(t *testing.T) {
	key := "0123456789abcdef0123"
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"two peers", []string{"--id", "p1", "--admin-key", key, "--bootstrap-expect", "2"}, "bootstrap-expect 2 is refused"},
		{"no id", []string{"--admin-key", key, "--bootstrap-expect", "3"}, "id is required"},
		{"no admin key", []string{"--id", "p1", "--bootstrap-expect", "3"}, "admin key is required"},
		{"short admin key", []string{"--id", "p1", "--admin-key", "short", "--bootstrap-expect", "3"}, "at least 16 bytes"},
		{"bad address", []string{"--id", "p1", "--admin-key", key, "--raft-addr", "nope"}, `raft-addr "nope" is not host:port`},
		{"bad log level", []string{"--id", "p1", "--admin-key", key, "--log-level", "loud"}, "log-level must be"},
		{"negative expect", []string{"--id", "p1", "--admin-key", key, "--bootstrap-expect", "-1"}, "bootstrap-expect must be 0"},
		{"encrypt without key", []string{"--id", "p1", "--admin-key", key, "--gossip-encrypt"}, "gossip-encrypt needs a cluster key"},
		{"rf out of range", []string{"--id", "p1", "--admin-key", key, "--default-rf", "4"}, "default-rf must be 1, 2 or 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runMiroir(t, nil, append([]string{"serve", "--data-dir", t.TempDir()}, tc.args...)...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q; want 2 and %q", code, errs, tc.want)
			}
		})
	}
}

func TestServeReportsEveryProblemAtOnce(t *testing.T) {
	code, _, errs := runMiroir(t, nil, "serve", "--bootstrap-expect", "2")
	for _, want := range []string{"id is required", "admin key is required", "bootstrap-expect 2"} {
		if code != 2 || !strings.Contains(errs, want) {
			t.Fatalf("exit %d, stderr %q lacks %q", code, errs, want)
		}
	}
}

func TestUnknownFlagIsAUsageError(t *testing.T) {
	if code, _, _ := runMiroir(t, nil, "serve", "--bogus"); code != 2 {
		t.Fatalf("exit %d", code)
	}
}

func TestVersionPrintsTheVersion(t *testing.T) {
	code, out, _ := runMiroir(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "miroir "+version) {
		t.Fatalf("exit %d, %q", code, out)
	}
}

func loadWith(t *testing.T, env map[string]string, args ...string) (peerConfig, error) {
	t.Helper()
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	cf := bindConfigFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return cf.load(func(k string) string { return env[k] })
}

func TestConfigPrecedenceIsFileThenEnvironmentThenFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "miroir.yaml")
	yaml := "id: from-file\nadmin_key: file-key-0123456789\nbootstrap_expect: 3\nhttp_addr: 127.0.0.1:9000\n" +
		"join: [a:1, b:2]\nhold_timeout: 7s\nlog_level: debug\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MIROIR_CONFIG": path, "MIROIR_ID": "from-env", "MIROIR_HTTP_ADDR": "127.0.0.1:9001", "MIROIR_JOIN": "c:3, d:4"}
	cfg, err := loadWith(t, env, "--http-addr", "127.0.0.1:9002")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ID != "from-env" || cfg.HTTPAddr != "127.0.0.1:9002" || cfg.AdminKey != "file-key-0123456789" ||
		cfg.BootstrapExpect != 3 || strings.Join(cfg.Join, ",") != "c:3,d:4" || cfg.HoldTimeout != 7*time.Second ||
		cfg.LogLevel != "debug" || cfg.RaftAddr != defaultPeerConfig().RaftAddr {
		t.Fatalf("merged config: %+v", cfg)
	}
}

func TestConfigFileWithUnknownKeyIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "miroir.yaml")
	if err := os.WriteFile(path, []byte("id: p1\nbootstrap_expected: 3\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := loadWith(t, nil, "--config", path)
	if err == nil || !strings.Contains(err.Error(), "bootstrap_expected") {
		t.Fatalf("err = %v", err)
	}
}

func TestBadEnvironmentValueNamesTheVariable(t *testing.T) {
	_, err := loadWith(t, map[string]string{"MIROIR_BOOTSTRAP_EXPECT": "three"})
	if err == nil || !strings.Contains(err.Error(), "MIROIR_BOOTSTRAP_EXPECT") {
		t.Fatalf("err = %v", err)
	}
}

func TestRaftTimersComeFromFileEnvironmentAndFlagsAndReachTheCluster(t *testing.T) {
	path := filepath.Join(t.TempDir(), "miroir.yaml")
	yaml := "id: p1\nadmin_key: file-key-0123456789\nraft_heartbeat_timeout: 400ms\nraft_commit_timeout: 20ms\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"MIROIR_CONFIG": path, "MIROIR_RAFT_ELECTION_TIMEOUT": "300ms"}
	cfg, err := loadWith(t, env, "--raft-lease-timeout", "200ms")
	if err != nil {
		t.Fatal(err)
	}
	c := clusterConfig(cfg, "127.0.0.1:7700")
	if c.HeartbeatTimeout != 400*time.Millisecond || c.ElectionTimeout != 300*time.Millisecond ||
		c.LeaderLeaseTimeout != 200*time.Millisecond || c.CommitTimeout != 20*time.Millisecond {
		t.Fatalf("raft timers in the cluster config: %v %v %v %v", c.HeartbeatTimeout, c.ElectionTimeout, c.LeaderLeaseTimeout, c.CommitTimeout)
	}
	if _, err := loadWith(t, map[string]string{"MIROIR_ADMIN_KEY": "env-key-0123456789", "MIROIR_ID": "p1"},
		"--raft-lease-timeout", "2s"); err == nil || !strings.Contains(err.Error(), "raft-lease-timeout") {
		t.Fatalf("a lease longer than the heartbeat timeout: %v", err)
	}
}
