package index

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"runtime"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/miroir-search/miroir/meili"
)

const corpusPath = "/work/shared/data/debian-packages.ndjson.gz"

func loadCorpus(b *testing.B) []json.RawMessage {
	b.Helper()
	f, err := os.Open(corpusPath)
	if err != nil {
		b.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var docs []json.RawMessage
	for sc.Scan() {
		docs = append(docs, append(json.RawMessage(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	return docs
}

func corpusSettings() Settings {
	s, _ := SettingsFromJSON(`{"filterableAttributes":["section","priority","tags","architecture","installed_size_kb","depends_count"],
		"sortableAttributes":["name","installed_size_kb","size_bytes"]}`)
	return s
}

func indexCorpus(b *testing.B, dir string, docs []json.RawMessage) *Index {
	b.Helper()
	idx, err := Open(dir, "id", corpusSettings())
	if err != nil {
		b.Fatal(err)
	}
	const batch = 1000
	for i, task := 0, uint64(1); i < len(docs); i, task = i+batch, task+1 {
		end := min(i+batch, len(docs))
		if _, err := idx.Apply(context.Background(), Batch{TaskUID: task, Kind: KindUpsert, Documents: docs[i:end]}); err != nil {
			b.Fatal(err)
		}
	}
	return idx
}

func BenchmarkIndexCorpus(b *testing.B) {
	docs := loadCorpus(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start, cpu0 := time.Now(), cpuTime()
		idx := indexCorpus(b, b.TempDir(), docs)
		b.ReportMetric(float64(len(docs))/time.Since(start).Seconds(), "docs/s")
		// CPU seconds of the whole process (bleve's merger included): a
		// machine shared with other jobs makes wall time noisy.
		b.ReportMetric(float64(len(docs))/(cpuTime()-cpu0).Seconds(), "docs/cpu-s")
		idx.Close()
	}
}

// benchQueries covers single words, multi-word, typos, filters, facets,
// sort and 1-3 letter prefixes.
var benchQueries = []string{
	`{"q":"python"}`,
	`{"q":"library"}`,
	`{"q":"web server"}`,
	`{"q":"python library for parsing"}`,
	`{"q":"pyhton"}`,
	`{"q":"compresion utility"}`,
	`{"q":"editor","filter":"section = editors"}`,
	`{"q":"game","filter":"installed_size_kb > 1000 AND priority = optional"}`,
	`{"q":"","facets":["section","priority"]}`,
	`{"q":"network","facets":["section"]}`,
	`{"q":"tool","sort":["installed_size_kb:desc"]}`,
	`{"q":"","sort":["name:asc"],"limit":10}`,
	`{"q":"l"}`,
	`{"q":"li"}`,
	`{"q":"lib"}`,
	`{"q":"gtk","showRankingScoreDetails":true,"attributesToHighlight":["*"]}`,
}

func BenchmarkSearch(b *testing.B) {
	docs := loadCorpus(b)
	idx := indexCorpus(b, b.TempDir(), docs)
	defer idx.Close()
	queries := make([]*meili.SearchQuery, len(benchQueries))
	for i, body := range benchQueries {
		q, err := meili.DecodeSearchQuery([]byte(body))
		if err != nil {
			b.Fatal(err)
		}
		queries[i] = q
	}
	for _, q := range queries { // warm up: settle the dictionary
		if _, err := idx.Search(q); err != nil {
			b.Fatal(err)
		}
	}
	// Wall latency, and the searching thread's own CPU time, which stays
	// meaningful when other jobs load the machine.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var lat, cpu []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		start, c0 := time.Now(), threadCPU()
		if _, err := idx.Search(q); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		cpu = append(cpu, threadCPU()-c0)
	}
	b.StopTimer()
	report := func(d []time.Duration, unit string) {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		b.ReportMetric(float64(d[len(d)/2].Microseconds())/1000, "p50-"+unit)
		b.ReportMetric(float64(d[len(d)*95/100].Microseconds())/1000, "p95-"+unit)
	}
	report(lat, "ms")
	report(cpu, "cpu-ms")
}

func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
