package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Keys of the processes the driver starts; loopback only, throwaway data.
const (
	benchMasterKey  = "miroirbench-master-key-0123456789"
	benchNodeKey    = "miroirbench-node-key-0123456789"
	benchAdminKey   = "miroirbench-admin-key-0123456789"
	benchClusterKey = "miroirbench-cluster-key-0123456789"
)

// nodeProc is one `miroir node` process.
type nodeProc struct {
	*proc
	id   string
	addr string
	dir  string
	c    *client
}

// startNode starts one engine node with its own data dir and waits for
// /health.
func (e *benchEnv) startNode(ctx context.Context, id string) (*nodeProc, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	dir, err := e.dir("data", id)
	if err != nil {
		return nil, err
	}
	p, err := e.spawn(id, "node", "--http-addr", addr, "--data-dir", dir, "--master-key", benchNodeKey, "--log-level", "warn")
	if err != nil {
		return nil, err
	}
	n := &nodeProc{proc: p, id: id, addr: addr, dir: dir, c: newClient("http://"+addr, benchNodeKey)}
	if err := waitFor(ctx, 30*time.Second, id+" healthy", func() error { return n.c.healthy(ctx) }); err != nil {
		return nil, fmt.Errorf("%w\n%s", err, p.tail())
	}
	return n, nil
}

// peerProc is one `miroir serve` process.
type peerProc struct {
	*proc
	id                 string
	http, raft, gossip string
	dir                string
	c                  *client // Meilisearch API, master key
	admin              *client // admin API
}

// clusterOpts shapes a cluster: peers in front of nodes.
type clusterOpts struct {
	peers, nodes int
	// peerArgs are extra `miroir serve` flags (timeouts, replication).
	peerArgs []string
}

type clusterProcs struct {
	peers []*peerProc
	nodes []*nodeProc
}

// startCluster starts the nodes, then the peers (the first bootstraps with
// the others, which join its gossip address), waits until every peer
// knows a leader and registers the nodes like an operator would.
func (e *benchEnv) startCluster(ctx context.Context, name string, o clusterOpts) (*clusterProcs, error) {
	cl := &clusterProcs{}
	for i := range o.nodes {
		n, err := e.startNode(ctx, fmt.Sprintf("%s-node%d", name, i+1))
		if err != nil {
			return nil, err
		}
		cl.nodes = append(cl.nodes, n)
	}
	for i := range o.peers {
		p, err := e.startPeer(ctx, name, i, cl.peers, o)
		if err != nil {
			return nil, err
		}
		cl.peers = append(cl.peers, p)
	}
	for _, p := range cl.peers {
		if err := waitFor(ctx, 60*time.Second, p.id+" ready", func() error { _, err := p.leaderID(ctx); return err }); err != nil {
			return nil, fmt.Errorf("%w\n%s", err, p.tail())
		}
	}
	for _, n := range cl.nodes {
		if err := cl.registerNode(ctx, n); err != nil {
			return nil, err
		}
	}
	return cl, nil
}

func (e *benchEnv) startPeer(ctx context.Context, name string, i int, before []*peerProc, o clusterOpts) (*peerProc, error) {
	id := fmt.Sprintf("peer%d", i+1)
	var addrs [3]string
	for k := range addrs {
		a, err := freeAddr()
		if err != nil {
			return nil, err
		}
		addrs[k] = a
	}
	dir, err := e.dir("data", name+"-"+id)
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--id", id, "--data-dir", dir,
		"--http-addr", addrs[0], "--raft-addr", addrs[1], "--gossip-addr", addrs[2],
		"--bootstrap-expect", strconv.Itoa(o.peers),
		"--admin-key", benchAdminKey, "--cluster-key", benchClusterKey,
		"--master-key", benchMasterKey, "--node-key", benchNodeKey, "--log-level", "warn"}
	if len(before) > 0 {
		args = append(args, "--join", before[0].gossip)
	}
	args = append(args, o.peerArgs...)
	p, err := e.spawn(name+"-"+id, args...)
	if err != nil {
		return nil, err
	}
	return &peerProc{proc: p, id: id, http: addrs[0], raft: addrs[1], gossip: addrs[2], dir: dir,
		c: newClient("http://"+addrs[0], benchMasterKey), admin: newClient("http://"+addrs[0], benchAdminKey)}, nil
}

// leaderID asks the peer's readiness probe which peer leads.
func (p *peerProc) leaderID(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	out, err := p.admin.do(ctx, http.MethodGet, "/_miroir/ready", "", nil)
	if err != nil {
		return "", err
	}
	var r struct {
		Leader string `json:"leader"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		return "", err
	}
	if r.Leader == "" {
		return "", errors.New("no leader known")
	}
	return r.Leader, nil
}

func (cl *clusterProcs) registerNode(ctx context.Context, n *nodeProc) error {
	spec := map[string]string{"id": n.id, "address": "http://" + n.addr, "replicaGroup": "0"}
	return waitFor(ctx, 30*time.Second, "register "+n.id, func() error {
		_, err := cl.peers[0].admin.postJSON(ctx, "/_miroir/nodes", spec)
		var he *httpError
		if errors.As(err, &he) && he.status == http.StatusConflict {
			return nil
		}
		return err
	})
}

// leader returns the peer process that leads, as the alive peers see it.
func (cl *clusterProcs) leader(ctx context.Context) (*peerProc, error) {
	for _, p := range cl.peers {
		if !p.alive() {
			continue
		}
		id, err := p.leaderID(ctx)
		if err != nil {
			continue
		}
		for _, q := range cl.peers {
			if q.id == id && q.alive() {
				return q, nil
			}
		}
	}
	return nil, errors.New("no alive peer knows an alive leader")
}

// dataPath reports whether the peers serve the Meilisearch API yet.
func (cl *clusterProcs) dataPath(ctx context.Context) error {
	_, err := cl.peers[0].c.indexUIDs(ctx)
	if err != nil {
		return fmt.Errorf("the peers do not serve the Meilisearch API (GET /indexes: %w)", err)
	}
	return nil
}
