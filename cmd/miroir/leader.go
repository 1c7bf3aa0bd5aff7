package main

import (
	"context"
	"errors"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/proxy"
	"github.com/miroir-search/miroir/store"
)

// leaderWork is one piece of leader-only work: started when this peer
// becomes leader, closed when it stops leading.
type leaderWork interface {
	Start(ctx context.Context) error
	Close() error
}

// leaderWorks are the leader-only loops: the proxy's task watcher and node
// health checker (each decides transitions once, on the leader) and the
// pruner of old finished tasks.
func (p *peer) leaderWorks() []leaderWork {
	return []leaderWork{p.px.NewTaskWatcher(), p.px.NewHealthChecker(),
		&taskPruner{cat: p.catalog, retention: p.taskRetention, interval: pruneInterval, logger: p.logger}}
}

// ensureDefaultKeys creates Meilisearch's default API keys when the cluster
// has a master key and no key at all yet (first start, as Meilisearch
// does). The uids are fixed, so two leaders racing create each key once.
// Caveat: an operator who deletes every key gets the defaults back at the
// next leadership change.
func ensureDefaultKeys(ctx context.Context, f *fsm.FSM, cat *admin.Catalog) error {
	var empty bool
	f.Read(func(s *store.State) { empty = len(s.Keys()) == 0 })
	if !empty {
		return nil
	}
	for _, k := range proxy.DefaultKeys() {
		_, err := cat.CreateKey(ctx, k)
		if err != nil && !errors.Is(err, meili.Errorf(meili.CodeAPIKeyAlreadyExists, "")) {
			return err
		}
	}
	return nil
}
