package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"time"
)

// WaitNodeHealthy waits until an engine node answers 200 on GET /health.
func (c *Cluster) WaitNodeHealthy(ctx context.Context, n *Proc) error {
	return WaitFor(ctx, c.Cfg.Timeout, func() bool {
		pc, cancel := c.pollCtx(ctx)
		defer cancel()
		_, code, err := AdminClient{}.do(pc, http.MethodGet, "http://"+n.HTTPAddr+"/health", nil)
		return err == nil && code == http.StatusOK
	}, func() string { return n.Name + " not healthy; log tail:\n" + Tail(n, 20) })
}

// NodeGroup is the replica group the harness registers node i in.
func (c *Cluster) NodeGroup(i int) string {
	return fmt.Sprint(i % max(1, c.Cfg.Groups))
}

// RegisterNodes registers every engine node with the cluster
// (POST /_miroir/nodes), spreading them round-robin over the replica
// groups. A node already registered (409) counts as registered.
func (c *Cluster) RegisterNodes(ctx context.Context) error {
	for i, n := range c.Nodes {
		if err := c.WaitNodeHealthy(ctx, n); err != nil {
			return err
		}
		addr := n.HTTPAddr
		if i < len(c.Proxies) {
			addr = c.Proxies[i].Addr
		}
		body, _ := json.Marshal(map[string]string{
			"id": n.Name, "address": "http://" + addr, "replicaGroup": c.NodeGroup(i),
		})
		var last string
		err := WaitFor(ctx, c.Cfg.Timeout, func() bool {
			for _, p := range c.Peers {
				if !p.Running() || p.Paused() {
					continue
				}
				b, code, err := c.Admin.Call(ctx, http.MethodPost, p.HTTPAddr, "/_miroir/nodes", body)
				last = fmt.Sprintf("%s: %d %s %v", p.Name, code, b, err)
				if code == http.StatusCreated || code == http.StatusOK || code == http.StatusConflict {
					return true
				}
			}
			return false
		}, func() string { return "register " + n.Name + ": " + last })
		if err != nil {
			return err
		}
	}
	return nil
}

// NodeStates asks the first running, unpaused peer that answers for
// GET /_miroir/nodes and returns each node's state by id.
func (c *Cluster) NodeStates(ctx context.Context) (map[string]string, error) {
	var last error = fmt.Errorf("harness: no running peer")
	for _, p := range c.Peers {
		if !p.Running() || p.Paused() {
			continue
		}
		pc, cancel := c.pollCtx(ctx)
		b, code, err := c.Admin.Call(pc, http.MethodGet, p.HTTPAddr, "/_miroir/nodes", nil)
		cancel()
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("harness: GET /_miroir/nodes on %s: %d %s", p.Name, code, b)
		}
		if err != nil {
			last = err
			continue
		}
		var list struct {
			Results []struct {
				ID    string `json:"id"`
				State string `json:"state"`
			} `json:"results"`
		}
		if err := json.Unmarshal(b, &list); err != nil {
			return nil, fmt.Errorf("harness: decode /_miroir/nodes: %w", err)
		}
		out := make(map[string]string, len(list.Results))
		for _, n := range list.Results {
			out[n.ID] = n.State
		}
		return out, nil
	}
	return nil, last
}

// WaitNoneRecovering waits, at most timeout, until no registered node is
// `recovering` (the leader repairs a node that missed writes, then marks it
// active). On timeout the error names the nodes still recovering.
func (c *Cluster) WaitNoneRecovering(ctx context.Context, timeout time.Duration) error {
	var seen map[string]string
	var lastErr error
	return WaitFor(ctx, timeout, func() bool {
		sts, err := c.NodeStates(ctx)
		if err != nil {
			lastErr = err
			return false
		}
		seen, lastErr = sts, nil
		return len(recovering(sts)) == 0
	}, func() string {
		if lastErr != nil {
			return lastErr.Error()
		}
		return fmt.Sprintf("still recovering: %v", recovering(seen))
	})
}

func recovering(states map[string]string) []string {
	var out []string
	for id, st := range states {
		if st == "recovering" {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
