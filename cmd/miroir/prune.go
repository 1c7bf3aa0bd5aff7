package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/miroir-search/miroir/admin"
)

// taskPruner is leader work: every interval it commits one PruneTasks for
// the tasks that finished more than retention ago (DESIGN §3). The cutoff
// is stamped here, by the proposer, never by Apply.
type taskPruner struct {
	cat       *admin.Catalog
	retention time.Duration
	interval  time.Duration
	logger    *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// pruneInterval is how often the leader prunes finished tasks.
const pruneInterval = 10 * time.Minute

func (p *taskPruner) Start(ctx context.Context) error {
	ctx, p.cancel = context.WithCancel(ctx)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		tick := time.NewTicker(p.interval)
		defer tick.Stop()
		for {
			p.prune(ctx)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return nil
}

func (p *taskPruner) prune(ctx context.Context) {
	n, err := p.cat.PruneTasks(ctx, time.Now().Add(-p.retention))
	switch {
	case err != nil && ctx.Err() == nil:
		p.logger.Warn("pruning finished tasks", "err", err)
	case n > 0:
		p.logger.Info("pruned finished tasks", "count", n, "retention", p.retention)
	}
}

func (p *taskPruner) Close() error {
	if p.cancel != nil {
		p.cancel()
	}
	p.wg.Wait()
	return nil
}
