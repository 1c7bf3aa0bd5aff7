package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// searchTarget is where the query set goes: one node holding the whole
// corpus, or one peer in front of sharded nodes.
type searchTarget struct {
	name  string
	c     *client
	uid   string
	procs []*proc // every process that serves its searches, for CPU per search
}

// cpu is the CPU seconds the target's processes used so far.
func (t searchTarget) cpu() float64 { return cpuOf(t.procs...) }

func (t searchTarget) search(ctx context.Context, body []byte) error {
	_, err := t.c.do(ctx, http.MethodPost, searchPath(t.uid), "application/json", body)
	return err
}

type searchFlags struct {
	duration   time.Duration
	concs      string
	pairs      int
	batch      int
	singleOnly bool
	noLatency  bool
}

func runSearch(ctx context.Context, env *benchEnv, args []string) ([]section, error) {
	var sf searchFlags
	fs := env.flags()
	fs.DurationVar(&sf.duration, "duration", 5*time.Second, "length of one closed-loop run")
	fs.StringVar(&sf.concs, "conc", "1,8,32", "concurrency levels, comma-separated")
	fs.IntVar(&sf.pairs, "pairs", 20, "rounds of the query set for the paired overhead measurement")
	fs.IntVar(&sf.batch, "batch", 1000, "documents per batch while loading")
	fs.BoolVar(&sf.singleOnly, "single-only", false, "measure the single node only (no cluster)")
	fs.BoolVar(&sf.noLatency, "overhead-only", false, "skip the closed-loop latency runs: only the paired overhead measurement (and its profile; -keep keeps perf.data)")
	if err := env.parse(fs, args); err != nil {
		return nil, err
	}
	concs, err := parseInts(sf.concs)
	if err != nil {
		return nil, err
	}
	docs, err := env.corpus()
	if err != nil {
		return nil, err
	}
	return searchSections(ctx, env, docs, sf, concs)
}

func searchSections(ctx context.Context, env *benchEnv, docs [][]byte, sf searchFlags, concs []int) ([]section, error) {
	var targets []searchTarget
	if !sf.noLatency {
		single, err := env.startNode(ctx, "single")
		if err != nil {
			return nil, err
		}
		defer single.stop()
		env.logf("loading %d documents into the single node", len(docs))
		if _, err := loadCorpusInto(ctx, single.c, "packages", docs, sf.batch); err != nil {
			return nil, err
		}
		targets = append(targets, searchTarget{name: "single node", c: single.c, uid: "packages", procs: []*proc{single.proc}})
	}
	var err error
	var cl *clusterProcs
	note := ""
	if !sf.singleOnly {
		cl, note, err = startSearchCluster(ctx, env, docs, sf.batch)
		if err != nil {
			return nil, err
		}
		if cl != nil {
			defer stopCluster(cl)
			procs := []*proc{cl.peers[0].proc}
			for _, n := range cl.nodes {
				procs = append(procs, n.proc)
			}
			targets = append(targets, searchTarget{name: "miroir (1 peer, 3 nodes)", c: cl.peers[0].c, uid: "packages", procs: procs})
		}
	}
	var secs []section
	if !sf.noLatency {
		secs = measureSearch(ctx, env, targets, concs, sf.duration, note)
	}
	if cl != nil {
		ov, err := measureOverhead(ctx, env, cl, "packages", sf.pairs)
		if err != nil {
			return nil, err
		}
		secs = append(secs, ov)
	}
	return secs, nil
}

// startSearchCluster starts 3 peers in front of 3 nodes and loads the
// corpus through a peer; without the data path it returns a nil cluster
// and the reason.
func startSearchCluster(ctx context.Context, env *benchEnv, docs [][]byte, batch int) (*clusterProcs, string, error) {
	cl, err := env.startCluster(ctx, "search", clusterOpts{peers: 3, nodes: 3})
	if err != nil {
		return nil, "", err
	}
	if err := cl.dataPath(ctx); err != nil {
		stopCluster(cl)
		return nil, "miroir was not measured: " + err.Error(), nil
	}
	env.logf("loading %d documents through miroir", len(docs))
	if _, err := loadCorpusInto(ctx, cl.peers[0].c, "packages", docs, batch); err != nil {
		stopCluster(cl)
		return nil, "", err
	}
	return cl, "", nil
}

func stopCluster(cl *clusterProcs) {
	for _, p := range cl.peers {
		p.stop()
	}
	for _, n := range cl.nodes {
		n.stop()
	}
}

// latencyCell accumulates one (target, concurrency) cell over runs.
type latencyCell struct {
	p50, p95, p99, rps []float64
	cpuMS              []float64 // CPU ms per search over the target's processes
	errs               int
	firstErr           error
	byItem             [][]time.Duration
}

func measureSearch(ctx context.Context, env *benchEnv, targets []searchTarget, concs []int, d time.Duration, note string) []section {
	start, load0 := time.Now(), loadAvg()
	bodies := make([][]byte, len(querySet))
	for i, q := range querySet {
		bodies[i] = []byte(q.body)
	}
	for _, t := range targets { // warm up caches and connections
		for _, b := range bodies {
			_ = t.search(ctx, b)
		}
	}
	cells := map[string]*latencyCell{}
	for r := range env.runs {
		for _, conc := range concs {
			for _, t := range targets {
				key := t.name + "/" + strconv.Itoa(conc)
				if cells[key] == nil {
					cells[key] = &latencyCell{byItem: make([][]time.Duration, len(bodies))}
				}
				env.logf("search run %d/%d: %s, concurrency %d", r+1, env.runs, t.name, conc)
				cpu0 := t.cpu()
				res := drive(ctx, conc, len(bodies), d, func(ctx context.Context, i int) error { return t.search(ctx, bodies[i]) })
				cells[key].add(res)
				if len(res.lat) > 0 {
					cells[key].cpuMS = append(cells[key].cpuMS, 1000*(t.cpu()-cpu0)/float64(len(res.lat)))
				}
			}
		}
	}
	return []section{
		latencySection(targets, concs, cells, d, env.runs, start, load0, note),
		classSection(targets, concs, cells, start, load0),
	}
}

func (c *latencyCell) add(r loadResult) {
	c.p50 = append(c.p50, ms(pct(r.lat, 50)))
	c.p95 = append(c.p95, ms(pct(r.lat, 95)))
	c.p99 = append(c.p99, ms(pct(r.lat, 99)))
	c.rps = append(c.rps, r.rps())
	c.errs += r.errs
	if c.firstErr == nil {
		c.firstErr = r.firstEr
	}
	for i, l := range r.byItem {
		c.byItem[i] = append(c.byItem[i], l...)
	}
}

func latencySection(targets []searchTarget, concs []int, cells map[string]*latencyCell, d time.Duration, runs int, start time.Time, load0, note string) section {
	var rows [][]string
	var errNotes []string
	for _, conc := range concs {
		base := cells[targets[0].name+"/"+strconv.Itoa(conc)]
		for _, t := range targets {
			c := cells[t.name+"/"+strconv.Itoa(conc)]
			ratio := "1.00"
			if t.name != targets[0].name {
				ratio = f2(median(c.rps) / median(base.rps))
			}
			rows = append(rows, []string{t.name, strconv.Itoa(conc), f2(median(c.p50)), f2(median(c.p95)), f2(median(c.p99)), f0(median(c.rps)), ratio, f2(median(c.cpuMS)), strconv.Itoa(c.errs)})
			if c.firstErr != nil {
				errNotes = append(errNotes, fmt.Sprintf("- %s at %d: %d errors, first: %v", t.name, conc, c.errs, c.firstErr))
			}
		}
	}
	body := fmt.Sprintf("%d queries (%s), closed loop, %s per run, median of %d runs.\n\n", len(querySet), strings.Join(queryClasses, ", "), d, runs)
	body += "CPU ms per search is the user+system time of every process serving the target (the node; or the peer and the 3 nodes) divided by the searches: unlike latency, it hardly depends on how busy the machine is.\n\n"
	body += table([]string{"target", "concurrency", "p50 ms", "p95 ms", "p99 ms", "requests/s", "rps vs single", "CPU ms per search", "errors"}, rows)
	if len(errNotes) > 0 {
		body += "\n" + strings.Join(errNotes, "\n") + "\n"
	}
	if note != "" {
		body += "\n" + note + "\n"
	}
	return section{id: "search-latency", title: "Search latency: single node vs miroir", body: body + stamp(start, load0)}
}

// classSection gives p50/p95 per query class at concurrency 1 against the
// engine budget (issue 3): p50 <= 10 ms and p95 <= 30 ms, <= 75 ms for
// short prefixes and facet-heavy queries.
func classSection(targets []searchTarget, concs []int, cells map[string]*latencyCell, start time.Time, load0 string) section {
	conc := concs[0]
	var rows [][]string
	for _, class := range queryClasses {
		row := []string{class}
		ok := true
		for ti, t := range targets {
			var lat []time.Duration
			for i, q := range querySet {
				if q.class == class {
					lat = append(lat, cells[t.name+"/"+strconv.Itoa(conc)].byItem[i]...)
				}
			}
			s := sortedCopy(lat)
			row = append(row, f2(ms(pct(s, 50))), f2(ms(pct(s, 95))))
			if ti == 0 {
				ok = ms(pct(s, 50)) <= 10 && ms(pct(s, 95)) <= classP95Budget(class)
			}
		}
		rows = append(rows, append(row, fmt.Sprintf("10 / %.0f", classP95Budget(class)), verdict(ok)))
	}
	header := []string{"class"}
	for _, t := range targets {
		header = append(header, t.name+" p50", t.name+" p95")
	}
	header = append(header, "engine budget p50 / p95 ms", "single node")
	body := fmt.Sprintf("Concurrency %d, all runs pooled, milliseconds.\n\n", conc) + table(header, rows)
	return section{id: "search-classes", title: "Search latency by query class", body: body + stamp(start, load0)}
}

func classP95Budget(class string) float64 {
	if class == "prefix" || class == "facet" {
		return 75
	}
	return 30
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("bad number %q in %q", f, s)
		}
		out = append(out, n)
	}
	return out, nil
}
