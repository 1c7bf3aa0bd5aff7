package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

type ingestFlags struct {
	batch int
	rf2   string
	noRF2 bool
}

func runIngest(ctx context.Context, env *benchEnv, args []string) ([]section, error) {
	var f ingestFlags
	fs := env.flags()
	fs.IntVar(&f.batch, "batch", 1000, "documents per batch")
	fs.StringVar(&f.rf2, "rf2-args", "--default-rf 2", "extra `miroir serve` flags that make the replica group RF=2")
	fs.BoolVar(&f.noRF2, "no-rf2", false, "skip the RF=2 cluster")
	if err := env.parse(fs, args); err != nil {
		return nil, err
	}
	docs, err := env.corpus()
	if err != nil {
		return nil, err
	}
	return ingestSections(ctx, env, docs, f)
}

// ingestRow is one configuration's figures over runs.
type ingestRow struct {
	name    string
	rates   []float64
	bytes   []int64   // per node, after the first run
	cpu     []float64 // CPU seconds of every process per 1,000 documents
	peerCPU []float64 // of which the peers'
	note    string
}

func ingestSections(ctx context.Context, env *benchEnv, docs [][]byte, f ingestFlags) ([]section, error) {
	start, load0 := time.Now(), loadAvg()
	single, err := ingestSingle(ctx, env, docs, f.batch)
	if err != nil {
		return nil, err
	}
	rows := []ingestRow{single}
	configs := []struct {
		name string
		o    clusterOpts
		skip bool
	}{
		{"miroir, 3 nodes, RF=1", clusterOpts{peers: 3, nodes: 3}, false},
		{"miroir, 3 nodes, RF=2", clusterOpts{peers: 3, nodes: 3, peerArgs: strings.Fields(f.rf2)}, f.noRF2},
		// Two replica groups also keep two copies of every shard; it needs
		// no flag, so the cost of replication is measured either way.
		{"miroir, 2 groups x 2 nodes (RG=2)", clusterOpts{peers: 3, nodes: 4, groups: []string{"0", "0", "1", "1"}}, false},
	}
	for _, c := range configs {
		if c.skip {
			continue
		}
		row, err := ingestCluster(ctx, env, c.name, c.o, docs, f.batch)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return []section{ingestSection(rows, len(docs), f.batch, env.runs, start, load0)}, nil
}

func ingestSingle(ctx context.Context, env *benchEnv, docs [][]byte, batch int) (ingestRow, error) {
	n, err := env.startNode(ctx, "ingest-single")
	if err != nil {
		return ingestRow{}, err
	}
	defer n.stop()
	row := ingestRow{name: "single node"}
	for r := range env.runs {
		env.logf("ingest run %d/%d: single node", r+1, env.runs)
		cpu0 := cpuOf(n.proc)
		st, err := loadCorpusInto(ctx, n.c, "ingest"+strconv.Itoa(r), docs, batch)
		if err != nil {
			return row, err
		}
		row.rates = append(row.rates, st.rate())
		row.cpu = append(row.cpu, 1000*(cpuOf(n.proc)-cpu0)/float64(len(docs)))
		if r == 0 {
			row.bytes = []int64{dirBytes(n.dir)}
		}
	}
	return row, nil
}

// ingestCluster measures one cluster configuration; a configuration the
// binary refuses (a flag it lacks) becomes a note, not a failure.
func ingestCluster(ctx context.Context, env *benchEnv, name string, o clusterOpts, docs [][]byte, batch int) (ingestRow, error) {
	row := ingestRow{name: name}
	cl, err := env.startCluster(ctx, "ingest", o)
	if err != nil {
		row.note = fmt.Sprintf("not measured: the cluster did not start with %q (%v)", strings.Join(o.peerArgs, " "), firstLine(err))
		return row, nil
	}
	defer stopCluster(cl)
	if err := cl.dataPath(ctx); err != nil {
		row.note = "not measured: " + err.Error()
		return row, nil
	}
	for r := range env.runs {
		env.logf("ingest run %d/%d: %s", r+1, env.runs, name)
		procs, peers := cl.procs(), cl.peerProcs()
		cpu0, peer0 := cpuOf(procs...), cpuOf(peers...)
		st, err := loadCorpusInto(ctx, cl.peers[0].c, "ingest"+strconv.Itoa(r), docs, batch)
		if err != nil {
			return row, err
		}
		row.rates = append(row.rates, st.rate())
		row.cpu = append(row.cpu, 1000*(cpuOf(procs...)-cpu0)/float64(len(docs)))
		row.peerCPU = append(row.peerCPU, 1000*(cpuOf(peers...)-peer0)/float64(len(docs)))
		if r == 0 {
			for _, n := range cl.nodes {
				row.bytes = append(row.bytes, dirBytes(n.dir))
			}
		}
	}
	return row, nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

func ingestSection(rows []ingestRow, docs, batch, runs int, start time.Time, load0 string) section {
	base := median(rows[0].rates)
	var out [][]string
	var notes []string
	for i, r := range rows {
		if len(r.rates) == 0 {
			notes = append(notes, "- "+r.name+": "+r.note)
			continue
		}
		rate := median(r.rates)
		ratio, budget := "1.00", ""
		if i > 0 {
			ratio = f2(rate / base)
			if strings.Contains(r.name, "RF=1") {
				budget = ">= 0.9x: " + verdict(rate/base >= 0.9)
			}
		}
		var bytes []string
		for _, b := range r.bytes {
			bytes = append(bytes, mib(b))
		}
		cpu := f2(median(r.cpu))
		if len(r.peerCPU) > 0 {
			cpu += fmt.Sprintf(" (peers %s)", f2(median(r.peerCPU)))
		}
		out = append(out, []string{r.name, f0(rate), ratio, budget, cpu, strings.Join(bytes, " / ")})
	}
	body := fmt.Sprintf("%d documents in NDJSON batches of %d sent one after the other, timed to the last task succeeded; median of %d runs. Bytes are each node's data directory after one copy of the corpus.\n\n", docs, batch, runs)
	body += table([]string{"target", "documents/s", "vs single", "budget", "CPU s per 1,000 docs (all processes)", "bytes per node"}, out)
	if len(notes) > 0 {
		body += "\n" + strings.Join(notes, "\n") + "\n"
	}
	return section{id: "ingest", title: "Ingest: single node vs miroir", body: body + stamp(start, load0)}
}

// cpuOf sums the CPU seconds the processes used so far.
func cpuOf(ps ...*proc) float64 {
	var sum float64
	for _, p := range ps {
		if v, err := p.cpuSeconds(); err == nil {
			sum += v
		}
	}
	return sum
}
