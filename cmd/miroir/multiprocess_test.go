package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/miroir-search/miroir/chaos"
)

// proc is one `miroir serve` process of the multi-process test.
type proc struct {
	id, http, raft, gossip, ctl, dir, log string
	cmd                                   *exec.Cmd
	done                                  chan error
}

// buildBinary builds the miroir binary, or uses MIROIR_BIN when set (a
// binary built from this tree, e.g. by make build).
func buildBinary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("MIROIR_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "miroir")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// freeAddrs reserves n loopback addresses free for TCP and UDP.
func freeAddrs(t *testing.T, n int) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		a := freeAddr()
		if a == "" {
			t.Fatal("no free port")
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

func (p *proc) start(t *testing.T, bin string, joins []string) {
	t.Helper()
	f, err := os.OpenFile(p.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, "serve", "--id", p.id, "--data-dir", p.dir,
		"--http-addr", p.http, "--raft-addr", p.raft, "--gossip-addr", p.gossip,
		"--bootstrap-expect", "3", "--join", strings.Join(joins, ","),
		"--admin-key", testAdminKey, "--cluster-key", "mp-cluster-key", "--log-level", "info",
		"--chaos-control", p.ctl)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.done = make(chan error, 1)
	go func() { p.done <- p.cmd.Wait(); f.Close() }()
}

func (p *proc) signal(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not exit after %v", p.id, sig)
		return nil
	}
}

func (p *proc) logText(t *testing.T) string {
	b, err := os.ReadFile(p.log)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func startProcs(t *testing.T, bin string) []*proc {
	t.Helper()
	addrs := freeAddrs(t, 12)
	dir := t.TempDir()
	var procs []*proc
	for i := range 3 {
		procs = append(procs, &proc{id: fmt.Sprintf("p%d", i+1), http: addrs[3*i], raft: addrs[3*i+1], gossip: addrs[3*i+2], ctl: addrs[9+i],
			dir: filepath.Join(dir, fmt.Sprintf("p%d", i+1)), log: filepath.Join(dir, fmt.Sprintf("p%d.log", i+1))})
	}
	t.Cleanup(func() {
		for _, p := range procs {
			if p.cmd != nil && p.cmd.ProcessState == nil {
				_ = p.cmd.Process.Kill()
				<-p.done
			}
			if t.Failed() {
				t.Logf("---- %s log tail\n%s", p.id, tail(p.logText(t), 30))
			}
		}
	})
	for _, p := range procs {
		p.start(t, bin, joinsFor(procs, p))
	}
	return procs
}

func joinsFor(procs []*proc, self *proc) []string {
	var out []string
	for _, o := range procs {
		if o != self {
			out = append(out, o.gossip)
		}
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func status(p *proc) (clusterView, error) {
	var v clusterView
	_, _, err := call("GET", "http://"+p.http+"/_miroir/cluster", "", &v)
	return v, err
}

func registerNode(t *testing.T, procs []*proc, id string) {
	t.Helper()
	body := fmt.Sprintf(`{"id":%q,"address":"http://127.0.0.1:1/%s"}`, id, id)
	waitFor(t, 30*time.Second, "register "+id, func() error {
		var lastErr error
		for _, p := range procs {
			_, code, err := call("POST", "http://"+p.http+"/_miroir/nodes", body, nil)
			if err == nil || code == 409 { // 409: a retried registration that had committed
				return nil
			}
			lastErr = err
		}
		return lastErr
	})
}

// TestLeaderKilledAndRestartedRejoinsWithoutRebootstrapping runs real
// processes. It builds the miroir binary each run unless MIROIR_BIN names
// one already built from this tree (the Makefile sets it after `make
// build`: MIROIR_BIN=$PWD/bin/miroir), which saves the build time.
func TestLeaderKilledAndRestartedRejoinsWithoutRebootstrapping(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test builds the binary and runs 3 peers")
	}
	start := time.Now()
	phase := func(what string) { t.Logf("%-28s at %v", what, time.Since(start).Round(time.Millisecond)) }
	bin := buildBinary(t)
	phase("binary ready")
	procs := startProcs(t, bin)
	leaderID := waitForLeader(t, procs, "")
	phase("leader elected")
	for _, p := range procs {
		if _, err := (chaos.ControlClient{Addr: p.ctl}).Stats(context.Background()); err != nil {
			t.Fatalf("%s chaos control: %v", p.id, err)
		}
	}
	registerNode(t, procs, "n1")
	registerNode(t, procs, "n2")

	var killed *proc
	for _, p := range procs {
		if p.id == leaderID {
			killed = p
		}
	}
	_ = killed.signal(t, syscall.SIGKILL)
	phase("leader killed")
	survivors := without(procs, killed)
	waitForLeader(t, survivors, killed.id)
	phase("new leader")
	registerNode(t, survivors, "n3")

	before := strings.Count(killed.logText(t), "bootstrapped cluster")
	killed.start(t, bin, joinsFor(procs, killed))
	// Once ready, the restarted peer must answer with everything committed
	// before it became ready: no stale reads from its pre-crash state.
	waitFor(t, 60*time.Second, killed.id+" ready", func() error {
		_, code, err := call("GET", "http://"+killed.http+"/_miroir/ready", "", nil)
		if code != 200 {
			return fmt.Errorf("%d %v", code, err)
		}
		return nil
	})
	var list struct{ Total int }
	if _, _, err := call("GET", "http://"+killed.http+"/_miroir/nodes", "", &list); err != nil || list.Total != 3 {
		t.Fatalf("%s right after ready: %d nodes, %v", killed.id, list.Total, err)
	}
	phase("restarted peer ready")
	waitConverged(t, procs, 3)
	phase("converged after restart")
	if after := strings.Count(killed.logText(t), "bootstrapped cluster"); after != before {
		t.Fatalf("%s bootstrapped again after restart", killed.id)
	}
	for _, p := range procs {
		if err := p.signal(t, syscall.SIGTERM); err != nil {
			t.Fatalf("%s exited uncleanly on SIGTERM: %v", p.id, err)
		}
	}
	phase("all stopped")
}

func without(procs []*proc, x *proc) []*proc {
	var out []*proc
	for _, p := range procs {
		if p != x {
			out = append(out, p)
		}
	}
	return out
}

// waitForLeader waits until every proc reports the same leader (not
// notID) and three voters, and returns the leader's id.
func waitForLeader(t *testing.T, procs []*proc, notID string) string {
	t.Helper()
	var leader string
	waitFor(t, 60*time.Second, "a leader on every peer", func() error {
		leader = ""
		for _, p := range procs {
			v, err := status(p)
			if err != nil {
				return err
			}
			if v.Leader.ID == "" || v.Leader.ID == notID || v.Voters != 3 || (leader != "" && v.Leader.ID != leader) {
				return fmt.Errorf("%s: leader %q, voters %d", p.id, v.Leader.ID, v.Voters)
			}
			leader = v.Leader.ID
		}
		return nil
	})
	return leader
}

// waitConverged waits until every peer has the same FSM digest and index
// and lists nodes registered nodes.
func waitConverged(t *testing.T, procs []*proc, nodes int) {
	t.Helper()
	waitFor(t, 60*time.Second, "converged FSMs", func() error {
		var first clusterView
		for i, p := range procs {
			v, err := status(p)
			if err != nil {
				return err
			}
			if v.Leader.ID == "" || v.Nodes != nodes {
				return fmt.Errorf("%s: leader %q, %d nodes", p.id, v.Leader.ID, v.Nodes)
			}
			if i == 0 {
				first = v
			} else if v.FSMDigest != first.FSMDigest || v.FSMIndex != first.FSMIndex {
				return fmt.Errorf("%s at %d, %s at %d: digests differ", first.ID, first.FSMIndex, v.ID, v.FSMIndex)
			}
		}
		return nil
	})
}
