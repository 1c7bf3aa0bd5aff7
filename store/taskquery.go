package store

import (
	"iter"
	"slices"
	"time"
)

// TaskFilter is Meilisearch's /tasks filter. Empty lists and zero times do
// not filter. Time bounds are exclusive, as in Meilisearch; a task without
// a start (finish) time never matches a started (finished) bound.
type TaskFilter struct {
	UIDs             []uint64     `json:"uids,omitempty"`
	IndexUIDs        []string     `json:"indexUids,omitempty"`
	Types            []string     `json:"types,omitempty"`
	Statuses         []TaskStatus `json:"statuses,omitempty"`
	CanceledBy       []uint64     `json:"canceledBy,omitempty"`
	BeforeEnqueuedAt time.Time    `json:"beforeEnqueuedAt,omitzero"`
	AfterEnqueuedAt  time.Time    `json:"afterEnqueuedAt,omitzero"`
	BeforeStartedAt  time.Time    `json:"beforeStartedAt,omitzero"`
	AfterStartedAt   time.Time    `json:"afterStartedAt,omitzero"`
	BeforeFinishedAt time.Time    `json:"beforeFinishedAt,omitzero"`
	AfterFinishedAt  time.Time    `json:"afterFinishedAt,omitzero"`
	// UIDsBelow, when not 0, keeps only tasks with a smaller uid. Not a
	// Meilisearch parameter: a task deletion sets it to its own uid so it
	// matches only the tasks that existed when it was enqueued, as
	// Meilisearch does. IsEmpty ignores it.
	UIDsBelow uint64 `json:"uidsBelow,omitempty"`
}

// IsEmpty reports whether the filter selects every task (Meilisearch
// refuses cancel and delete without a filter: missing_task_filters).
func (f TaskFilter) IsEmpty() bool {
	return len(f.UIDs) == 0 && len(f.IndexUIDs) == 0 && len(f.Types) == 0 &&
		len(f.Statuses) == 0 && len(f.CanceledBy) == 0 &&
		f.BeforeEnqueuedAt.IsZero() && f.AfterEnqueuedAt.IsZero() &&
		f.BeforeStartedAt.IsZero() && f.AfterStartedAt.IsZero() &&
		f.BeforeFinishedAt.IsZero() && f.AfterFinishedAt.IsZero()
}

// Match reports whether t passes every part of the filter. Scans over
// many tasks should use f.matcher() once instead.
func (f TaskFilter) Match(t *Task) bool { return f.matcher().match(t) }

// taskMatcher is a TaskFilter with its lists turned into sets, so a scan
// costs O(tasks) whatever the size of the lists. Only lookups touch the
// maps; nothing iterates them.
type taskMatcher struct {
	f          *TaskFilter
	uids       map[uint64]bool
	indexes    map[string]bool
	types      map[string]bool
	statuses   map[TaskStatus]bool
	canceledBy map[uint64]bool
}

func (f TaskFilter) matcher() taskMatcher {
	return taskMatcher{f: &f, uids: setOf(f.UIDs), indexes: setOf(f.IndexUIDs), types: setOf(f.Types),
		statuses: setOf(f.Statuses), canceledBy: setOf(f.CanceledBy)}
}

func setOf[T comparable](xs []T) map[T]bool {
	if len(xs) == 0 {
		return nil
	}
	m := make(map[T]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func (m taskMatcher) match(t *Task) bool {
	if (m.f.UIDsBelow != 0 && t.UID >= m.f.UIDsBelow) || (m.uids != nil && !m.uids[t.UID]) || (m.types != nil && !m.types[t.Type]) ||
		(m.statuses != nil && !m.statuses[t.Status]) || (m.indexes != nil && !m.matchIndex(t)) {
		return false
	}
	if m.canceledBy != nil && (t.CanceledBy == nil || !m.canceledBy[*t.CanceledBy]) {
		return false
	}
	f := m.f
	return inWindow(t.EnqueuedAt, f.AfterEnqueuedAt, f.BeforeEnqueuedAt) &&
		inWindow(t.StartedAt, f.AfterStartedAt, f.BeforeStartedAt) &&
		inWindow(t.FinishedAt, f.AfterFinishedAt, f.BeforeFinishedAt)
}

func (m taskMatcher) matchIndex(t *Task) bool {
	if t.IndexUID != "" && m.indexes[t.IndexUID] {
		return true
	}
	for _, uid := range t.OtherIndexes {
		if m.indexes[uid] {
			return true
		}
	}
	return false
}

// inWindow checks after < v < before for the bounds that are set; a zero v
// (unknown time) fails any bound.
func inWindow(v, after, before time.Time) bool {
	if after.IsZero() && before.IsZero() {
		return true
	}
	if v.IsZero() {
		return false
	}
	return (after.IsZero() || v.After(after)) && (before.IsZero() || v.Before(before))
}

// DefaultTaskLimit is Meilisearch's default page size for /tasks.
const DefaultTaskLimit = 20

// TaskPage selects one page: Limit tasks (DefaultTaskLimit when 0) starting
// at uid From (the newest task when nil), newest first unless Reverse.
type TaskPage struct {
	Limit   int     `json:"limit,omitempty"`
	From    *uint64 `json:"from,omitempty"`
	Reverse bool    `json:"reverse,omitempty"`
}

// TaskList is one page of tasks in Meilisearch's shape. Total counts every
// task matching the filter, regardless of From and Limit; Next is the From
// of the next page, nil on the last page.
type TaskList struct {
	Results []Task  `json:"results"`
	Total   int     `json:"total"`
	Limit   int     `json:"limit"`
	From    *uint64 `json:"from"`
	Next    *uint64 `json:"next"`
}

// ListTasks returns one page of the tasks matching f. With a uids filter it
// visits only those tasks; otherwise it scans the queue.
func (s *State) ListTasks(f TaskFilter, p TaskPage) TaskList {
	if p.Limit <= 0 {
		p.Limit = DefaultTaskLimit
	}
	list := TaskList{Results: []Task{}, Limit: p.Limit}
	m, cand := f.matcher(), s.candidates(f)
	for i := range s.pageOrder(p, cand) {
		t := s.tasks[i]
		if !m.match(t) {
			continue
		}
		if len(list.Results) == p.Limit {
			next := t.UID
			list.Next = &next
			break
		}
		list.Results = append(list.Results, *t)
	}
	list.Total = s.countTasks(m, cand)
	if len(list.Results) > 0 {
		from := list.Results[0].UID
		list.From = &from
	}
	return list
}

// candidates returns the ascending positions of the tasks a uids filter
// names, or nil when f has no uids filter (every task is a candidate).
func (s *State) candidates(f TaskFilter) []int {
	if len(f.UIDs) == 0 {
		return nil
	}
	pos := make([]int, 0, len(f.UIDs))
	for _, uid := range f.UIDs {
		if i, ok := s.taskPos(uid); ok {
			pos = append(pos, i)
		}
	}
	slices.Sort(pos)
	return slices.Compact(pos)
}

// pageOrder yields the positions to visit for p: from From towards older
// tasks, or towards newer ones when Reverse; only candidates when cand is
// not nil.
func (s *State) pageOrder(p TaskPage, cand []int) iter.Seq[int] {
	lo, hi := 0, len(s.tasks)-1 // inclusive bounds
	if p.From != nil {
		pos, found := s.taskPos(*p.From)
		if p.Reverse {
			lo = pos
		} else if hi = pos; !found {
			hi = pos - 1
		}
	}
	n := hi - lo + 1
	if cand != nil {
		n = len(cand)
	}
	return func(yield func(int) bool) {
		for k := range max(n, 0) {
			j := k // ascending rank within the range or the candidates
			if !p.Reverse {
				j = n - 1 - k
			}
			i := lo + j
			if cand != nil {
				if i = cand[j]; i < lo || i > hi {
					continue
				}
			}
			if !yield(i) {
				return
			}
		}
	}
}

func (s *State) countTasks(m taskMatcher, cand []int) int {
	if cand == nil && m.f.IsEmpty() && m.f.UIDsBelow == 0 {
		return len(s.tasks)
	}
	n := 0
	if cand != nil {
		for _, i := range cand {
			if m.match(s.tasks[i]) {
				n++
			}
		}
		return n
	}
	for _, t := range s.tasks {
		if m.match(t) {
			n++
		}
	}
	return n
}
