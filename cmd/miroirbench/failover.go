package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// tunedRaftArgs is the tuned configuration measured next to the defaults
// (500 ms each): raft notices a dead leader and elects sooner, at the cost
// of spurious elections when a loaded machine delays heartbeats.
const tunedRaftArgs = "--raft-heartbeat-timeout 300ms --raft-election-timeout 300ms --raft-lease-timeout 300ms"

type failoverFlags struct {
	trials    int
	tunedArgs string
}

func runFailover(ctx context.Context, env *benchEnv, args []string) ([]section, error) {
	var f failoverFlags
	fs := env.flags()
	fs.IntVar(&f.trials, "trials", 10, "leader kills per configuration")
	fs.StringVar(&f.tunedArgs, "tuned-args", tunedRaftArgs, "extra `miroir serve` flags for a second configuration with tuned timeouts (\"\": skipped)")
	if err := env.parse(fs, args); err != nil {
		return nil, err
	}
	return failoverSections(ctx, env, f)
}

func failoverSections(ctx context.Context, env *benchEnv, f failoverFlags) ([]section, error) {
	start, load0 := time.Now(), loadAvg()
	configs := []struct{ name, args string }{{"default timeouts (500 ms)", ""}}
	if f.tunedArgs != "" {
		configs = append(configs, struct{ name, args string }{"tuned: " + f.tunedArgs, f.tunedArgs})
	}
	var rows [][]string
	var notes []string
	for _, c := range configs {
		times, how, err := failoverTrials(ctx, env, strings.Fields(c.args), f.trials)
		if err != nil && c.args != "" && len(rows) > 0 {
			// The tuned flags may not exist in the binary measured (-ref):
			// keep the default figures.
			notes = append(notes, fmt.Sprintf("- %s: not measured: %s", c.name, firstLine(err)))
			continue
		}
		if err != nil {
			return nil, err
		}
		s := slices.Clone(times)
		slices.Sort(s)
		rows = append(rows, []string{c.name, how, fmt.Sprint(len(s)), f2(pct(s, 50).Seconds()), f2(pct(s, 90).Seconds()), f2(s[len(s)-1].Seconds()),
			"p50 <= 3 s: " + verdict(pct(s, 50) <= 3*time.Second)})
		notes = append(notes, fmt.Sprintf("- %s, every trial (s): %s", c.name, secondsList(times)))
	}
	body := "3 `miroir serve` processes; each trial SIGKILLs the leader and times until the first write through a surviving peer succeeds (writers retry on both survivors; a write held while no leader exists counts when it completes). The killed peer is restarted on its data dir before the next trial.\n\n"
	body += table([]string{"configuration", "write", "trials", "p50 s", "p90 s", "max s", "budget"}, rows)
	body += "\n" + strings.Join(notes, "\n") + "\n"
	return []section{{id: "failover", title: "Failover: leader SIGKILL to writes flowing", body: body + stamp(start, load0)}}, nil
}

// failoverTrials runs the trials on one fresh cluster and returns each
// trial's time and what kind of write was used.
func failoverTrials(ctx context.Context, env *benchEnv, peerArgs []string, trials int) ([]time.Duration, string, error) {
	cl, err := env.startCluster(ctx, "failover", clusterOpts{peers: 3, nodes: 1, peerArgs: peerArgs})
	if err != nil {
		return nil, "", err
	}
	defer stopCluster(cl)
	w, err := newFailoverWriter(ctx, cl)
	if err != nil {
		return nil, "", err
	}
	var out []time.Duration
	for t := range trials {
		d, killed, err := failoverTrial(ctx, cl, w)
		if err != nil {
			return nil, "", fmt.Errorf("trial %d: %w", t+1, err)
		}
		env.logf("failover trial %d/%d: %s (killed %s)", t+1, trials, d.Round(time.Millisecond), killed)
		out = append(out, d)
	}
	return out, w.kind, nil
}

// failoverWriter issues unique writes through a chosen peer: a one-document
// write through the Meilisearch API when the peers serve it, else a node
// registration through the admin API (both commit one raft entry before
// answering).
type failoverWriter struct {
	kind string
	n    atomic.Int64
}

func newFailoverWriter(ctx context.Context, cl *clusterProcs) (*failoverWriter, error) {
	if cl.dataPath(ctx) != nil {
		return &failoverWriter{kind: "admin node registration"}, nil
	}
	if err := createIndex(ctx, cl.peers[0].c, "failover"); err != nil {
		return nil, err
	}
	return &failoverWriter{kind: "one-document write"}, nil
}

func (w *failoverWriter) write(ctx context.Context, p *peerProc) error {
	i := w.n.Add(1)
	if w.kind == "one-document write" {
		_, err := p.c.postJSON(ctx, "/indexes/failover/documents", []byte(fmt.Sprintf(`[{"id":"w%d","n":%d}]`, i, i)))
		return err
	}
	spec := map[string]string{"id": fmt.Sprintf("fake%d", i), "address": "http://127.0.0.1:9", "replicaGroup": "fake"}
	_, err := p.admin.postJSON(ctx, "/_miroir/nodes", spec)
	return err
}

func failoverTrial(ctx context.Context, cl *clusterProcs, w *failoverWriter) (time.Duration, string, error) {
	leader, err := healthyLeader(ctx, cl, w)
	if err != nil {
		return 0, "", err
	}
	var survivors []*peerProc
	for _, p := range cl.peers {
		if p != leader {
			survivors = append(survivors, p)
		}
	}
	t0 := time.Now()
	leader.kill()
	d, err := firstWrite(ctx, survivors, w, t0)
	if err != nil {
		return 0, leader.id, err
	}
	if err := leader.restart(); err != nil {
		return 0, leader.id, err
	}
	return d, leader.id, waitFor(ctx, 60*time.Second, leader.id+" ready after restart", func() error { _, err := leader.leaderID(ctx); return err })
}

// healthyLeader waits until every peer knows the same alive leader and a
// write through a follower succeeds.
func healthyLeader(ctx context.Context, cl *clusterProcs, w *failoverWriter) (*peerProc, error) {
	var leader *peerProc
	err := waitFor(ctx, 60*time.Second, "a healthy cluster", func() error {
		l, err := cl.leader(ctx)
		if err != nil {
			return err
		}
		for _, p := range cl.peers {
			if id, err := p.leaderID(ctx); err != nil || id != l.id {
				return fmt.Errorf("%s sees leader %q (%v)", p.id, id, err)
			}
		}
		// A write through every follower: a restarted peer that answers
		// HTTP but has not rejoined raft must not count as healthy.
		for _, p := range cl.peers {
			if p == l {
				continue
			}
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := w.write(wctx, p)
			cancel()
			if err != nil {
				return fmt.Errorf("write through %s: %w", p.id, err)
			}
		}
		leader = l
		return nil
	})
	if err != nil {
		for _, p := range cl.peers {
			err = fmt.Errorf("%w\n%s log (%s):\n%s", err, p.id, p.log, p.tail())
		}
	}
	return leader, err
}

// firstWrite retries writes on every survivor until one succeeds and
// returns the time since t0.
func firstWrite(ctx context.Context, survivors []*peerProc, w *failoverWriter, t0 time.Time) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	var once sync.Once
	var first time.Duration
	var wg sync.WaitGroup
	for _, p := range survivors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if err := w.write(ctx, p); err == nil {
					once.Do(func() { first = time.Since(t0); cancel() })
					return
				}
				select {
				case <-ctx.Done():
				case <-time.After(10 * time.Millisecond):
				}
			}
		}()
	}
	wg.Wait()
	if first == 0 {
		return 0, errors.New("no write succeeded within 60 s of the kill")
	}
	return first, nil
}

func secondsList(ds []time.Duration) string {
	var s []string
	for _, d := range ds {
		s = append(s, f2(d.Seconds()))
	}
	return strings.Join(s, ", ")
}
