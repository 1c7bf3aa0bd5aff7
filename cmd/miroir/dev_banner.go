package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// Names of the default keys the banner prints (Meilisearch's names).
const (
	devSearchKeyName = "Default Search API Key"
	devAdminKeyName  = "Default Admin API Key"
)

// defaultKeys asks the first peer for the default API keys, which the
// leader creates shortly after it is elected. It waits a few seconds at
// most: the banner then points at GET /keys instead of failing the start.
func defaultKeys(ctx context.Context, l devLayout) map[string]string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		keys := fetchKeys(ctx, "http://"+l.Peers[0].HTTPAddr, l.MasterKey)
		if keys[devSearchKeyName] != "" && keys[devAdminKeyName] != "" {
			return keys
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// fetchKeys returns key values by name, nil on any error.
func fetchKeys(ctx context.Context, base, master string) map[string]string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/keys?limit=100", nil)
	if err != nil {
		return nil
	}
	req.Header.Set("Authorization", "Bearer "+master)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	var list struct {
		Results []struct{ Name, Key string }
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&list) != nil {
		return nil
	}
	keys := map[string]string{}
	for _, k := range list.Results {
		keys[k.Name] = k.Key
	}
	return keys
}

func printDev(w io.Writer, dir string, l devLayout, keys map[string]string) {
	fmt.Fprintf(w, "miroir dev: %d peers and %d engine nodes on loopback, data in %s\n\n", len(l.Peers), len(l.Nodes), dir)
	for _, p := range l.Peers {
		fmt.Fprintf(w, "  %-6s http://%-16s raft %-16s gossip %s\n", p.ID, p.HTTPAddr, p.RaftAddr, p.GossipAddr)
	}
	groups, members := l.groupNodes()
	fmt.Fprintf(w, "\nreplica groups (RF %d: each shard on %d node(s) of every group; %d shards per new index):\n", l.RF, l.RF, l.Shards)
	addrs := map[string]string{}
	for _, n := range l.Nodes {
		addrs[n.ID] = "http://" + n.HTTPAddr
	}
	for _, g := range groups {
		var parts []string
		for _, id := range members[g] {
			parts = append(parts, id+" "+addrs[id])
		}
		fmt.Fprintf(w, "  group %-3s %s\n", g, strings.Join(parts, ", "))
	}
	kept := filepath.Join(dir, "dev.json")
	fmt.Fprintf(w, "\nSDK URL:    http://%s (any peer)\n", l.Peers[0].HTTPAddr)
	fmt.Fprintf(w, "master key: %s   (kept in %s)\n", l.MasterKey, kept)
	if keys != nil {
		fmt.Fprintf(w, "%s: %s\n", devSearchKeyName, keys[devSearchKeyName])
		fmt.Fprintf(w, "%s:  %s\n", devAdminKeyName, keys[devAdminKeyName])
	} else {
		fmt.Fprintf(w, "default API keys: not created yet; list them with GET /keys and the master key\n")
	}
	fmt.Fprintf(w, "admin key:  %s   (kept in %s)\n", l.AdminKey, kept)
	fmt.Fprintf(w, "try:        MIROIR_ADMIN_KEY=%s miroirctl --addr http://%s status\n", l.AdminKey, l.Peers[0].HTTPAddr)
	fmt.Fprintln(w, "Ctrl-C stops the cluster; running it again resumes it.")
}
