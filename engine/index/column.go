package index

import "sort"

// column is a facet column: for one path, the distinct values (grouped by
// their facet form) and, per slot, the value ids of that document. Columns
// are built lazily and dropped on every write.
type column struct {
	values []colValue
	start  []int32 // per slot: ids[start[slot]:start[slot+1]]
	rank   []int32 // value id -> position in sort order
	ids    []int32
}

type colValue struct {
	norm    string
	display string
	kind    leafKind
	num     float64
}

func (c *column) of(slot uint32) []int32 { return c.ids[c.start[slot]:c.start[slot+1]] }

// column returns the column of path id pid. Callers hold the Index read
// lock; writers (exclusive) reset m.columns.
func (m *mem) column(pid uint32) *column {
	m.orderMu.Lock()
	defer m.orderMu.Unlock()
	if c, ok := m.columns[pid]; ok {
		return c
	}
	c := buildColumn(m, pid)
	if m.columns == nil {
		m.columns = map[uint32]*column{}
	}
	m.columns[pid] = c
	return c
}

func buildColumn(m *mem, pid uint32) *column {
	c := &column{start: make([]int32, len(m.docs)+1)}
	byNorm := map[string]int32{}
	for slot, d := range m.docs {
		c.start[slot] = int32(len(c.ids))
		if !d.alive {
			continue
		}
		first := len(c.ids)
		for _, l := range leaves(d, pid) {
			if l.kind != leafString && l.kind != leafNumber && l.kind != leafBool {
				continue
			}
			id, ok := byNorm[l.norm]
			if !ok {
				id = int32(len(c.values))
				byNorm[l.norm] = id
				v := colValue{norm: l.norm, display: l.norm, kind: l.kind, num: l.num}
				if l.kind == leafString {
					v.display = l.str
				}
				c.values = append(c.values, v)
			}
			if !containsID(c.ids[first:], id) {
				c.ids = append(c.ids, id)
			}
		}
	}
	c.start[len(m.docs)] = int32(len(c.ids))
	c.rankValues()
	return c
}

// rankValues orders the values as the sort rule does (numbers, then
// strings) so that sorting compares integers.
func (c *column) rankValues() {
	order := make([]int32, len(c.values))
	for i := range order {
		order[i] = int32(i)
	}
	key := func(i int32) sortVal { return c.sortVal(i) }
	sort.Slice(order, func(a, b int) bool { return cmpSort(key(order[a]), key(order[b]), true) < 0 })
	c.rank = make([]int32, len(c.values))
	for pos, id := range order {
		c.rank[id] = int32(pos)
	}
}

func (c *column) sortVal(id int32) sortVal {
	v := c.values[id]
	if v.kind == leafNumber {
		return sortVal{kind: sortNum, num: v.num, rank: -1}
	}
	return sortVal{kind: sortStr, str: v.norm, rank: -1}
}

// sortValue is the value slot sorts by: its smallest value ascending, its
// largest descending.
func (c *column) sortValue(slot uint32, asc bool) sortVal {
	best := int32(-1)
	for _, id := range c.of(slot) {
		if best < 0 || (asc && c.rank[id] < c.rank[best]) || (!asc && c.rank[id] > c.rank[best]) {
			best = id
		}
	}
	if best < 0 {
		return sortVal{rank: -1}
	}
	v := c.sortVal(best)
	v.rank = c.rank[best]
	return v
}

func containsID(list []int32, id int32) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}
