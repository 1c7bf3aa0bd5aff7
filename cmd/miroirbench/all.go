package main

import (
	"context"
	"strings"
	"time"
)

// runAll runs every measurement in one process, so the figures come from
// the same binary, machine and hour; `make bench` runs it.
func runAll(ctx context.Context, env *benchEnv, args []string) ([]section, error) {
	var skip, factors string
	var goCount int
	sf := searchFlags{concs: "1,8,32"}
	inf := ingestFlags{batch: 1000}
	ff := failoverFlags{}
	mf := memoryFlags{}
	fs := env.flags()
	fs.StringVar(&skip, "skip", "", "measurements to skip, comma-separated (gobench,search,ingest,failover,memory,heap,scale)")
	fs.DurationVar(&sf.duration, "duration", 3*time.Second, "length of one closed-loop search run (and of each scaling search run)")
	fs.IntVar(&sf.pairs, "pairs", 20, "rounds of the query set for the paired overhead measurement")
	fs.StringVar(&inf.rf2, "rf2-args", "--default-rf 2", "extra `miroir serve` flags that make the replica group RF=2")
	fs.IntVar(&ff.trials, "trials", 10, "leader kills")
	fs.StringVar(&ff.tunedArgs, "tuned-args", tunedRaftArgs, "extra `miroir serve` flags for failover with tuned timeouts (\"\": skipped)")
	fs.IntVar(&mf.tasks, "tasks", 100000, "retained tasks for the memory figure")
	fs.IntVar(&goCount, "gobench-count", 1, "-count of the package benchmarks")
	fs.StringVar(&factors, "factors", "1,4,16", "corpus multiples for the scaling figure (16x = 1 M documents: ~4 GB per node, ~3 minutes of ingest)")
	if err := env.parse(fs, args); err != nil {
		return nil, err
	}
	sf.batch, mf.conc = 1000, 128
	skipped := map[string]bool{}
	for _, s := range strings.Split(skip, ",") {
		skipped[strings.TrimSpace(s)] = true
	}
	docs, err := env.corpus()
	if err != nil {
		return nil, err
	}
	concs, _ := parseInts(sf.concs)
	steps := []struct {
		name string
		run  func() ([]section, error)
	}{
		{"gobench", func() ([]section, error) { return goBenchSections(ctx, env, "", goCount, true) }},
		{"search", func() ([]section, error) { return searchSections(ctx, env, docs, sf, concs) }},
		{"ingest", func() ([]section, error) { return ingestSections(ctx, env, docs, inf) }},
		{"failover", func() ([]section, error) { return failoverSections(ctx, env, ff) }},
		{"memory", func() ([]section, error) { return memorySections(ctx, env, mf) }},
		{"heap", func() ([]section, error) { return heapSections(ctx, env, mf.tasks) }},
		{"scale", func() ([]section, error) {
			return scaleSections(ctx, env, docs, scaleFlags{factors: factors, batch: 1000, duration: sf.duration})
		}},
	}
	var out []section
	var failed []string
	for _, s := range steps {
		if skipped[s.name] {
			continue
		}
		start := time.Now()
		secs, err := s.run()
		if err != nil {
			// One broken measurement must not hide the others' figures.
			env.logf("%s failed: %v", s.name, err)
			failed = append(failed, "- "+s.name+": "+firstLine(err))
			continue
		}
		env.logf("%s done in %s", s.name, time.Since(start).Round(time.Second))
		out = append(out, secs...)
	}
	if len(failed) == 0 {
		failed = []string{"none"}
	}
	out = append(out, section{id: "failures", title: "Measurements that failed in the last `all` run", body: strings.Join(failed, "\n") + "\n"})
	return out, nil
}
