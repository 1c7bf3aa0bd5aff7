package scenario

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/miroir-search/miroir/chaos/harness"
	"github.com/miroir-search/miroir/chaos/history"
	"github.com/miroir-search/miroir/chaos/workload"
)

// Scenario is one named, seeded fault schedule.
type Scenario struct {
	Name string
	// Seed fixes the workload's choices and the fault targets' tie-breaks.
	Seed uint64
	// Peers, Nodes, RF and Groups shape the cluster. Defaults 3, 3, 2, 1.
	Peers, Nodes, RF, Groups int
	// NodeProxies fronts every engine node with a harness.NodeProxy (for
	// latency and error faults).
	NodeProxies bool
	// Chaos says the faults need the transport decorators
	// (`miroir serve --chaos-control`).
	Chaos bool
	// Data says the scenario is about the data path (engine nodes, documents)
	// and cannot run in admin mode.
	Data bool
	// Warmup runs the workload before the first fault; Duration is the whole
	// workload, faults included. Defaults 2 s and 14 s.
	Warmup, Duration time.Duration
	// Faults injects the scenario's faults and returns once it has undone
	// them (or left them for the heal step). It must return before ctx ends.
	Faults func(ctx context.Context, r *Run) error
	// Budgets are liveness limits checked on the report (DESIGN §12).
	Budgets Budgets
	// Mix overrides the workload's operation mix in data mode (nil: the
	// default DataMix).
	Mix *workload.Mix
	// Baseline runs the workload straight against one engine node, without
	// miroir: every checker must pass there, which proves the workload and
	// the checkers (and the engine) before miroir is judged.
	Baseline bool
}

// Budgets are the liveness promises a scenario holds the cluster to. Zero
// means not checked.
type Budgets struct {
	// WriteRecovery bounds the time from the first fault to the first write
	// invoked after it that succeeds.
	WriteRecovery time.Duration
	// NoFailedSearches demands that no search fail or time out.
	NoFailedSearches bool
}

func (s *Scenario) defaults() {
	if s.Peers == 0 {
		s.Peers = 3
	}
	if s.Nodes == 0 {
		s.Nodes = 3
	}
	if s.RF == 0 {
		s.RF = 2
	}
	if s.Groups == 0 {
		s.Groups = 1
	}
	if s.Warmup == 0 {
		s.Warmup = 2 * time.Second
	}
	if s.Duration == 0 {
		s.Duration = 14 * time.Second
	}
}

// Run is one execution of a scenario: what the fault functions act on.
type Run struct {
	T    testing.TB
	Sc   Scenario
	C    *harness.Cluster
	H    *history.History
	W    *workload.Workload
	Rng  *rand.Rand
	Mode string // "data" or "admin"

	mu      sync.Mutex // guards Rng and faultAt: faults may run together
	faultAt []int64
	runFrom int64 // history time the workload started (after setup)
}

// intn is a seeded choice, safe for concurrent fault schedules.
func (r *Run) intn(n int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.Rng.IntN(n)
}

// Note records a fault event in the history; Fault also marks it as a fault
// start, from which recovery is measured.
func (r *Run) Note(format string, args ...any) {
	r.H.Note(format, args...)
	r.T.Logf("%s: "+format, append([]any{r.Sc.Name}, args...)...)
}

// Fault records the start of a fault.
func (r *Run) Fault(format string, args ...any) {
	r.mu.Lock()
	r.faultAt = append(r.faultAt, r.H.Now())
	r.mu.Unlock()
	r.Note(format, args...)
}

// Hold keeps a fault in place for d (or until ctx ends). It is the fault's
// duration, not a wait for the system to settle.
func Hold(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Capabilities are what the binary under test supports.
type Capabilities struct {
	Binary string
	Nodes  bool // `miroir node`
	Chaos  bool // `miroir serve --chaos-control`
}

// Probe inspects a built binary.
func Probe(binary string) Capabilities {
	return Capabilities{
		Binary: binary,
		Nodes:  harness.Supports(binary, "node", "--data-dir"),
		Chaos:  harness.Supports(binary, "serve", "--chaos-control"),
	}
}

// Execute runs sc against a fresh cluster and returns its report. Safety
// violations are reported, not fatal: the caller decides (see Report.Err).
func Execute(t testing.TB, caps Capabilities, sc Scenario) Report {
	sc.defaults()
	rep := Report{Name: sc.Name, Seed: sc.Seed}
	if sc.Chaos && !caps.Chaos {
		rep.Skipped = "needs network fault hooks: `miroir serve --chaos-control <addr>` (cmd) wiring cluster.Config.WrapStreamLayer/WrapTransport to chaos.NewFaultyStreamLayer/NewFaultyTransport"
		return rep
	}
	if (sc.Data || sc.Baseline) && !caps.Nodes {
		rep.Skipped = "needs engine nodes: `miroir node --http-addr --data-dir --master-key` (engine + cmd)"
		return rep
	}
	ctx, cancel := context.WithTimeout(context.Background(), sc.Duration+3*time.Minute)
	defer cancel()
	cfg := harness.DefaultConfig()
	cfg.Dir, cfg.Binary, cfg.Peers, cfg.RF, cfg.Chaos = t.TempDir(), caps.Binary, sc.Peers, sc.RF, sc.Chaos
	cfg.Groups, cfg.NodeProxies = sc.Groups, sc.NodeProxies
	cfg.Nodes = 0
	if caps.Nodes {
		cfg.Nodes = sc.Nodes
	}
	if sc.Baseline {
		cfg.Peers, cfg.Nodes = 0, 1
	}
	c := harness.StartT(t, ctx, cfg)
	r := &Run{T: t, Sc: sc, C: c, H: history.New(), Rng: rand.New(rand.NewPCG(sc.Seed, 99)), Mode: "admin"}
	if err := r.prepare(ctx); err != nil {
		rep.Err = err.Error()
		return rep
	}
	if sc.Data && r.Mode != "data" {
		rep.Skipped = "needs the data path: the peers do not serve the Meilisearch routes yet (proxy + admin)"
		return rep
	}
	start := time.Now()
	r.drive(ctx)
	rep.fill(r, ctx, time.Since(start))
	rep.LogDir = filepath.Clean(cfg.Dir)
	if dir := os.Getenv("MIROIR_CHAOS_ARTIFACTS"); dir != "" {
		if err := SaveArtifacts(dir, r); err != nil {
			t.Logf("save artifacts: %v", err)
		} else {
			rep.LogDir = filepath.Join(dir, sc.Name)
		}
	}
	return rep
}

// prepare registers the nodes and sets the workload up; the mode is "data"
// when the peers answer the Meilisearch routes.
func (r *Run) prepare(ctx context.Context) error {
	c := r.C
	peers := make([]string, len(c.Peers))
	for i, p := range c.Peers {
		peers[i] = p.HTTPAddr
	}
	wc := workload.DefaultConfig()
	wc.Peers, wc.MasterKey, wc.AdminKey = peers, c.Cfg.MasterKey, c.Cfg.AdminKey
	wc.Seed, wc.Name = r.Sc.Seed, "chaos"
	if r.Sc.Baseline {
		r.Mode = "baseline"
		wc.Peers, wc.MasterKey = []string{c.Nodes[0].HTTPAddr}, c.Cfg.NodeKey
	} else if len(c.Nodes) > 0 && servesMeilisearch(ctx, c) {
		if r.Sc.Mix != nil {
			wc.Mix = *r.Sc.Mix
		}
		r.Mode = "data"
		if err := c.RegisterNodes(ctx); err != nil {
			return err
		}
	} else {
		wc.Mix, wc.DocIndexes, wc.MetaIndexes, wc.Doomed = workload.AdminMix(), 0, 0, false
	}
	w, err := workload.New(wc, r.H)
	if err != nil {
		return err
	}
	r.W = w
	if r.Mode != "admin" {
		return w.Setup(ctx)
	}
	return nil
}

// servesMeilisearch reports whether a peer answers GET /indexes.
func servesMeilisearch(ctx context.Context, c *harness.Cluster) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Peers[0].HTTPAddr+"/indexes", nil)
	if err != nil {
		return false
	}
	req.Header.Set("Authorization", "Bearer "+c.Cfg.MasterKey)
	resp, err := (&http.Client{Timeout: 2 * time.Second}).Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// drive runs the workload for the scenario's duration with the faults
// injected after the warmup, then heals everything.
func (r *Run) drive(ctx context.Context) {
	wctx, stop := context.WithTimeout(ctx, r.Sc.Duration)
	defer stop()
	r.runFrom = r.H.Now()
	done := make(chan struct{})
	go func() { r.W.Run(wctx); close(done) }()
	Hold(wctx, r.Sc.Warmup)
	if r.Sc.Faults != nil && wctx.Err() == nil {
		if err := r.Sc.Faults(wctx, r); err != nil {
			r.Note("fault schedule error: %v", err)
		}
	}
	r.Heal(ctx)
	<-done
	r.Note("workload stopped")
	r.waitRepaired(ctx)
}

// RepairBound is how long a run waits, once the workload has stopped, for
// the leader to repair the nodes that missed writes (no node `recovering`)
// before the final state is read. Past it the checkers judge what is there.
const RepairBound = 30 * time.Second

// waitRepaired keeps a repair still under way from being reported as
// divergent replicas; a repair that outlasts RepairBound is noted.
func (r *Run) waitRepaired(ctx context.Context) {
	if r.Mode != "data" || len(r.C.Nodes) == 0 {
		return
	}
	start := time.Now()
	if err := r.C.WaitNoneRecovering(ctx, RepairBound); err != nil {
		r.Note("repair not finished before the checks: %v", err)
		return
	}
	r.Note("no node recovering after %.2fs", time.Since(start).Seconds())
}

// leader returns the current leader, waiting for one.
func (r *Run) leader(ctx context.Context) (*harness.Proc, error) {
	p, err := r.C.WaitLeader(ctx)
	if err != nil {
		return nil, fmt.Errorf("no leader: %w", err)
	}
	return p, nil
}
