package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// goBench is one `go test -bench` invocation of another package's
// benchmarks; the driver runs them and reports, it does not own them.
type goBench struct {
	pkg, pattern, benchtime string
	budgets                 []budget
}

// budget is a DESIGN §12 figure a benchmark metric is held to.
type budget struct {
	bench, unit string // bench is the name without the -GOMAXPROCS suffix
	limit       float64
	atMost      bool
	label       string
}

func (b budget) ok(v float64) bool {
	if b.atMost {
		return v <= b.limit
	}
	return v >= b.limit
}

func goBenches() []goBench {
	return []goBench{
		{pkg: "./cluster/", pattern: "^BenchmarkApplyConcurrent$", benchtime: "2s", budgets: []budget{
			{"BenchmarkApplyConcurrent/leader/proposers=64", "commits/s", 2000, false, ">= 2,000 registrations/s at 64 proposers"},
			{"BenchmarkApplyConcurrent/follower/proposers=64", "commits/s", 2000, false, ">= 2,000 registrations/s at 64 proposers"},
		}},
		// Real fsm task registrations, coalescing off (batch=1) and on
		// (batch=128), in the same run.
		{pkg: "./cluster/", pattern: "^BenchmarkRegisterTasksConcurrent$", benchtime: "2s", budgets: []budget{
			{"BenchmarkRegisterTasksConcurrent/batch=128/leader/proposers=64", "commits/s", 2000, false, ">= 2,000 registrations/s at 64 proposers"},
			{"BenchmarkRegisterTasksConcurrent/batch=128/follower/proposers=64", "commits/s", 2000, false, ">= 2,000 registrations/s at 64 proposers"},
		}},
		{pkg: "./fsm/", pattern: "^BenchmarkApplyRegisterTask", benchtime: "1s"},
		// Merge (parsed answers -> client bytes), the one pass over a node
		// answer, and the whole answer path against encoding/json.
		{pkg: "./proxy/", pattern: "^Benchmark(Merge|ParseNodeAnswer|SearchAnswer)", benchtime: "1s", budgets: []budget{
			{"BenchmarkMerge3x1000", "ns/op", 200000, true, "< 0.2 ms per merge of 3 x 1,000 hits"},
			{"BenchmarkMerge3x1000", "cpu-ns/op", 200000, true, "< 0.2 ms of CPU per merge of 3 x 1,000 hits"},
		}},
		{pkg: "./proxy/", pattern: "^BenchmarkSearch(Direct|ThroughProxy)$", benchtime: "2s"},
		{pkg: "./engine/index/", pattern: "^BenchmarkIndexCorpus$", benchtime: "1x", budgets: []budget{
			{"BenchmarkIndexCorpus", "docs/s", 5000, false, ">= 5,000 docs/s indexing"},
		}},
		{pkg: "./engine/index/", pattern: "^BenchmarkSearch$", benchtime: "320x", budgets: []budget{
			{"BenchmarkSearch", "p50-ms", 10, true, "search p50 <= 10 ms"},
			{"BenchmarkSearch", "p95-ms", 30, true, "search p95 <= 30 ms"},
		}},
	}
}

func runGoBench(ctx context.Context, env *benchEnv, args []string) ([]section, error) {
	var only string
	var profile bool
	fs := env.flags()
	fs.StringVar(&only, "only", "", "run only the packages whose path contains this")
	fs.BoolVar(&profile, "profile", true, "on a missed budget, profile that benchmark and add the pprof top entries")
	if err := env.parse(fs, args); err != nil {
		return nil, err
	}
	return goBenchSections(ctx, env, only, env.runs, profile)
}

// metrics maps benchmark name -> unit -> values over -count runs.
type metrics map[string]map[string][]float64

func goBenchSections(ctx context.Context, env *benchEnv, only string, count int, profile bool) ([]section, error) {
	start, load0 := time.Now(), loadAvg()
	all := metrics{}
	var order []string
	var profiles []string
	for _, gb := range goBenches() {
		if only != "" && !strings.Contains(gb.pkg, only) {
			continue
		}
		env.logf("go test -bench %s %s (count %d)", gb.pattern, gb.pkg, count)
		out, err := goTest(ctx, env, gb, count, "")
		if err != nil {
			return nil, err
		}
		m, names := parseBench(out)
		for _, n := range names {
			if all[n] == nil {
				order = append(order, n)
				all[n] = map[string][]float64{}
			}
			for u, v := range m[n] {
				all[n][u] = append(all[n][u], v...)
			}
		}
		if profile && missed(gb, m) {
			top, err := profileBench(ctx, env, gb)
			if err != nil {
				top = "profile failed: " + err.Error()
			}
			profiles = append(profiles, fmt.Sprintf("`go test -run '^$' -bench '%s' -cpuprofile` in %s:\n\n```\n%s\n```\n", gb.pattern, gb.pkg, top))
		}
	}
	tree := "the working tree at " + gitHead(env.repo, "HEAD")
	if env.ref != "" {
		tree = "commit " + gitHead(env.repo, env.ref)
	}
	return []section{goBenchSection(all, order, profiles, tree, count, start, load0)}, nil
}

func goTest(ctx context.Context, env *benchEnv, gb goBench, count int, cpuprofile string) ([]byte, error) {
	args := []string{"test", "-run", "^$", "-bench", gb.pattern, "-benchmem", "-benchtime", gb.benchtime,
		"-count", strconv.Itoa(count), "-timeout", "20m"}
	if cpuprofile != "" {
		args = append(args, "-cpuprofile", cpuprofile, "-o", cpuprofile+".test")
	}
	src, err := env.source()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, "go", append(args, gb.pkg)...)
	cmd.Dir = src
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out, nil
}

var benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+(.*)$`)

// parseBench reads `go test -bench` output into metric values per
// benchmark, in the order benchmarks first appear.
func parseBench(out []byte) (metrics, []string) {
	m := metrics{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		g := benchLine.FindStringSubmatch(sc.Text())
		if g == nil {
			continue
		}
		name := g[1]
		if m[name] == nil {
			m[name] = map[string][]float64{}
			order = append(order, name)
		}
		f := strings.Fields(g[4])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				m[name][f[i+1]] = append(m[name][f[i+1]], v)
			}
		}
	}
	return m, order
}

func missed(gb goBench, m metrics) bool {
	for _, b := range gb.budgets {
		if v, ok := m[b.bench][b.unit]; ok && !b.ok(median(v)) {
			return true
		}
	}
	return false
}

// profileBench runs the benchmark once more under the CPU profiler and
// returns the top of `go tool pprof -top`.
func profileBench(ctx context.Context, env *benchEnv, gb goBench) (string, error) {
	prof := filepath.Join(env.tmp, "cpu-"+strings.Trim(strings.ReplaceAll(gb.pkg, "/", "-"), ".-")+".pprof")
	if _, err := goTest(ctx, env, gb, 1, prof); err != nil {
		return "", err
	}
	var parts []string
	for _, mode := range [][]string{{"-top"}, {"-top", "-cum"}} {
		args := append([]string{"tool", "pprof"}, mode...)
		cmd := exec.CommandContext(ctx, "go", append(args, "-nodecount", "18", prof+".test", prof)...)
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("go tool pprof: %w", err)
		}
		parts = append(parts, "go tool pprof "+strings.Join(mode, " ")+"\n"+pprofTable(string(out)))
	}
	return strings.Join(parts, "\n\n"), nil
}

// pprofTable keeps the sample summary and the table of `pprof -top`,
// without the file, build id and time header lines.
func pprofTable(out string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.HasPrefix(l, "File:") || strings.HasPrefix(l, "Build ID:") || strings.HasPrefix(l, "Type:") || strings.HasPrefix(l, "Time:") || strings.HasPrefix(l, "Showing top") || strings.HasPrefix(l, "Dropped") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

func goBenchSection(all metrics, order, profiles []string, tree string, runs int, start time.Time, load0 string) section {
	budgets := map[string][]budget{}
	for _, gb := range goBenches() {
		for _, b := range gb.budgets {
			budgets[b.bench] = append(budgets[b.bench], b)
		}
	}
	var rows [][]string
	for _, name := range order {
		units := make([]string, 0, len(all[name]))
		for u := range all[name] {
			units = append(units, u)
		}
		sort.Strings(units)
		var cells, verdicts []string
		for _, u := range units {
			cells = append(cells, fmt.Sprintf("%s %s", trimFloat(median(all[name][u])), u))
		}
		for _, b := range budgets[name] {
			if v, ok := all[name][b.unit]; ok {
				verdicts = append(verdicts, b.label+": "+verdict(b.ok(median(v))))
			}
		}
		rows = append(rows, []string{"`" + name + "`", strings.Join(cells, ", "), strings.Join(verdicts, "; ")})
	}
	body := fmt.Sprintf("The packages' own `go test -bench` benchmarks of %s, medians of `-count %d`.\n\n", tree, runs)
	body += table([]string{"benchmark", "figures", "budget"}, rows)
	if len(profiles) > 0 {
		body += "\nProfiles of benchmarks that missed a budget:\n\n" + strings.Join(profiles, "\n")
	}
	return section{id: "gobench", title: "Package benchmarks (raft, merge, engine, fsm)", body: body + stamp(start, load0)}
}

func trimFloat(v float64) string {
	switch {
	case v >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}
