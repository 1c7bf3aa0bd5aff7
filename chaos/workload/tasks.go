package workload

import (
	"context"
	"errors"
	"time"

	"github.com/meilisearch/meilisearch-go"
	"github.com/miroir-search/miroir/chaos/history"
)

var errTaskTimeout = errors.New("workload: task did not finish in time")

// enqueueFunc sends one request that enqueues a task.
type enqueueFunc func(ctx context.Context, sm meilisearch.ServiceManager) (*meilisearch.TaskInfo, error)

// runTask enqueues through a random peer and waits for the task, as an SDK
// user's waitForTask would. A succeeded task is ok; an enqueue refused as
// invalid is a failure; everything else is unknown, including a failed
// task, since some replicas may have applied it before another failed.
func (c *client) runTask(ctx context.Context, enqueue enqueueFunc) history.Result {
	sm := c.pick()
	peer := c.lastPeer
	rctx, cancel := c.w.reqCtx(ctx)
	info, err := enqueue(rctx, sm)
	cancel()
	if err != nil {
		st, code := classify(err)
		return history.Result{Status: st, Err: err, Code: code, Peer: peer}
	}
	status, code, err := c.waitTask(ctx, info.TaskUID)
	r := history.Result{Status: history.StatusUnknown, HasTask: true, TaskUID: info.TaskUID, TaskStatus: status, Code: code, Err: err, Peer: peer}
	if status == string(meilisearch.TaskStatusSucceeded) {
		r.Status = history.StatusOK
	}
	return r
}

// waitTask polls the task on random peers until it finishes or the task
// timeout passes, recording each status change it sees as an observation.
func (c *client) waitTask(ctx context.Context, uid int64) (status, code string, err error) {
	deadline := time.Now().Add(c.w.cfg.TaskTimeout)
	last := ""
	for time.Now().Before(deadline) {
		sm := c.pick()
		call := c.w.h.Now()
		rctx, cancel := context.WithTimeout(ctx, c.w.cfg.PollTimeout)
		t, gerr := sm.GetTask(rctx, uid)
		cancel()
		if gerr == nil {
			s := string(t.Status)
			if s != last {
				c.w.h.Record(history.Op{Client: c.id, Kind: history.KindTaskStatus, TaskUID: uid, TaskStatus: s,
					Status: history.StatusOK, Call: call, Return: c.w.h.Now(), Peer: c.lastPeer})
				last = s
			}
			if terminal(s) {
				return s, string(t.Error.Code), nil
			}
		}
		if sleepCtx(ctx, c.w.cfg.PollInterval) != nil {
			break
		}
	}
	return last, "", errTaskTimeout
}

func terminal(s string) bool {
	return s == string(meilisearch.TaskStatusSucceeded) || s == string(meilisearch.TaskStatusFailed) ||
		s == string(meilisearch.TaskStatusCanceled)
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
