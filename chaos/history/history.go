package history

import (
	"fmt"
	"math"
	"sort"
	"sync"
	"time"
)

// Status is the outcome of an operation.
type Status string

const (
	StatusOK      Status = "ok"
	StatusFail    Status = "fail"
	StatusUnknown Status = "unknown"
)

// Kind names an operation.
type Kind string

const (
	// Document writes (one task each).
	KindUpsert Kind = "doc.upsert" // add or replace documents
	KindUpdate Kind = "doc.update" // partial update (creates missing documents)
	KindDelete Kind = "doc.delete" // delete by id
	// Document reads.
	KindGet    Kind = "doc.get"
	KindSearch Kind = "search"
	// Metadata.
	KindCreate     Kind = "meta.create"   // create an entity (index, key, node)
	KindDrop       Kind = "meta.delete"   // delete an entity
	KindSet        Kind = "meta.set"      // set an entity's value (e.g. settings)
	KindRead       Kind = "meta.read"     // read one entity's existence and value
	KindTaskStatus Kind = "task.observed" // a task's status as seen by one GET /tasks/{uid}
)

// Infinity is the Return time of operations that never completed.
const Infinity = int64(math.MaxInt64)

// DocVersion is one document as written or seen: its id and the value of its
// version counter (0 for a delete, or for a read of an absent document).
type DocVersion struct {
	ID      string `json:"id"`
	Version int64  `json:"version"`
	Index   string `json:"index,omitempty"` // index the document says it belongs to (hits only)
}

// Op is one operation of the history.
type Op struct {
	ID     int    `json:"id"`
	Client int    `json:"client"`
	Kind   Kind   `json:"kind"`
	Index  string `json:"index,omitempty"`  // index uid, for document ops and index metadata
	Entity string `json:"entity,omitempty"` // metadata entity, "index:<uid>", "key:<uid>", "node:<id>"
	// Docs are the documents a write carries (with the version it writes).
	Docs []DocVersion `json:"docs,omitempty"`
	// Value is the value a meta.set writes or a meta.read saw.
	Value string `json:"value,omitempty"`

	Peer   string `json:"peer,omitempty"` // the peer (host:port) that answered, for diagnosis
	Call   int64  `json:"call"`           // ns since the history's start
	Return int64  `json:"return"`         // ns since the history's start; Infinity if never completed
	Status Status `json:"status"`
	Err    string `json:"err,omitempty"`
	Code   string `json:"code,omitempty"` // Meilisearch error code, when any

	TaskUID    int64  `json:"taskUid"` // -1: no task was allocated (task uids start at 0)
	TaskStatus string `json:"taskStatus,omitempty"`
	// Hits are the documents a search or get returned, in order.
	Hits []DocVersion `json:"hits,omitempty"`
	// Exists is what a meta.read saw, or, for a meta.create/meta.delete that
	// failed with already-exists/not-found, what that failure implies.
	Exists bool `json:"exists,omitempty"`
}

// Event is something the harness did (a fault injected or healed).
type Event struct {
	At   int64  `json:"at"` // ns since the history's start
	What string `json:"what"`
}

// History is safe for concurrent use by many clients.
type History struct {
	mu     sync.Mutex
	start  time.Time
	ops    []Op
	events []Event
}

// New starts an empty history; its clock starts now.
func New() *History { return &History{start: time.Now()} }

// Start is the wall-clock origin of every timestamp in the history.
func (h *History) Start() time.Time { return h.start }

func (h *History) now() int64 { return int64(time.Since(h.start)) }

// Pending is an invoked operation awaiting completion.
type Pending struct {
	h  *History
	id int
}

// Invoke records op as invoked now, with an unknown outcome until Complete.
func (h *History) Invoke(op Op) Pending {
	h.mu.Lock()
	defer h.mu.Unlock()
	op.ID = len(h.ops)
	op.Call = h.now()
	op.Return = Infinity
	op.Status = StatusUnknown
	op.TaskUID = -1 // set by Complete once a task is allocated
	h.ops = append(h.ops, op)
	return Pending{h: h, id: op.ID}
}

// Result is what a completed operation learned.
type Result struct {
	Status     Status
	Err        error
	Code       string
	HasTask    bool // a task was allocated: TaskUID is meaningful
	TaskUID    int64
	TaskStatus string
	Hits       []DocVersion
	Exists     bool
	Value      string
	Peer       string
}

// Complete records the outcome of p now. An unknown outcome keeps Return at
// Infinity: the operation may take effect at any later time.
func (p Pending) Complete(r Result) {
	h := p.h
	h.mu.Lock()
	defer h.mu.Unlock()
	op := &h.ops[p.id]
	op.Status = r.Status
	if r.Status != StatusUnknown {
		op.Return = h.now()
	}
	if r.Err != nil {
		op.Err = r.Err.Error()
	}
	op.Code = r.Code
	if r.HasTask {
		op.TaskUID = r.TaskUID
	}
	op.TaskStatus, op.Hits, op.Exists, op.Peer = r.TaskStatus, r.Hits, r.Exists, r.Peer
	if r.Value != "" {
		op.Value = r.Value
	}
}

// Record appends an operation that already completed, with the Call and
// Return the caller measured on Now, and its TaskUID set (-1 for none). Observations that only matter when
// they say something new (a task's status changed) are recorded this way,
// so that unchanged polls do not flood the history.
func (h *History) Record(op Op) {
	h.mu.Lock()
	defer h.mu.Unlock()
	op.ID = len(h.ops)
	h.ops = append(h.ops, op)
}

// Note records an event, e.g. "SIGKILL peer2 (leader)".
func (h *History) Note(format string, args ...any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.events = append(h.events, Event{At: h.now(), What: fmt.Sprintf(format, args...)})
}

// Now is the current time on the history's clock.
func (h *History) Now() int64 { return h.now() }

// Ops returns a copy of every operation, in invocation order.
func (h *History) Ops() []Op {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Op(nil), h.ops...)
}

// Events returns a copy of the events, in order.
func (h *History) Events() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	ev := append([]Event(nil), h.events...)
	sort.SliceStable(ev, func(i, j int) bool { return ev[i].At < ev[j].At })
	return ev
}

// Counts tallies operations by status.
type Counts struct {
	Attempted, OK, Fail, Unknown int
}

func (c Counts) String() string { return fmt.Sprintf("%d/%d/%d", c.OK, c.Fail, c.Unknown) }

// Count tallies ops whose kind is one of kinds (all ops when kinds is empty).
func Count(ops []Op, kinds ...Kind) Counts {
	var c Counts
	for _, op := range ops {
		if len(kinds) > 0 && !hasKind(kinds, op.Kind) {
			continue
		}
		c.Attempted++
		switch op.Status {
		case StatusOK:
			c.OK++
		case StatusFail:
			c.Fail++
		default:
			c.Unknown++
		}
	}
	return c
}

func hasKind(kinds []Kind, k Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// IsWrite reports whether k is a document write.
func IsWrite(k Kind) bool { return k == KindUpsert || k == KindUpdate || k == KindDelete }
