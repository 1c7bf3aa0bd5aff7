package history

import "sort"

var taskRank = map[string]int{"enqueued": 0, "processing": 1, "succeeded": 2, "failed": 2, "canceled": 2}

func terminal(status string) bool { return taskRank[status] == 2 }

// CheckTasks is checker 5: task uids never go backwards (an operation that
// completed before another was invoked holds the smaller uid, and no two
// operations share one), and no task moves backwards or leaves a finished
// state in the real-time order of observations.
//
// A task seen going back between two unfinished states (processing, then
// enqueued) is a stale read from a lagging peer. It used to be accepted as
// known; task reads now catch up with the leader's read index (cluster
// ReadIndex through proxy.CommitIndexer), so it is a violation like the
// others.
func CheckTasks(ops []Op) Verdict {
	v := newVerdict("task uids monotonic, finished tasks immutable")
	checkUIDOrder(ops, v)
	checkObservations(ops, v)
	return *v
}

func checkUIDOrder(ops []Op, v *Verdict) {
	var withTask []Op
	owner := map[int64]int{}
	for _, op := range ops {
		if op.TaskUID < 0 || op.Kind == KindTaskStatus {
			continue
		}
		if prev, dup := owner[op.TaskUID]; dup {
			v.fail("task uid %d given to ops %d and %d", op.TaskUID, prev, op.ID)
			continue
		}
		owner[op.TaskUID] = op.ID
		withTask = append(withTask, op)
	}
	// Sweep by invocation: every op completed before this one's call must
	// hold a smaller uid.
	byReturn := append([]Op(nil), withTask...)
	sort.Slice(byReturn, func(i, j int) bool { return byReturn[i].Return < byReturn[j].Return })
	sort.Slice(withTask, func(i, j int) bool { return withTask[i].Call < withTask[j].Call })
	maxUID := int64(-1)
	maxOp, r := -1, 0
	for _, op := range withTask {
		for r < len(byReturn) && byReturn[r].Return < op.Call {
			if byReturn[r].TaskUID > maxUID {
				maxUID, maxOp = byReturn[r].TaskUID, byReturn[r].ID
			}
			r++
		}
		if op.TaskUID < maxUID {
			v.fail("op %d got task uid %d after op %d had completed with uid %d", op.ID, op.TaskUID, maxOp, maxUID)
		}
	}
	v.note("%d task uids", len(withTask))
}

// checkObservations checks that no task moves backwards.
func checkObservations(ops []Op, v *Verdict) {
	byTask := map[int64][]Op{}
	for _, op := range ops {
		if op.Kind == KindTaskStatus && op.Status == StatusOK && op.TaskUID >= 0 {
			byTask[op.TaskUID] = append(byTask[op.TaskUID], op)
		}
	}
	n := 0
	for uid, obs := range byTask {
		sort.Slice(obs, func(i, j int) bool { return obs[i].Return < obs[j].Return })
		for i, a := range obs {
			for _, b := range obs[i+1:] {
				n++
				if a.Return >= b.Call {
					continue // concurrent: either order is fine
				}
				if terminal(a.TaskStatus) && b.TaskStatus != a.TaskStatus {
					v.fail("task %d was %s (op %d) then %s (op %d)", uid, a.TaskStatus, a.ID, b.TaskStatus, b.ID)
				} else if taskRank[b.TaskStatus] < taskRank[a.TaskStatus] {
					v.fail("task %d went back from %s (op %d via %s) to %s (op %d via %s)", uid, a.TaskStatus, a.ID, a.Peer, b.TaskStatus, b.ID, b.Peer)
				}
			}
		}
	}
	v.note("%d task observations of %d tasks", n, len(byTask))
}
