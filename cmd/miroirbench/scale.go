package main

import (
	"context"
	"fmt"
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
	ingest         float64
	p50, p95, rps8 float64
	bytes          []int64
	errs           int
	firstErr       error
	target         string
	nodeRSS        []int64
}

// scaleSections loads factor x the corpus into a fresh 3-node cluster per
// factor (a single node when the peers lack the data path) and searches it.
func scaleSections(ctx context.Context, env *benchEnv, docs [][]byte, f scaleFlags) ([]section, error) {
	start, load0 := time.Now(), loadAvg()
	factors, err := parseInts(f.factors)
	if err != nil {
		return nil, err
	}
	var rows []scaleRow
	for _, k := range factors {
		row, err := scaleOne(ctx, env, scaled(docs, k), k, f)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return []section{scaleSection(rows, f, start, load0)}, nil
}

func scaleOne(ctx context.Context, env *benchEnv, docs [][]byte, k int, f scaleFlags) (scaleRow, error) {
	row := scaleRow{factor: k, docs: len(docs)}
	cl, err := env.startCluster(ctx, "scale"+strconv.Itoa(k), clusterOpts{peers: 3, nodes: 3})
	if err != nil {
		return row, err
	}
	defer stopCluster(cl)
	t := searchTarget{name: "miroir", c: cl.peers[0].c, uid: "packages"}
	dirs := []string{}
	for _, n := range cl.nodes {
		dirs = append(dirs, n.dir)
	}
	if cl.dataPath(ctx) != nil {
		stopCluster(cl)
		n, err := env.startNode(ctx, "scale-single"+strconv.Itoa(k))
		if err != nil {
			return row, err
		}
		defer n.stop()
		t, dirs = searchTarget{name: "single node", c: n.c, uid: "packages"}, []string{n.dir}
	}
	row.target = t.name
	env.logf("scale %dx: loading %d documents into %s", k, len(docs), t.name)
	st, err := loadCorpusInto(ctx, t.c, t.uid, docs, f.batch)
	if err != nil {
		return row, err
	}
	row.ingest = st.rate()
	for _, d := range dirs {
		row.bytes = append(row.bytes, dirBytes(d))
	}
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
	for _, n := range cl.nodes {
		if v, err := n.rssKB(); err == nil {
			row.nodeRSS = append(row.nodeRSS, v)
		}
	}
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
		out = append(out, []string{strconv.Itoa(r.factor) + "x", strconv.Itoa(r.docs), r.target, f0(r.ingest), f2(r.p50), f2(r.p95), f0(r.rps8),
			strings.Join(bytes, " / "), strings.Join(rss, " / ")})
		if r.errs > 0 {
			notes = append(notes, fmt.Sprintf("- %dx: %d search errors, first: %v", r.factor, r.errs, r.firstErr))
		}
	}
	body := fmt.Sprintf("A fresh cluster (3 peers, 3 nodes, RF=1) per multiple; copies of the corpus with suffixed ids; batches of %d; the query set for %s at concurrency 1 (p50, p95) and 8 (requests/s).\n\n", f.batch, f.duration)
	body += table([]string{"corpus", "documents", "target", "ingest docs/s", "p50 ms", "p95 ms", "requests/s at 8", "bytes per node", "node RSS"}, out)
	if len(notes) > 0 {
		body += "\n" + strings.Join(notes, "\n") + "\n"
	}
	return section{id: "scale", title: "Scaling with the corpus", body: body + stamp(start, load0)}
}
