package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// taskDocsCache keeps, on the peer that accepted a document write, the
// client's payload until its task finishes, while the
// getTaskDocumentsRoute feature is on. Nodes drop their share of a payload
// when their node task finishes, which is often before the client even
// reads the 202 (the replicas index while the peer commits the task), so
// the nodes alone cannot honour the route; a single Meilisearch keeps the
// payload until the task finishes, and so does this peer, plus a grace
// period (taskDocsGrace): a cluster task can finish before a client that
// reads the route right after its 202 is answered, where a single node
// would still be processing. Other peers fall back to the nodes
// (taskdocs.go). Memory is bounded (taskDocsMaxBytes, oldest dropped
// first); entries of tasks finished longer than the grace period ago go at
// the next insert.
// It lives as long as the routes that Register mounts.
type taskDocsCache struct {
	p *Proxy

	flagAt atomic.Int64 // unix nanos of the last flag read; 0 = stale
	flagOn atomic.Bool

	mu      sync.Mutex
	entries map[uint64]taskPayload
	order   []uint64
	bytes   int
}

type taskPayload struct {
	body        []byte
	contentType string
	delimiter   rune
}

const (
	taskDocsMaxBytes = 64 << 20
	taskDocsFlagTTL  = time.Second
	taskDocsFlagWait = 250 * time.Millisecond
	taskDocsGrace    = 10 * time.Second
)

func newTaskDocsCache(p *Proxy) *taskDocsCache {
	return &taskDocsCache{p: p, entries: map[uint64]taskPayload{}}
}

// enabled reads the feature flag at most once per taskDocsFlagTTL, with a
// short timeout: it runs on the write path. A failed read keeps the last
// value until the next period.
func (tc *taskDocsCache) enabled(ctx context.Context) bool {
	if at := tc.flagAt.Load(); at != 0 && time.Since(time.Unix(0, at)) < taskDocsFlagTTL {
		return tc.flagOn.Load()
	}
	ctx, cancel := context.WithTimeout(ctx, taskDocsFlagWait)
	defer cancel()
	on, err := tc.p.featureEnabled(ctx, func(f meili.ExperimentalFeatures) bool { return f.GetTaskDocumentsRoute })
	if err == nil {
		tc.flagOn.Store(on)
	}
	tc.flagAt.Store(time.Now().UnixNano())
	return tc.flagOn.Load()
}

// featuresChanged wraps PATCH /experimental-features: the next write reads
// the flag again.
func (tc *taskDocsCache) featuresChanged(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := h(c)
		tc.flagAt.Store(0)
		return err
	}
}

// keep wraps a document write: with the feature on, it keeps the payload
// under the task uid of the 202 answer.
func (tc *taskDocsCache) keep(h echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !tc.enabled(c.Request().Context()) {
			return h(c)
		}
		body, err := io.ReadAll(io.LimitReader(c.Request().Body, tc.p.cfg.MaxPayloadBytes+1))
		if err != nil {
			return h(c)
		}
		c.Request().Body = io.NopCloser(bytes.NewReader(body))
		rw := &headCapture{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rw
		err = h(c)
		c.Response().Writer = rw.ResponseWriter
		if err == nil && c.Response().Status == http.StatusAccepted {
			var sum struct {
				TaskUID *uint64 `json:"taskUid"`
			}
			if json.Unmarshal(rw.head.Bytes(), &sum) == nil && sum.TaskUID != nil {
				tc.put(*sum.TaskUID, taskPayload{body: body, contentType: c.Request().Header.Get("Content-Type"), delimiter: csvDelimiterOf(c)})
			}
		}
		return err
	}
}

func csvDelimiterOf(c echo.Context) rune {
	if d := []rune(c.QueryParam("csvDelimiter")); len(d) == 1 {
		return d[0]
	}
	return ','
}

// headCapture keeps the first bytes of a response (the 202 summary).
type headCapture struct {
	http.ResponseWriter
	head bytes.Buffer
}

func (w *headCapture) Write(b []byte) (int, error) {
	if room := 4096 - w.head.Len(); room > 0 {
		w.head.Write(b[:min(room, len(b))])
	}
	return w.ResponseWriter.Write(b)
}

func (tc *taskDocsCache) put(uid uint64, tp taskPayload) {
	if len(tp.body) > taskDocsMaxBytes {
		return
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.dropFinished()
	for tc.bytes+len(tp.body) > taskDocsMaxBytes && len(tc.order) > 0 {
		tc.drop(tc.order[0])
	}
	tc.entries[uid] = tp
	tc.order = append(tc.order, uid)
	tc.bytes += len(tp.body)
}

func (tc *taskDocsCache) dropFinished() {
	var done []uint64
	cutoff := time.Now().Add(-taskDocsGrace)
	tc.p.state.Read(func(s *store.State) {
		for _, uid := range tc.order {
			if t, ok := s.Task(uid); !ok || t.Status.Terminal() && t.FinishedAt.Before(cutoff) {
				done = append(done, uid)
			}
		}
	})
	for _, uid := range done {
		tc.drop(uid)
	}
}

func (tc *taskDocsCache) drop(uid uint64) {
	tp, ok := tc.entries[uid]
	if !ok {
		return
	}
	delete(tc.entries, uid)
	tc.bytes -= len(tp.body)
	for i, u := range tc.order {
		if u == uid {
			tc.order = append(tc.order[:i], tc.order[i+1:]...)
			break
		}
	}
}

func (tc *taskDocsCache) get(uid uint64) (taskPayload, bool) {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tp, ok := tc.entries[uid]
	return tp, ok
}

// ndjson renders the kept payload as the route's NDJSON (compact documents).
func (tp taskPayload) ndjson() ([]byte, error) {
	docs, err := meili.ParseDocumentsRaw(tp.contentType, bytes.NewReader(tp.body), tp.delimiter)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, d := range docs {
		if err := json.Compact(&out, d); err != nil {
			return nil, err
		}
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}
