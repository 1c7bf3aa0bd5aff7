package store

import "sort"

// TasksFrom returns up to max tasks whose uid is at least uid, in uid
// order. It costs O(log n + max), so a leader loop can follow new tasks
// without scanning the whole queue.
func (s *State) TasksFrom(uid uint64, max int) []Task {
	i := sort.Search(len(s.tasks), func(i int) bool { return s.tasks[i].UID >= uid })
	end := min(len(s.tasks), i+max)
	out := make([]Task, 0, end-i)
	for _, t := range s.tasks[i:end] {
		out = append(out, *t)
	}
	return out
}
