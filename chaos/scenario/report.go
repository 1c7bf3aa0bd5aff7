package scenario

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/miroir-search/miroir/chaos/harness"
	"github.com/miroir-search/miroir/chaos/history"
	"github.com/miroir-search/miroir/chaos/workload"
)

// Report is the outcome of one scenario run.
type Report struct {
	Name    string
	Seed    uint64
	Mode    string
	Skipped string
	Err     string // the run could not complete (setup or observation failed)
	Elapsed time.Duration
	LogDir  string

	Faults                []string // "12.3s SIGKILL peer2 (leader)"
	Writes, Reads, Meta   history.Counts
	Lost                  int
	Verdicts              []history.Verdict
	WriteGap, ReadGap     history.Window
	WriteRecovery         time.Duration // first fault -> first new write acked; -1: never
	FailedSearches        int
	BudgetViolations      []string
	FaultStatsAfterHealed string
	// Unknowns are examples of writes whose outcome stayed unknown.
	Unknowns []string
	// Legend names the processes' addresses ("peer1=127.0.0.1:4100 ...").
	Legend string
	// RF is the replication factor the cluster ran with ("2", or "binary
	// default" when the binary has no flag to set it).
	RF string
}

// Safe reports whether every checker passed and nothing was lost.
func (rep Report) Safe() bool {
	for _, v := range rep.Verdicts {
		if v.Fatal() {
			return false
		}
	}
	return rep.Lost == 0 && rep.Err == ""
}

func (rep *Report) fill(r *Run, ctx context.Context, elapsed time.Duration) {
	rep.Mode, rep.Elapsed = r.Mode, elapsed
	rep.RF = "binary default"
	if r.C.RFFlag != "" {
		rep.RF = fmt.Sprint(r.Sc.RF)
	}
	ops := r.H.Ops()
	rep.counts(ops, r.Mode)
	if len(r.C.Peers) > 0 {
		sts, err := r.C.WaitConverged(ctx)
		if err != nil {
			r.Note("peers did not converge: %v", err)
		}
		rep.Verdicts = append(rep.Verdicts, history.CheckDigests(peerStates(sts), len(r.C.Peers)))
	}
	if r.Mode != "admin" {
		obs, err := r.W.Observe(ctx, ops, nodeTargets(r.C))
		if err != nil {
			rep.Err = err.Error()
		}
		if r.C.RFFlag != "" {
			obs.RF = r.Sc.RF * r.Sc.Groups // replicas of a shard across all groups
		} else {
			r.Note("the binary has no replication-factor flag: groups use its default RF, replica counts not checked")
		}
		docs, lost := history.CheckDocuments(ops, obs)
		rep.Verdicts, rep.Lost = append(rep.Verdicts, docs), lost
		rep.Verdicts = append(rep.Verdicts, history.CheckSearches(ops), history.CheckTasks(ops))
	}
	rep.Verdicts = append(rep.Verdicts, linearizability(ops)...)
	rep.liveness(r, ops)
	for _, p := range r.C.Procs() {
		rep.Legend += fmt.Sprintf("%s=%s ", p.Name, p.HTTPAddr)
	}
	for _, e := range r.H.Events() {
		rep.Faults = append(rep.Faults, fmt.Sprintf("%.1fs %s", float64(e.At)/1e9, e.What))
	}
	if r.C.Cfg.Chaos {
		st := r.C.FaultStats(ctx)
		rep.FaultStatsAfterHealed = fmt.Sprintf("dials refused %d, streams cut %d, packets dropped %d, delayed %d",
			st.DialsRefused, st.StreamsCut, st.PacketsDropped, st.PacketsDelayed+st.WritesDelayed)
	}
}

// StaleReads is the accepted weakness left in metadata reads. Index,
// settings, key, batch and task reads pass the cluster read barrier on
// every peer (finding 2, fixed), so what only reads still reveal is finding
// 3: a settings update on a missing index registers its task and creates
// the index in one command, but commits the settings to the catalog only
// when the task finishes, so a read in between sees the index with default
// settings. Seen in leader-sigkill (a read during a settings update that
// recreated the deleted index answered: exists, default settings);
// leader-sigstop and isolated-leader pass. Drop the exemption in
// linearizability once the settings become visible with the index.
const StaleReads = "only reads reveal it: a settings update on a missing index creates the index when its task is registered and commits the settings when the task finishes, so a read in between sees the index with default settings (finding 3)"

// linearizability checks the writes alone (fatal) and the writes with the
// reads; a failure that only the reads cause is reported as StaleReads
// (known), any failure of the writes alone is fatal.
func linearizability(ops []history.Op) []history.Verdict {
	writes := history.CheckLinearizableWrites(ops, 30*time.Second)
	all := history.CheckLinearizable(ops, 30*time.Second)
	if !all.OK && writes.OK {
		all.Known = StaleReads
	}
	return []history.Verdict{writes, all}
}

// writeKinds and readKinds are what availability is measured on.
func kindsFor(mode string) (writes, reads []history.Kind) {
	if mode != "admin" {
		return history.WriteKinds, history.ReadKinds
	}
	return []history.Kind{history.KindCreate}, []history.Kind{history.KindRead}
}

func (rep *Report) counts(ops []history.Op, mode string) {
	w, rd := kindsFor(mode)
	rep.Writes, rep.Reads = history.Count(ops, w...), history.Count(ops, rd...)
	rep.Meta = history.Count(ops, history.KindCreate, history.KindDrop, history.KindSet, history.KindRead)
	for _, op := range ops {
		if failedSearch(op) {
			rep.FailedSearches++
		}
		if history.IsWrite(op.Kind) && op.Status == history.StatusUnknown && len(rep.Unknowns) < 5 {
			rep.Unknowns = append(rep.Unknowns, fmt.Sprintf("op %d %s %s at %.2fs: task %d %q code %q err %q",
				op.ID, op.Kind, op.Index, float64(op.Call)/1e9, op.TaskUID, op.TaskStatus, op.Code, op.Err))
		}
	}
}

// failedSearch is a search the cluster failed: not one refused because its
// peer was down (a load balancer routes around those) and not a search of
// the deleted index.
func failedSearch(op history.Op) bool {
	if op.Kind != history.KindSearch || op.Status == history.StatusOK || op.Code == "index_not_found" {
		return false
	}
	return !(op.Status == history.StatusFail && op.Code == "")
}

func (rep *Report) liveness(r *Run, ops []history.Op) {
	w, rd := kindsFor(r.Mode)
	var end int64
	for _, op := range ops {
		if op.Return != history.Infinity && op.Return > end {
			end = op.Return
		}
	}
	rep.WriteGap = history.Unavailability(ops, r.runFrom, end, w...)
	rep.ReadGap = history.Unavailability(ops, r.runFrom, end, rd...)
	rep.WriteRecovery = -1
	r.mu.Lock()
	faults := append([]int64(nil), r.faultAt...)
	r.mu.Unlock()
	if len(faults) > 0 {
		rep.WriteRecovery = history.RecoveryAfter(ops, faults[0], w...)
	}
	b := r.Sc.Budgets
	if b.NoFailedSearches && r.C.RFFlag == "" && r.Sc.Groups < 2 {
		b.NoFailedSearches = false // only promised with RF >= 2 or RG >= 2; this binary cannot be asked for RF
		r.Note("zero-failed-searches budget not checked: RF could not be set")
	}
	if b.WriteRecovery > 0 && (rep.WriteRecovery < 0 || rep.WriteRecovery > b.WriteRecovery) {
		rep.BudgetViolations = append(rep.BudgetViolations,
			fmt.Sprintf("writes flowing again after %s, budget %s", fmtDur(rep.WriteRecovery), b.WriteRecovery))
	}
	if b.NoFailedSearches && rep.FailedSearches > 0 {
		rep.BudgetViolations = append(rep.BudgetViolations, fmt.Sprintf("%d failed searches, budget 0", rep.FailedSearches))
	}
}

func fmtDur(d time.Duration) string {
	if d < 0 {
		return "never"
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

func peerStates(sts map[*harness.Proc]harness.Status) []history.PeerState {
	out := make([]history.PeerState, 0, len(sts))
	for p, s := range sts {
		out = append(out, history.PeerState{Peer: p.Name, Digest: s.Digest, Applied: s.AppliedIndex})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Peer < out[j].Peer })
	return out
}

func nodeTargets(c *harness.Cluster) []workload.Node {
	out := make([]workload.Node, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = workload.Node{Name: n.Name, Addr: n.HTTPAddr, Key: c.Cfg.NodeKey}
	}
	return out
}
