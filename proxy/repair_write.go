package proxy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/miroir-search/miroir/store"
)

// repairWriter batches copies and deletions to the node under repair and
// remembers its last node task, which repair waits for (a node runs an
// index's tasks in order).
type repairWriter struct {
	r       *repairer
	n       store.Node
	t       *topology
	pk      string
	docs    []byte // JSON array under construction
	count   int
	ids     []json.RawMessage
	lastUID uint64
	sent    bool
}

func (w *repairWriter) copy(raw json.RawMessage) {
	if w.count == 0 {
		w.docs = append(w.docs[:0], '[')
	} else {
		w.docs = append(w.docs, ',')
	}
	w.docs = append(w.docs, raw...)
	w.count++
}

func (w *repairWriter) remove(id json.RawMessage) { w.ids = append(w.ids, id) }

// flush sends what is batched: documents as one write (they keep their
// `_miroir_*` stamps), ids as one delete-batch.
func (w *repairWriter) flush(ctx context.Context) error {
	physical := url.PathEscape(w.t.index.PhysicalName)
	if w.count > 0 {
		req := documentsRequest(http.MethodPost, w.t.index.PhysicalName, w.pk, false)
		req.body = append(w.docs, ']')
		if err := w.do(ctx, req); err != nil {
			return err
		}
		w.count = 0
	}
	if len(w.ids) > 0 {
		req := request{method: http.MethodPost, path: "/indexes/" + physical + "/documents/delete-batch", body: mustJSON(w.ids)}
		if err := w.do(ctx, req); err != nil {
			return err
		}
		w.ids = w.ids[:0]
	}
	return nil
}

func (w *repairWriter) do(ctx context.Context, req request) error {
	var task struct {
		TaskUID uint64 `json:"taskUid"`
	}
	if err := w.r.call(ctx, w.n, req, &task); err != nil {
		return err
	}
	w.lastUID, w.sent = task.TaskUID, true
	return nil
}

// wait waits for the last node task sent, if any.
func (w *repairWriter) wait(ctx context.Context) error {
	if !w.sent {
		return nil
	}
	return w.r.waitNodeTask(ctx, w.n, w.lastUID)
}

// waitNodeTask polls a node task until it finishes; a failed task is an
// error.
func (r *repairer) waitNodeTask(ctx context.Context, n store.Node, uid uint64) error {
	deadline := time.Now().Add(3 * r.p.cfg.NodeTimeout)
	for {
		var task struct {
			Status string          `json:"status"`
			Error  json.RawMessage `json:"error"`
		}
		err := r.call(ctx, n, request{method: http.MethodGet, path: "/tasks/" + strconv.FormatUint(uid, 10)}, &task)
		switch {
		case err != nil:
			return err
		case task.Status == "succeeded":
			return nil
		case task.Status == "failed" || task.Status == "canceled":
			return fmt.Errorf("node %s task %d %s: %s", n.ID, uid, task.Status, task.Error)
		case time.Now().After(deadline):
			return fmt.Errorf("node %s task %d still %s", n.ID, uid, task.Status)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// repairAttempts bounds the tries of one node call during repair.
const repairAttempts = 4

// call is nodes.do retried on availability failures (every repair call is
// idempotent: reads, and writes of the donor's exact documents).
func (r *repairer) call(ctx context.Context, node store.Node, req request, out any) error {
	var err error
	for range repairAttempts {
		if err = r.p.nodes.do(ctx, node.Addr, req, out); err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return err
}
