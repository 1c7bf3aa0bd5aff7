package proxy

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// Replica repair (DESIGN §5.6, chaos finding 5).
//
// A replica that may have missed acknowledged writes must not serve reads
// until it holds what a healthy replica holds. The node state recovering
// (store.NodeRecovering) says so in the replicated state:
//
//   - failed -> recovering: the leader's health checker sees a failed node
//     answer RecoverAfter probes in a row (it missed every write of its
//     downtime, which writable() skipped);
//   - active -> recovering: any peer's write fan-out (send) saw the node
//     fail a batch (no answer, timeout, 5xx) while another node took its
//     own. markMissed makes the node suspect on that peer at once and
//     commits the state before the write is acknowledged (suspicion is
//     only a preference of reads, so an acknowledged write must find the
//     node recovering), at most one commit per node in flight, which every
//     write that missed it waits for, and only when the local state still
//     says active, so a burst of failed writes costs one raft entry;
//   - recovering -> failed: probes fail again (health checker);
//   - recovering -> active: the repair below finished.
//
// Reads skip recovering nodes (Proxy.readable accepts only active and
// draining nodes; pickReplica never picks a recovering node of a shard
// that has another replica, even when every other one is recovering,
// failed, suspect or slow: a node back from a failure lacks every write of
// its downtime, and its "document not found" would be a stale read of an
// acknowledged write; the shard is rather unavailable until the repair is
// done); writes still go to them (writable), so a repair only has to fix
// what the node missed before it started.
//
// The repair runs on the leader, inside the HealthChecker (one owned
// goroutine, every RepairInterval, one node at a time). For each index and
// each shard the node owns in its group, it picks a donor: an active,
// non-suspect replica of that shard in any readable group. It reads both
// replicas' documents of the shard (POST documents/fetch with
// `_miroir_shard = s`, pages of repairPage), keeps the target's (id,
// `_miroir_version`, content hash) in memory, and then, for each donor
// document:
//   - copies it to the target when the target lacks it, holds a lower
//     version, or holds the same version with other content (a partial
//     update applied to a replica that lacked the document);
//   - leaves it when the target holds a higher version (a newer write
//     reached the target first).
//
// A target document the donor lacks is deleted only when its version is
// below the boundary B: the lowest uid of the index's open tasks, taken
// before the pass reads the donor. Every write below B has finished on
// every replica that took it, so the donor, being healthy, shows it; a
// document at or above B may belong to a write still on its way to the
// donor and is kept. Before deleting, the donor is asked again for exactly
// those ids (a page shift under concurrent writes must not look like a
// deletion).
//
// Copies race with concurrent writes: a copy of version v can land on the
// target after a newer write w reached it. So once a shard's copies are
// applied, the copied ids are read back from both replicas and those where
// the donor is now ahead are copied again (verifyCopies, a few rounds).
// And a node is repaired in passes: each pass recomputes B and compares
// everything again, and the node goes back to active only after a pass
// that changed no document below B and left no copy behind (at most
// repairPasses passes per attempt; else the next attempt starts over). A
// write that fails on the node during its repair is seen by markMissed on
// this peer (missedAt) and makes the pass unclean; one that fails while
// the repair commits the node active waits for that commit and is seen
// right after it, and the node is committed recovering again (activate).
//
// A donor is an active replica (a non-suspect one first): a recovering
// one is taken only when no other replica is active, since an untrusted
// pass leaves the target active without the writes an active replica
// acknowledged.
//
// When every replica of a shard is recovering (a write failed on all of
// them), none can be trusted to hold every acknowledged write: repair then
// copies newer versions from another recovering replica and deletes
// nothing, so the first of them to finish becomes active (and the donor
// of the others) without losing a document either side held; a deletion
// one of them missed may survive.
//
// Node calls of the repair are retried (repairAttempts) on availability
// failures, so a node that fails some requests still gets repaired.
//
// Known limits: an index whose catalog settings restrict
// displayedAttributes cannot be repaired (documents/fetch would return
// truncated documents), so such a node stays recovering and the error is
// logged; settings are compared with the donor's and copied when no
// settings task is open; a write that fails on a node through another peer
// in the instant between the last pass and the commit to active is not
// seen (that peer finds the node recovering and does not mark it).
//
// A write the node missed (skipped while it was failed, or failed on it
// on this peer) may not have reached the donor yet when a pass reads it:
// a pass is clean only if no task enqueued before the node became
// recovering, or before its last missed write, was open when it started
// (missedInFlight).

// repairPasses bounds the comparison passes of one repair attempt.
const repairPasses = 4

// repairPage is the page size of document reads during repair.
const repairPage = 1000

// errRepairDonor means a shard has other replicas but none is usable now.
var errRepairDonor = errors.New("proxy: no healthy replica to repair from")

// repairer is the leader's repair loop, owned by a HealthChecker.
type repairer struct {
	p       *Proxy
	retryAt map[string]time.Time // node -> earliest next attempt after a failure

	mu sync.Mutex
	// downtime holds the recovering nodes this leader saw come back from
	// failed: they missed every write of their downtime, so they are not
	// made active from an untrusted donor that did not (donor).
	downtime map[string]bool
}

func newRepairer(p *Proxy) *repairer {
	return &repairer{p: p, retryAt: map[string]time.Time{}, downtime: map[string]bool{}}
}

// noteDowntime records that node id went from failed to recovering.
func (r *repairer) noteDowntime(id string) {
	r.mu.Lock()
	r.downtime[id] = true
	r.mu.Unlock()
}

func (r *repairer) wasDown(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.downtime[id]
}

// run repairs recovering nodes every RepairInterval until ctx ends.
func (r *repairer) run(ctx context.Context) {
	t := time.NewTicker(r.p.cfg.RepairInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.pass(ctx)
		}
	}
}

// pass repairs every recovering node that is not backing off.
func (r *repairer) pass(ctx context.Context) {
	var nodes []store.Node
	r.p.state.Read(func(s *store.State) {
		for _, n := range s.Nodes() {
			if n.State == store.NodeRecovering {
				nodes = append(nodes, n)
			}
		}
	})
	r.p.res.recovering.Set(float64(len(nodes)))
	for _, n := range nodes {
		if ctx.Err() != nil || time.Now().Before(r.retryAt[n.ID]) {
			continue
		}
		if !r.p.probe(ctx, n) {
			// Down again: the health checker fails it; try once it answers.
			r.retryAt[n.ID] = time.Now().Add(r.p.cfg.RepairInterval)
			continue
		}
		start := time.Now()
		err := r.repairNode(ctx, n)
		r.p.res.repairTime.Observe(time.Since(start).Seconds())
		if err != nil {
			r.p.res.repairs.WithLabelValues("error").Inc()
			r.retryAt[n.ID] = time.Now().Add(2 * r.p.cfg.RepairInterval)
			if ctx.Err() == nil {
				r.p.log.Warn("node repair failed; retrying", "node", n.ID, "err", err)
			}
			continue
		}
		delete(r.retryAt, n.ID)
		r.p.res.repairs.WithLabelValues("ok").Inc()
	}
}

// repairNode makes n equal to healthy replicas, then commits it active.
func (r *repairer) repairNode(ctx context.Context, n store.Node) error {
	r.p.log.Info("node repair started", "node", n.ID)
	start := time.Now()
	var copied, deleted int
	clean := false
	var passStart time.Time
	for pass := 0; pass < repairPasses && !clean; pass++ {
		passStart = time.Now()
		inFlight := r.missedInFlight(n)
		st, err := r.repairIndexes(ctx, n)
		if err != nil {
			return err
		}
		copied, deleted = copied+st.copied, deleted+st.deleted
		clean = st.material == 0 && !inFlight && !r.p.res.missedSince(n.ID, passStart)
		r.p.log.Info("node repair pass done", "node", n.ID, "pass", pass+1, "copied", st.copied,
			"deleted", st.deleted, "shards", st.shards, "clean", clean)
	}
	if !clean {
		return fmt.Errorf("node %s still differs from its replicas after %d passes (writes keep landing)", n.ID, repairPasses)
	}
	if cur := r.nodeState(n.ID); cur != store.NodeRecovering {
		return fmt.Errorf("node %s left recovering (%s) during its repair", n.ID, cur)
	}
	if err := r.activate(ctx, n, passStart); err != nil {
		return err
	}
	r.p.log.Info("node repaired; serving reads again", "node", n.ID, "copied", copied, "deleted", deleted,
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}

// activate commits n active after a clean pass that started at passStart.
// A write that fails on n on this peer from then on is either seen before
// the commit (the pass is not clean after all) or waits in markMissed
// until activate has committed n recovering again, so no write n missed is
// acknowledged while n is active.
func (r *repairer) activate(ctx context.Context, n store.Node, passStart time.Time) error {
	res := r.p.res
	done := make(chan struct{})
	res.mu.Lock()
	if at, ok := res.missedAt[n.ID]; ok && !at.Before(passStart) {
		res.mu.Unlock()
		return fmt.Errorf("node %s missed a write during its last repair pass", n.ID)
	}
	res.activating[n.ID] = done
	res.mu.Unlock()
	defer func() {
		res.mu.Lock()
		delete(res.activating, n.ID)
		res.mu.Unlock()
		close(done)
	}()
	if err := r.p.catalog.SetNodeState(ctx, n.ID, store.NodeActive); err != nil {
		return fmt.Errorf("committing node %s active: %w", n.ID, err)
	}
	if res.missedSince(n.ID, passStart) {
		// Commit with a context of its own: n must not stay active.
		mctx, cancel := context.WithTimeout(context.Background(), r.p.cfg.NodeTimeout)
		defer cancel()
		if err := r.p.catalog.SetNodeState(mctx, n.ID, store.NodeRecovering); err != nil {
			r.p.log.Error("a repaired node missed a write and could not be marked recovering again", "node", n.ID, "err", err)
		}
		return fmt.Errorf("node %s missed a write while it was committed active", n.ID)
	}
	r.p.nodes.clearSuspect(n.Addr)
	r.mu.Lock()
	delete(r.downtime, n.ID)
	r.mu.Unlock()
	return nil
}

// missedInFlight reports whether a task that may have missed n is still
// open: one enqueued before n became recovering (writes skipped it while
// it was failed) or before a write failed on it on this peer. Such a write
// may not have reached the donor yet when a pass reads it, so the pass
// that starts now cannot be clean.
func (r *repairer) missedInFlight(n store.Node) bool {
	cutoff := n.ChangedAt
	r.p.res.mu.Lock()
	if at, ok := r.p.res.missedAt[n.ID]; ok && at.After(cutoff) {
		cutoff = at
	}
	r.p.res.mu.Unlock()
	open := false
	r.p.state.Read(func(s *store.State) {
		for _, t := range s.OpenTasks() {
			if !t.EnqueuedAt.After(cutoff) {
				open = true
				return
			}
		}
	})
	return open
}

func (r *repairer) nodeState(id string) store.NodeState {
	var st store.NodeState
	r.p.state.Read(func(s *store.State) {
		if n, ok := s.Node(id); ok {
			st = n.State
		}
	})
	return st
}

// repairStats counts one pass: material changes are those below the
// boundary (a clean pass has none).
type repairStats struct {
	copied, deleted, material, shards int
}

func (a *repairStats) add(b repairStats) {
	a.copied, a.deleted, a.material, a.shards = a.copied+b.copied, a.deleted+b.deleted, a.material+b.material, a.shards+b.shards
}

// repairIndexes runs one pass over every index n holds.
func (r *repairer) repairIndexes(ctx context.Context, n store.Node) (repairStats, error) {
	var uids []string
	r.p.state.Read(func(s *store.State) {
		for _, idx := range s.Indexes() {
			uids = append(uids, idx.UID)
		}
	})
	var total repairStats
	for _, uid := range uids {
		if r.p.deletionOpen(uid) {
			continue // the index is going away on every node
		}
		t, err := r.p.loadIndex(uid)
		if isCode(err, meili.CodeIndexNotFound) {
			continue
		}
		if err != nil {
			return total, err
		}
		st, err := r.repairIndex(ctx, t, n)
		if err != nil && isCode(err, meili.CodeIndexNotFound) && r.indexGoing(uid) {
			continue // deleted while it was being repaired
		}
		if err != nil {
			return total, fmt.Errorf("index %s: %w", uid, err)
		}
		total.add(st)
	}
	return total, nil
}

// indexGoing reports whether uid left the catalog or has a deletion open.
func (r *repairer) indexGoing(uid string) bool {
	if r.p.deletionOpen(uid) {
		return true
	}
	_, err := r.p.loadIndex(uid)
	return isCode(err, meili.CodeIndexNotFound)
}

// repairIndex repairs the shards of one index that n owns.
func (r *repairer) repairIndex(ctx context.Context, t *topology, n store.Node) (repairStats, error) {
	var st repairStats
	shards := ownedShards(t, n)
	if len(shards) == 0 {
		return st, nil
	}
	if restrictsDisplayed(t.index.Settings) {
		return st, errors.New("displayedAttributes is restricted: documents/fetch cannot read whole documents, so this index cannot be repaired")
	}
	bound := r.boundary(t.index.UID)
	if err := r.ensureIndex(ctx, t, n); err != nil {
		return st, err
	}
	type job struct {
		shard   int
		donor   store.Node
		trusted bool
	}
	var jobs []job
	settingsDone := false
	for _, shard := range shards {
		donor, trusted, ok, err := r.donor(ctx, t, shard, n)
		if err != nil {
			return st, fmt.Errorf("shard %d: %w", shard, err)
		}
		if !ok {
			continue // n holds the only copy: nothing to compare with
		}
		if !settingsDone && trusted {
			if err := r.repairSettings(ctx, t, n, donor); err != nil {
				return st, err
			}
			settingsDone = true
		}
		jobs = append(jobs, job{shard, donor, trusted})
	}
	diffs := make([]shardDiff, len(jobs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(repairConcurrency)
	for i, j := range jobs {
		g.Go(func() error {
			b := bound
			if !j.trusted {
				b = 0 // no deletions, and copies do not make the pass unclean
			}
			d, err := r.diffShard(gctx, t, n, j.donor, j.shard, b)
			if err != nil {
				return fmt.Errorf("shard %d from %s: %w", j.shard, j.donor.ID, err)
			}
			diffs[i] = d
			r.p.res.repairShard.Inc()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return st, err
	}
	return r.applyDiffs(ctx, t, n, diffs)
}

// repairConcurrency is how many shards of an index one repair compares at
// once (each shard is a few sequential calls to two nodes).
const repairConcurrency = 4
