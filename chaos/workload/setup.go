package workload

import (
	"context"
	"fmt"
	"time"

	"github.com/meilisearch/meilisearch-go"
	"github.com/miroir-search/miroir/chaos/history"
)

// MaxTotalHits is set on every doc index so one match-all search can list
// every document when the final state is observed.
const MaxTotalHits = 100000

// Setup creates the doc indexes and the doomed index (with a few documents)
// through the cluster, recording every step in the history. It retries each
// step until it succeeds or ctx ends: a scenario starts from a known state.
func (w *Workload) Setup(ctx context.Context) error {
	c := w.newClient(0)
	indexes := w.DocIndexes()
	if d := w.DoomedIndex(); d != "" {
		indexes = append(indexes, d)
	}
	for _, uid := range indexes {
		if err := retry(ctx, func() bool {
			r := c.metaTask(ctx, history.Op{Kind: history.KindCreate, Index: uid, Entity: "index:" + uid},
				func(ctx context.Context, sm meilisearch.ServiceManager) (*meilisearch.TaskInfo, error) {
					return sm.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: PrimaryKey})
				}, "index_already_exists")
			return r.Status == history.StatusOK || r.Code == "index_already_exists"
		}); err != nil {
			return fmt.Errorf("workload: create index %s: %w", uid, err)
		}
		if err := retry(ctx, func() bool { return c.setPagination(ctx, uid) }); err != nil {
			return fmt.Errorf("workload: pagination of %s: %w", uid, err)
		}
	}
	if d := w.DoomedIndex(); d != "" {
		for range 3 {
			if err := retry(ctx, func() bool { return c.upsertTo(ctx, d).Status == history.StatusOK }); err != nil {
				return fmt.Errorf("workload: seed %s: %w", d, err)
			}
		}
	}
	return nil
}

func (c *client) setPagination(ctx context.Context, uid string) bool {
	r := c.runTask(ctx, func(ctx context.Context, sm meilisearch.ServiceManager) (*meilisearch.TaskInfo, error) {
		return sm.Index(uid).UpdatePagination(ctx, &meilisearch.Pagination{MaxTotalHits: MaxTotalHits})
	})
	return r.Status == history.StatusOK
}

// retry runs f until it reports success, for at most a minute.
func retry(ctx context.Context, f func() bool) error {
	deadline := time.Now().Add(time.Minute)
	for !f() {
		if time.Now().After(deadline) {
			return fmt.Errorf("still failing after a minute")
		}
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}
