package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
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
	p, err := e.spawn(id, "node", "--http-addr", addr, "--data-dir", dir, "--master-key", benchNodeKey, "--log-level", e.logLevel)
	if err != nil {
		return nil, err
	}
	n := &nodeProc{proc: p, id: id, addr: addr, dir: dir, c: newClient("http://"+addr, benchNodeKey)}
	if err := waitFor(ctx, 30*time.Second, id+" healthy", func() error {
		if !p.alive() {
			return stopped{fmt.Errorf("%s exited: %s", id, p.tail())}
		}
		return n.c.healthy(ctx)
	}); err != nil {
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
	// groups is the replica group of each node, by index; nil puts every
	// node in group "0".
	groups []string
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
	addrs := make([][3]string, o.peers)
	for i := range addrs {
		for k := range addrs[i] {
			a, err := freeAddr()
			if err != nil {
				return nil, err
			}
			addrs[i][k] = a
		}
	}
	for i := range o.peers {
		p, err := e.startPeer(name, i, addrs, o)
		if err != nil {
			return nil, err
		}
		cl.peers = append(cl.peers, p)
	}
	for _, p := range cl.peers {
		if err := waitFor(ctx, 60*time.Second, p.id+" ready", func() error { return p.ready(ctx) }); err != nil {
			return nil, fmt.Errorf("%w\n%s", err, p.tail())
		}
	}
	for i, n := range cl.nodes {
		group := "0"
		if i < len(o.groups) {
			group = o.groups[i]
		}
		if err := cl.registerNode(ctx, n, group); err != nil {
			return nil, err
		}
	}
	return cl, nil
}

// startPeer starts peer i of addrs (http, raft, gossip) with every other
// peer's gossip address in --join, as docs/operations.md deploys them: a
// restarted peer finds the others again through that list.
func (e *benchEnv) startPeer(name string, i int, addrs [][3]string, o clusterOpts) (*peerProc, error) {
	id := fmt.Sprintf("peer%d", i+1)
	mine := addrs[i]
	dir, err := e.dir("data", name+"-"+id)
	if err != nil {
		return nil, err
	}
	args := []string{"serve", "--id", id, "--data-dir", dir,
		"--http-addr", mine[0], "--raft-addr", mine[1], "--gossip-addr", mine[2],
		"--bootstrap-expect", strconv.Itoa(o.peers),
		"--admin-key", benchAdminKey, "--cluster-key", benchClusterKey,
		"--master-key", benchMasterKey, "--node-key", benchNodeKey, "--log-level", e.logLevel}
	var join []string
	for k, a := range addrs {
		if k != i {
			join = append(join, a[2])
		}
	}
	if len(join) > 0 {
		args = append(args, "--join", strings.Join(join, ","))
	}
	args = append(args, o.peerArgs...)
	p, err := e.spawn(name+"-"+id, args...)
	if err != nil {
		return nil, err
	}
	return &peerProc{proc: p, id: id, http: mine[0], raft: mine[1], gossip: mine[2], dir: dir,
		c: newClient("http://"+mine[0], benchMasterKey), admin: newClient("http://"+mine[0], benchAdminKey)}, nil
}

// ready is nil once the peer knows a leader; a peer that exited is an
// error at once (a flag it refuses, say).
func (p *peerProc) ready(ctx context.Context) error {
	if !p.alive() {
		return stopped{fmt.Errorf("%s exited: %s", p.id, p.tail())}
	}
	_, err := p.leaderID(ctx)
	return err
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

func (cl *clusterProcs) registerNode(ctx context.Context, n *nodeProc, group string) error {
	spec := map[string]string{"id": n.id, "address": "http://" + n.addr, "replicaGroup": group}
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

// procs lists every process of the cluster.
func (cl *clusterProcs) procs() []*proc {
	var out []*proc
	for _, p := range cl.peers {
		out = append(out, p.proc)
	}
	for _, n := range cl.nodes {
		out = append(out, n.proc)
	}
	return out
}

// peerProcs lists the peers' processes.
func (cl *clusterProcs) peerProcs() []*proc {
	var out []*proc
	for _, p := range cl.peers {
		out = append(out, p.proc)
	}
	return out
}
