package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

const debianCorpus = "/work/shared/data/debian-packages.ndjson.gz"

// loadCorpus reads the Debian corpus as NDJSON batches of size docs.
func loadCorpus(b *testing.B, size int) ([][]byte, int) {
	f, err := os.Open(debianCorpus)
	if err != nil {
		b.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var batches [][]byte
	var cur bytes.Buffer
	n, total := 0, 0
	for sc.Scan() {
		cur.Write(sc.Bytes())
		cur.WriteByte('\n')
		n++
		total++
		if n == size {
			batches = append(batches, append([]byte(nil), cur.Bytes()...))
			cur.Reset()
			n = 0
		}
	}
	if cur.Len() > 0 {
		batches = append(batches, cur.Bytes())
	}
	return batches, total
}

// BenchmarkIngestDebianOverHTTP posts the 63,666-document corpus as NDJSON
// batches through a real HTTP listener and waits for every task: the
// end-to-end indexing rate of one node (parse, durable enqueue, index).
// The small-batch cases are what a sharding proxy sends; they compare the
// worker with and without autobatching.
func BenchmarkIngestDebianOverHTTP(b *testing.B) {
	for _, bc := range []struct {
		name      string
		size      int
		autobatch int
	}{{"batch5000", 5000, 32}, {"batch500-autobatch", 500, 32}, {"batch500-one-task-per-write", 500, 1}} {
		b.Run(bc.name, func(b *testing.B) {
			batches, total := loadCorpus(b, bc.size)
			for i := 0; i < b.N; i++ {
				elapsed := ingest(b, batches, bc.autobatch)
				b.ReportMetric(float64(total)/elapsed.Seconds(), "docs/s")
			}
		})
	}
}

func ingest(b *testing.B, batches [][]byte, autobatch int) time.Duration {
	cfg := DefaultConfig()
	cfg.DataDir, cfg.MaxBatchTasks = b.TempDir(), autobatch
	srv, err := New(cfg, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = srv.Shutdown(context.Background()) }()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	start := time.Now()
	var last uint64
	for _, body := range batches {
		resp, err := http.Post(ts.URL+"/indexes/debian/documents", "application/x-ndjson", bytes.NewReader(body))
		if err != nil || resp.StatusCode != http.StatusAccepted {
			b.Fatalf("enqueue: %v %v", err, resp)
		}
		var sum summary
		_ = json.NewDecoder(resp.Body).Decode(&sum)
		resp.Body.Close()
		last = sum.TaskUID
	}
	for {
		t, _ := srv.q.get(last)
		if t.finished() {
			if t.Status != statusSucceeded {
				b.Fatalf("task %d: %s %v", t.UID, t.Status, t.Error)
			}
			return time.Since(start)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
