package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func devTestOptions(groups, rf, nodes int, set ...string) devOptions {
	given := map[string]bool{}
	for _, f := range set {
		given[f] = true
	}
	return devOptions{randomPorts: true, topology: devTopology{groups: groups, rf: rf, nodes: nodes, shards: 64,
		set: func(f string) bool { return given[f] }}}
}

func TestDevLayoutPlacesNodesInGroupsAndKeepsTheMasterKey(t *testing.T) {
	dir := t.TempDir()
	l, err := loadDevLayout(dir, devTestOptions(2, 2, 2))
	if err != nil {
		t.Fatal(err)
	}
	groups, members := l.groupNodes()
	if len(l.Nodes) != 4 || strings.Join(groups, ",") != "0,1" || strings.Join(members["1"], ",") != "node3,node4" {
		t.Fatalf("nodes %+v", l.Nodes)
	}
	if len(l.MasterKey) < 16 {
		t.Fatalf("master key %q", l.MasterKey)
	}
	again, err := loadDevLayout(dir, devTestOptions(1, 2, 3))
	if err != nil || again.MasterKey != l.MasterKey || again.ReplicaGroups != 2 || len(again.Nodes) != 4 {
		t.Fatalf("resumed layout %+v: %v", again, err)
	}
}

func TestDevLayoutFromAnOlderRunGetsAMasterKeyAndKeepsRF1(t *testing.T) {
	dir := t.TempDir()
	old := `{"adminKey":"a","clusterKey":"c","nodeKey":"n","peers":[
	 {"id":"peer1","httpAddr":"127.0.0.1:1"},{"id":"peer2","httpAddr":"127.0.0.1:2"},{"id":"peer3","httpAddr":"127.0.0.1:3"}],
	 "nodes":[{"id":"node1","httpAddr":"127.0.0.1:4"},{"id":"node2","httpAddr":"127.0.0.1:5"},{"id":"node3","httpAddr":"127.0.0.1:6"}]}`
	if err := os.WriteFile(filepath.Join(dir, "dev.json"), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := loadDevLayout(dir, devTestOptions(1, 2, 3))
	if err != nil {
		t.Fatal(err)
	}
	if l.MasterKey == "" || l.RF != 1 || l.ReplicaGroups != 1 || len(l.Nodes) != 3 || l.Nodes[2].Group != "0" || l.Nodes[0].HTTPAddr != "127.0.0.1:4" {
		t.Fatalf("layout %+v", l)
	}
	var saved devLayout
	raw, _ := os.ReadFile(filepath.Join(dir, "dev.json"))
	if err := json.Unmarshal(raw, &saved); err != nil || saved.MasterKey != l.MasterKey {
		t.Fatalf("saved %s: %v", raw, err)
	}
	if _, err := loadDevLayout(dir, devTestOptions(1, 2, 3, "rf")); err == nil || !strings.Contains(err.Error(), "--rf 1") {
		t.Fatalf("explicit --rf 2 on an RF 1 cluster: %v", err)
	}
}

func TestDevTopologyRejectsRFAboveNodesOrThree(t *testing.T) {
	for _, top := range []devTopology{{groups: 1, rf: 3, nodes: 2, shards: 1}, {groups: 1, rf: 4, nodes: 5, shards: 1},
		{groups: 0, rf: 1, nodes: 1, shards: 1}, {groups: 1, rf: 1, nodes: 1, shards: 0}} {
		if top.validate() == nil {
			t.Errorf("%+v accepted", top)
		}
	}
	if err := (devTopology{groups: 1, rf: 2, nodes: 3, shards: 64}).validate(); err != nil {
		t.Error(err)
	}
}

func TestDevRefusesAnRFAboveTheNodesPerGroup(t *testing.T) {
	var out, errs syncBuffer
	code := run(t.Context(), []string{"dev", "--data-dir", t.TempDir(), "--rf", "3", "--nodes", "2"}, func(string) string { return "" }, &out, &errs)
	if code != 2 || !strings.Contains(errs.String(), "--rf") {
		t.Fatalf("exit %d: %s", code, errs.String())
	}
}
