package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/admin/admintest"
	"github.com/prometheus/client_golang/prometheus"
)

const key = "miroirctl-test-admin-key"

// startPeer serves a real admin.Server backed by the admintest fake on
// loopback and returns its base URL.
func startPeer(t *testing.T) string {
	t.Helper()
	cfg := admin.DefaultConfig()
	cfg.AdminKey = key
	s, err := admin.New(cfg, admintest.New().Deps(), nil, prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(ln) }()
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Error(err)
		}
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return "http://" + ln.Addr().String()
}

func ctl(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestNodesAddListDrainRemoveAgainstAPeer(t *testing.T) {
	env := map[string]string{"MIROIR_ADDR": startPeer(t), "MIROIR_ADMIN_KEY": key}
	code, out, errs := ctl(t, env, "nodes", "add", "--id", "n1", "--address", "http://127.0.0.1:7710", "--replica-group", "1")
	if code != 0 || !strings.Contains(out, "node n1 (http://127.0.0.1:7710, group 1) is active") {
		t.Fatalf("add: %d %q %q", code, out, errs)
	}
	code, out, _ = ctl(t, env, "nodes", "list")
	if code != 0 || !strings.Contains(out, "NODE") || !strings.Contains(out, "n1") || !strings.Contains(out, "active") {
		t.Fatalf("list: %d %q", code, out)
	}
	if code, out, _ = ctl(t, env, "nodes", "drain", "n1"); code != 0 || out != "node n1 is draining\n" {
		t.Fatalf("drain: %d %q", code, out)
	}
	if code, out, _ = ctl(t, env, "nodes", "remove", "n1"); code != 0 || out != "node n1 is removed\n" {
		t.Fatalf("remove: %d %q", code, out)
	}
	code, out, _ = ctl(t, env, "nodes", "list", "--json")
	var v struct{ Results []admin.Node }
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || len(v.Results) != 1 || v.Results[0].State != admin.NodeRemoved {
		t.Fatalf("list --json: %d %q", code, out)
	}
}

func TestStatusAndPeersPrintTables(t *testing.T) {
	addr := startPeer(t)
	code, out, _ := ctl(t, nil, "--addr", addr, "--admin-key", key, "status")
	if code != 0 || !strings.Contains(out, "leader:    p1") || !strings.Contains(out, "voters:    3 of 3") {
		t.Fatalf("status: %d %q", code, out)
	}
	code, out, _ = ctl(t, nil, "--addr", addr, "--admin-key", key, "peers")
	if code != 0 || !strings.Contains(out, "GOSSIP") || !strings.Contains(out, "failed") {
		t.Fatalf("peers: %d %q", code, out)
	}
	code, out, _ = ctl(t, nil, "--addr", addr, "--admin-key", key, "status", "--json")
	var v admin.ClusterView
	if code != 0 || json.Unmarshal([]byte(out), &v) != nil || v.Voters != 3 {
		t.Fatalf("status --json: %d %q", code, out)
	}
}

func TestServerErrorsExitNonZeroWithTheServerMessage(t *testing.T) {
	addr := startPeer(t)
	code, _, errs := ctl(t, nil, "--addr", addr, "status")
	if code != 1 || !strings.Contains(errs, "missing_authorization_header") {
		t.Fatalf("no key: %d %q", code, errs)
	}
	code, _, errs = ctl(t, nil, "--addr", addr, "--admin-key", "wrong", "nodes", "list")
	if code != 1 || !strings.Contains(errs, "invalid_api_key") {
		t.Fatalf("wrong key: %d %q", code, errs)
	}
	code, _, errs = ctl(t, nil, "--addr", addr, "--admin-key", key, "nodes", "drain", "ghost")
	if code != 1 || !strings.Contains(errs, `node "ghost" not found`) {
		t.Fatalf("unknown node: %d %q", code, errs)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	if code, _, _ := ctl(t, nil, "nodes", "drain"); code != 2 {
		t.Fatalf("missing arg: %d", code)
	}
	if code, _, _ := ctl(t, nil, "nodes", "add", "--id", "x"); code != 2 {
		t.Fatalf("missing --address: %d", code)
	}
	if code, _, _ := ctl(t, nil, "status", "--bogus"); code != 2 {
		t.Fatalf("unknown flag: %d", code)
	}
}

func TestUnreachablePeerFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if code, _, errs := ctl(t, nil, "--addr", addr, "status"); code != 1 || !strings.Contains(errs, "cannot reach") {
		t.Fatalf("unreachable: %d %q", code, errs)
	}
}
