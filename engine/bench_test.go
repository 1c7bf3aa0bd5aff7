package engine

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
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
// batches of 5,000 through a real HTTP listener and waits for every task:
// the end-to-end indexing rate of one node (parse, durable enqueue, index).
func BenchmarkIngestDebianOverHTTP(b *testing.B) {
	batches, total := loadCorpus(b, 5000)
	for i := 0; i < b.N; i++ {
		cfg := DefaultConfig()
		cfg.DataDir = b.TempDir()
		srv, err := New(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
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
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		elapsed := time.Since(start)
		b.ReportMetric(float64(total)/elapsed.Seconds(), "docs/s")
		fmt.Fprintf(os.Stderr, "ingested %d documents in %v\n", total, elapsed)
		ts.Close()
		_ = srv.Shutdown(context.Background())
	}
}
