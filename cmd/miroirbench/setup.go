package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// ingestStats is one load of documents into an index.
type ingestStats struct {
	docs    int
	elapsed time.Duration // first batch sent to last task succeeded
}

func (s ingestStats) rate() float64 { return float64(s.docs) / s.elapsed.Seconds() }

// createIndex creates uid with primary key id and the corpus settings, and
// waits for both tasks.
func createIndex(ctx context.Context, c *client, uid string) error {
	t, err := c.enqueue(ctx, http.MethodPost, "/indexes", "application/json", []byte(`{"uid":"`+uid+`","primaryKey":"id"}`))
	if err != nil {
		return fmt.Errorf("create index %s: %w", uid, err)
	}
	if err := c.waitTask(ctx, t, 20*time.Millisecond); err != nil {
		return fmt.Errorf("create index %s: %w", uid, err)
	}
	t, err = c.enqueue(ctx, http.MethodPatch, "/indexes/"+uid+"/settings", "application/json", []byte(corpusSettings))
	if err != nil {
		return fmt.Errorf("settings of %s: %w", uid, err)
	}
	return c.waitTask(ctx, t, 20*time.Millisecond)
}

// ingest sends docs in NDJSON batches one after the other, as an SDK's
// addDocumentsInBatches does, then waits until every task succeeded.
func ingest(ctx context.Context, c *client, uid string, docs [][]byte, batchSize int) (ingestStats, error) {
	bodies := batches(docs, batchSize)
	start := time.Now()
	uids := make([]uint64, 0, len(bodies))
	for _, b := range bodies {
		t, err := c.enqueue(ctx, http.MethodPost, "/indexes/"+uid+"/documents", "application/x-ndjson", b)
		if err != nil {
			return ingestStats{}, fmt.Errorf("add documents to %s: %w", uid, err)
		}
		uids = append(uids, t)
	}
	for i := len(uids) - 1; i >= 0; i-- {
		if err := c.waitTask(ctx, uids[i], 20*time.Millisecond); err != nil {
			return ingestStats{}, err
		}
	}
	return ingestStats{docs: len(docs), elapsed: time.Since(start)}, nil
}

// loadCorpusInto creates uid and ingests docs.
func loadCorpusInto(ctx context.Context, c *client, uid string, docs [][]byte, batchSize int) (ingestStats, error) {
	if err := createIndex(ctx, c, uid); err != nil {
		return ingestStats{}, err
	}
	return ingest(ctx, c, uid, docs, batchSize)
}

// dirBytes is the size of the files under dir.
func dirBytes(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
