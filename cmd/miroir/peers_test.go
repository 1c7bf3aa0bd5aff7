package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster"
)

const testAdminKey = "in-process-admin-key-0123"

// waitFor polls cond until it returns nil or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still failing after %v: %v", what, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// call makes an admin API request and decodes the JSON answer into out.
func call(method, url, body string, out any, headers ...string) (http.Header, int, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+testAdminKey)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.Header, resp.StatusCode, fmt.Errorf("%w: %s", err, raw)
		}
	}
	if resp.StatusCode/100 != 2 {
		return resp.Header, resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, raw)
	}
	return resp.Header, resp.StatusCode, nil
}

// clusterView is the part of GET /_miroir/cluster the tests read.
type clusterView struct {
	ID        string `json:"id"`
	State     string `json:"state"`
	Leader    struct{ ID string }
	Voters    int    `json:"voters"`
	FSMDigest string `json:"fsmDigest"`
	FSMIndex  uint64 `json:"fsmAppliedIndex"`
	Nodes     int    `json:"nodes"`
}

func startInProcessPeers(t *testing.T, n int, opts ...func(*peerConfig)) []*peer {
	t.Helper()
	var peers []*peer
	var join []string
	for i := range n {
		p := startInProcessPeer(t, fmt.Sprintf("p%d", i+1), n, join, opts...)
		peers = append(peers, p)
		join = []string{peers[0].cl.GossipAddr()}
	}
	return peers
}

// startInProcessPeer starts one peer on loopback ports and shuts it down at
// the end of the test.
func startInProcessPeer(t *testing.T, id string, expect int, join []string, opts ...func(*peerConfig)) *peer {
	t.Helper()
	cfg := defaultPeerConfig()
	cfg.ID, cfg.DataDir = id, t.TempDir()
	cfg.HTTPAddr, cfg.RaftAddr, cfg.GossipAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.AdminKey, cfg.ClusterKey = testAdminKey, "cluster-key"
	cfg.BootstrapExpect, cfg.Join = expect, join
	for _, o := range opts {
		o(&cfg)
	}
	p, err := newPeer(cfg, slog.New(slog.DiscardHandler), tolerantTestConfig)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopPeer(t, p) })
	return p
}

// stopPeer shuts p down (a no-op when already done).
func stopPeer(t *testing.T, p *peer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	switch err := p.shutdown(ctx); {
	case errors.Is(err, errShutdownStuck):
		// A known raft/cluster hang (a replication pipeline to a peer that
		// stopped); reported to the cluster owner. Not these tests' subject.
		t.Logf("shutdown %s: %v", p.id, err)
	case err != nil:
		t.Errorf("shutdown %s: %v", p.id, err)
	}
}

func TestNodeRegisteredOnAFollowerIsVisibleOnEveryPeer(t *testing.T) {
	peers := startInProcessPeers(t, 3)
	var leader string
	for _, p := range peers {
		waitFor(t, 30*time.Second, p.id+" sees a leader and 3 voters", func() error {
			var v clusterView
			if _, _, err := call("GET", "http://"+p.httpAddr()+"/_miroir/cluster", "", &v); err != nil {
				return err
			}
			if v.Leader.ID == "" || v.Voters != 3 {
				return fmt.Errorf("leader %q, voters %d", v.Leader.ID, v.Voters)
			}
			leader = v.Leader.ID
			return nil
		})
	}
	var follower *peer
	for _, p := range peers {
		if p.id != leader {
			follower = p
		}
	}
	var node struct{ ID, State, ReplicaGroup string }
	h, code, err := call("POST", "http://"+follower.httpAddr()+"/_miroir/nodes",
		`{"id":"n1","address":"http://127.0.0.1:7800","replicaGroup":"g1"}`, &node)
	if err != nil || code != 201 || node.State != "active" || node.ReplicaGroup != "g1" {
		t.Fatalf("register on follower %s: %d %+v %v", follower.id, code, node, err)
	}
	index := h.Get("X-Miroir-Index")
	for _, p := range peers {
		var list struct {
			Results []struct{ ID, State string }
		}
		if _, _, err := call("GET", "http://"+p.httpAddr()+"/_miroir/nodes?index="+index, "", &list); err != nil {
			t.Fatal(err)
		}
		if len(list.Results) != 1 || list.Results[0].ID != "n1" || list.Results[0].State != "active" {
			t.Fatalf("%s after index %s: %+v", p.id, index, list)
		}
	}
	ensureSameDigest(t, peers)
}

// tolerantTestConfig is cluster.TestConfig with raft timers that survive a
// loaded 2-core machine running -race: 50 ms heartbeats flap there.
func tolerantTestConfig(c *cluster.Config) {
	cluster.TestConfig(c)
	c.HeartbeatTimeout, c.ElectionTimeout, c.LeaderLeaseTimeout = 300*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	c.HoldTimeout = 3 * time.Second
}

func ensureSameDigest(t *testing.T, peers []*peer) {
	t.Helper()
	waitFor(t, 10*time.Second, "equal FSM digests", func() error {
		var first clusterView
		for i, p := range peers {
			var v clusterView
			if _, _, err := call("GET", "http://"+p.httpAddr()+"/_miroir/cluster", "", &v); err != nil {
				return err
			}
			if i == 0 {
				first = v
			} else if v.FSMDigest != first.FSMDigest || v.FSMIndex != first.FSMIndex {
				return fmt.Errorf("%s at %d %s, %s at %d %s", first.ID, first.FSMIndex, first.FSMDigest, v.ID, v.FSMIndex, v.FSMDigest)
			}
		}
		return nil
	})
}

func TestWriteWithQuorumLostIs503WithRetryAfter(t *testing.T) {
	peers := startInProcessPeers(t, 3)
	waitForInProcessLeader(t, peers)
	for _, p := range peers[1:] {
		stopPeer(t, p)
	}
	lone := peers[0]
	start := time.Now()
	h, code, err := call("POST", "http://"+lone.httpAddr()+"/_miroir/nodes", `{"id":"n1","address":"http://127.0.0.1:7800"}`, nil)
	if code != 503 || h.Get("Retry-After") == "" || !strings.Contains(fmt.Sprint(err), "miroir_no_leader") {
		t.Fatalf("after %v: %d %v %v", time.Since(start), code, h, err)
	}
	var ready struct{ Status string }
	if _, code, _ := call("GET", "http://"+lone.httpAddr()+"/_miroir/ready", "", &ready); code != 503 {
		t.Fatalf("ready without quorum: %d", code)
	}
}

func TestLeaderThatLeavesIsRemovedFromTheConfiguration(t *testing.T) {
	peers := startInProcessPeers(t, 3)
	waitForInProcessLeader(t, peers)
	var leaving *peer
	for i, p := range peers {
		if p.cl.IsLeader() {
			leaving = p
			peers = append(peers[:i:i], peers[i+1:]...)
			break
		}
	}
	if leaving == nil {
		t.Skip("leadership moved while looking for the leader")
	}
	if _, code, err := call("POST", "http://"+leaving.httpAddr()+"/_miroir/leave", "", nil); code != 200 {
		t.Fatalf("leave: %d %v", code, err)
	}
	// Wait for a new leader: the remaining peers may still name the one that
	// left for a moment.
	waitFor(t, 20*time.Second, "2 voters and a new leader on the remaining peers", func() error {
		for _, p := range peers {
			var v clusterView
			if _, _, err := call("GET", "http://"+p.httpAddr()+"/_miroir/cluster", "", &v); err != nil {
				return err
			}
			if v.Voters != 2 || v.Leader.ID == "" || v.Leader.ID == leaving.id {
				return fmt.Errorf("%s: %d voters, leader %q", p.id, v.Voters, v.Leader.ID)
			}
		}
		return nil
	})
	if _, code, err := call("POST", "http://"+peers[0].httpAddr()+"/_miroir/nodes", `{"id":"n1","address":"http://127.0.0.1:7800"}`, nil); code != 201 {
		t.Fatalf("write after leave: %d %v", code, err)
	}
}

func waitForInProcessLeader(t *testing.T, peers []*peer) {
	t.Helper()
	waitFor(t, 30*time.Second, "a leader and all voters, every peer ready", func() error {
		for _, p := range peers {
			if _, code, err := call("GET", "http://"+p.httpAddr()+"/_miroir/ready", "", nil); code != 200 {
				return fmt.Errorf("%s not ready: %d %v", p.id, code, err)
			}
			var v clusterView
			if _, _, err := call("GET", "http://"+p.httpAddr()+"/_miroir/cluster", "", &v); err != nil {
				return err
			}
			if v.Leader.ID == "" || v.Voters != len(peers) {
				return fmt.Errorf("%s: leader %q, voters %d", p.id, v.Leader.ID, v.Voters)
			}
		}
		return nil
	})
}

func TestOperatorJoinMakesANewPeerAVoter(t *testing.T) {
	peers := startInProcessPeers(t, 3)
	waitForInProcessLeader(t, peers)
	p4 := startInProcessPeer(t, "p4", 0, nil)
	body := fmt.Sprintf(`{"addresses":[%q]}`, peers[1].cl.GossipAddr())
	if _, code, err := call("POST", "http://"+p4.httpAddr()+"/_miroir/peers", body, nil); code != 202 {
		t.Fatalf("join: %d %v", code, err)
	}
	waitForInProcessLeader(t, append(peers, p4))
	ensureSameDigest(t, append(peers, p4))
}

func TestDefaultAPIKeysAreCreatedOnFirstStartWithAMasterKey(t *testing.T) {
	const master = "in-process-master-key-0123"
	peers := startInProcessPeers(t, 3, func(c *peerConfig) { c.MasterKey = master })
	waitForInProcessLeader(t, peers)
	for _, p := range peers {
		waitFor(t, 20*time.Second, p.id+" lists the default keys", func() error {
			req, _ := http.NewRequest("GET", "http://"+p.httpAddr()+"/keys", nil)
			req.Header.Set("Authorization", "Bearer "+master)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			var keys struct {
				Results []struct{ Name string }
			}
			if err := json.NewDecoder(resp.Body).Decode(&keys); err != nil {
				return err
			}
			if len(keys.Results) != 4 {
				return fmt.Errorf("%d: %+v", resp.StatusCode, keys)
			}
			return nil
		})
	}
}
