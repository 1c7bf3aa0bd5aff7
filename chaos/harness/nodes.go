package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
