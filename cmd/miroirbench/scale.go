package main

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

type scaleFlags struct {
	factors  string
	batch    int
	duration time.Duration
}

func runScale(ctx context.Context, env *benchEnv, args []string) ([]section, error) {
	var f scaleFlags
	fs := env.flags()
	fs.StringVar(&f.factors, "factors", "1,4,16", "corpus multiples, comma-separated")
	fs.IntVar(&f.batch, "batch", 1000, "documents per batch")
	fs.DurationVar(&f.duration, "duration", 5*time.Second, "length of each search run")
	if err := env.parse(fs, args); err != nil {
		return nil, err
	}
	docs, err := env.corpus()
	if err != nil {
		return nil, err
	}
	return scaleSections(ctx, env, docs, f)
}

// scaleRow is one corpus multiple.
type scaleRow struct {
	factor, docs   int
	added          int     // documents loaded to reach this multiple
	ingest         float64 // docs/s while adding them
	p50, p95, rps8 float64
	bytes          []int64
	errs           int
	firstErr       error
	target         string
	nodeRSS        []int64
}

// scaleSections grows one 3-node cluster (a single node when the peers lack
// the data path) from multiple to multiple, adding the copies of the corpus
// each step needs, and searches it at each size. Growing one index instead
// of loading each multiple into a fresh cluster measures the same thing
// (ingest rate and search cost at that size) with 16x instead of 21x of
// the corpus to load, which keeps 16x within `make bench`'s time.
func scaleSections(ctx context.Context, env *benchEnv, docs [][]byte, f scaleFlags) ([]section, error) {
	start, load0 := time.Now(), loadAvg()
	factors, err := parseInts(f.factors)
	if err != nil {
		return nil, err
	}
	slices.Sort(factors)
	factors = slices.Compact(factors)
	t, dirs, procs, stop, err := scaleTarget(ctx, env)
	if err != nil {
		return nil, err
	}
	defer stop()
	if err := createIndex(ctx, t.c, t.uid); err != nil {
		return nil, err
	}
	var rows []scaleRow
	prev := 0
	for _, k := range factors {
		add := copiesOf(docs, prev, k)
		env.logf("scale %dx: adding %d documents to %s", k, len(add), t.name)
		row, err := scaleStep(ctx, t, add, f)
		if err != nil {
			return nil, err
		}
		row.factor, row.docs, row.target = k, len(docs)*k, t.name
		for _, d := range dirs {
			row.bytes = append(row.bytes, dirBytes(d))
		}
		for _, p := range procs {
			if v, err := p.rssKB(); err == nil {
				row.nodeRSS = append(row.nodeRSS, v)
			}
		}
		rows = append(rows, row)
		prev = k
	}
	return []section{scaleSection(rows, f, start, load0)}, nil
}

// scaleTarget starts 3 peers in front of 3 nodes (RF=1), or one node when
// the peers do not serve the data path. stop ends what it started.
func scaleTarget(ctx context.Context, env *benchEnv) (searchTarget, []string, []*proc, func(), error) {
	cl, err := env.startCluster(ctx, "scale", clusterOpts{peers: 3, nodes: 3})
	if err != nil {
		return searchTarget{}, nil, nil, nil, err
	}
	if cl.dataPath(ctx) == nil {
		var dirs []string
		var procs []*proc
		for _, n := range cl.nodes {
			dirs, procs = append(dirs, n.dir), append(procs, n.proc)
		}
		return searchTarget{name: "miroir", c: cl.peers[0].c, uid: "packages"}, dirs, procs, func() { stopCluster(cl) }, nil
	}
	stopCluster(cl)
	n, err := env.startNode(ctx, "scale-single")
	if err != nil {
		return searchTarget{}, nil, nil, nil, err
	}
	return searchTarget{name: "single node", c: n.c, uid: "packages"}, []string{n.dir}, []*proc{n.proc}, n.stop, nil
}

// scaleStep adds docs and runs the query set at concurrency 1 and 8.
func scaleStep(ctx context.Context, t searchTarget, add [][]byte, f scaleFlags) (scaleRow, error) {
	var row scaleRow
	st, err := ingest(ctx, t.c, t.uid, add, f.batch)
	if err != nil {
		return row, err
	}
	row.added, row.ingest = len(add), st.rate()
	bodies := make([][]byte, len(querySet))
	for i, q := range querySet {
		bodies[i] = []byte(q.body)
	}
	for _, b := range bodies {
		_ = t.search(ctx, b)
	}
	search := func(ctx context.Context, i int) error { return t.search(ctx, bodies[i]) }
	r1 := drive(ctx, 1, len(bodies), f.duration, search)
	r8 := drive(ctx, 8, len(bodies), f.duration, search)
	row.p50, row.p95, row.rps8 = ms(pct(r1.lat, 50)), ms(pct(r1.lat, 95)), r8.rps()
	row.errs, row.firstErr = r1.errs+r8.errs, r1.firstEr
	return row, nil
}

func scaleSection(rows []scaleRow, f scaleFlags, start time.Time, load0 string) section {
	var out [][]string
	var notes []string
	for _, r := range rows {
		var bytes, rss []string
		for _, b := range r.bytes {
			bytes = append(bytes, mib(b))
		}
		for _, v := range r.nodeRSS {
			rss = append(rss, fmt.Sprintf("%.0f MB", float64(v)/1024))
		}
		out = append(out, []string{strconv.Itoa(r.factor) + "x", strconv.Itoa(r.docs), r.target, strconv.Itoa(r.added), f0(r.ingest), f2(r.p50), f2(r.p95), f0(r.rps8),
			strings.Join(bytes, " / "), strings.Join(rss, " / ")})
		if r.errs > 0 {
			notes = append(notes, fmt.Sprintf("- %dx: %d search errors, first: %v", r.factor, r.errs, r.firstErr))
		}
	}
	body := fmt.Sprintf("One cluster (3 peers, 3 nodes, RF=1) grown from multiple to multiple: each row adds the copies of the corpus (suffixed ids) that reach its size, in batches of %d, and gives the ingest rate of those additions; then the query set runs for %s at concurrency 1 (p50, p95) and 8 (requests/s).\n\n", f.batch, f.duration)
	body += table([]string{"corpus", "documents", "target", "documents added", "ingest docs/s", "p50 ms", "p95 ms", "requests/s at 8", "bytes per node", "node RSS"}, out)
	if len(notes) > 0 {
		body += "\n" + strings.Join(notes, "\n") + "\n"
	}
	return section{id: "scale", title: "Scaling with the corpus", body: body + stamp(start, load0)}
}
