package store

import (
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"time"
)

// TaskStatus is the status of a client-visible task.
type TaskStatus string

const (
	TaskEnqueued   TaskStatus = "enqueued"
	TaskProcessing TaskStatus = "processing"
	TaskSucceeded  TaskStatus = "succeeded"
	TaskFailed     TaskStatus = "failed"
	TaskCanceled   TaskStatus = "canceled"
)

// Terminal reports whether a task in this status can no longer change.
func (s TaskStatus) Terminal() bool {
	return s == TaskSucceeded || s == TaskFailed || s == TaskCanceled
}

func (s TaskStatus) valid() bool {
	return s == TaskEnqueued || s == TaskProcessing || s.Terminal()
}

// TaskError is the Meilisearch error object of a failed task.
type TaskError struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Type    string `json:"type"`
	Link    string `json:"link"`
}

// Task is one client-visible task. Times that are not known yet are zero.
type Task struct {
	UID            uint64            `json:"uid"`
	Type           string            `json:"type"` // Meilisearch kind, e.g. documentAdditionOrUpdate
	IndexUID       string            `json:"indexUid,omitempty"`
	OtherIndexes   []string          `json:"otherIndexes,omitempty"` // also matched by the indexUids filter (index swaps)
	Status         TaskStatus        `json:"status"`
	Details        json.RawMessage   `json:"details,omitempty"` // compact JSON
	Error          *TaskError        `json:"error,omitempty"`
	CanceledBy     *uint64           `json:"canceledBy,omitempty"`
	EnqueuedAt     time.Time         `json:"enqueuedAt"`
	StartedAt      time.Time         `json:"startedAt,omitzero"`
	FinishedAt     time.Time         `json:"finishedAt,omitzero"`
	NodeTasks      map[string]uint64 `json:"nodeTasks,omitempty"` // node id -> node task uid
	RequestID      string            `json:"requestId,omitempty"` // the client request that created it
	CustomMetadata string            `json:"customMetadata,omitempty"`
	// Payload is what the leader needs to run a task no node runs (an
	// export's request, API key included). Never shown to clients.
	Payload json.RawMessage `json:"payload,omitempty"`
}

// NewTask describes a task to register.
type NewTask struct {
	Type     string `json:"type"`
	IndexUID string `json:"indexUid,omitempty"`
	// OtherIndexes are further indexes the task concerns, matched by the
	// indexUids filter as Meilisearch does for index swaps (whose indexUid
	// is null).
	OtherIndexes   []string        `json:"otherIndexes,omitempty"`
	Details        json.RawMessage `json:"details,omitempty"`
	RequestID      string          `json:"requestId,omitempty"`
	CustomMetadata string          `json:"customMetadata,omitempty"`
	// EnsureIndex, when set, creates IndexUID with this spec if it does not
	// exist, and sets its primary key if the index has none, in the same
	// step as the uid allocation (a document write to an unknown index
	// creates it). A primary key that differs from the index's registers
	// the task as failed with ErrPrimaryKeyExists, as Meilisearch does.
	EnsureIndex *NewIndex `json:"ensureIndex,omitempty"`
	// Payload becomes Task.Payload (compact JSON).
	Payload json.RawMessage `json:"payload,omitempty"`
}

// RegisteredTask is what registration tells the proposer about each task.
type RegisteredTask struct {
	UID          uint64     `json:"uid"`
	Status       TaskStatus `json:"status"` // enqueued, or failed at registration
	EnqueuedAt   time.Time  `json:"enqueuedAt"`
	PrimaryKey   string     `json:"primaryKey,omitempty"` // the index's key after registration
	IndexCreated bool       `json:"indexCreated,omitempty"`
}

// RegisterTasks allocates one uid per task, in order, strictly increasing
// across the whole log. It validates every task before changing anything,
// so a command either registers all its tasks or none.
func (s *State) RegisterTasks(ts []NewTask, at time.Time) ([]RegisteredTask, error) {
	if len(ts) == 0 {
		return nil, errorf(ErrInvalid, "no task to register")
	}
	prepared := make([]NewTask, len(ts))
	for i, t := range ts {
		p, err := t.normalize()
		if err != nil {
			return nil, err
		}
		prepared[i] = p
	}
	out := make([]RegisteredTask, len(prepared))
	for i, t := range prepared {
		out[i] = s.registerTask(t, utc(at))
	}
	s.trimTasks(TaskQueueMax, TaskQueueTrim)
	return out, nil
}

func (t NewTask) normalize() (NewTask, error) {
	if t.Type == "" {
		return t, errorf(ErrInvalid, "a task needs a type")
	}
	details, err := compactJSON(t.Details)
	if err != nil {
		return t, err
	}
	t.Details = details
	if t.Payload, err = compactJSON(t.Payload); err != nil {
		return t, err
	}
	t.OtherIndexes = slices.Clone(t.OtherIndexes)
	if t.EnsureIndex != nil {
		spec := *t.EnsureIndex
		spec.UID = t.IndexUID
		if spec, err = spec.normalize(); err != nil {
			return t, err
		}
		t.EnsureIndex = &spec
	}
	return t, nil
}

func (s *State) registerTask(t NewTask, at time.Time) RegisteredTask {
	task := Task{
		UID: s.nextTaskUID, Type: t.Type, IndexUID: t.IndexUID, OtherIndexes: t.OtherIndexes, Status: TaskEnqueued,
		Details: t.Details, EnqueuedAt: at, RequestID: t.RequestID, CustomMetadata: t.CustomMetadata,
		Payload: t.Payload,
	}
	s.nextTaskUID++
	reg := RegisteredTask{UID: task.UID, EnqueuedAt: at}
	if t.EnsureIndex != nil {
		created, pk, err := s.ensureIndex(*t.EnsureIndex, at)
		reg.IndexCreated, reg.PrimaryKey = created, pk
		if err != nil {
			task.Status, task.StartedAt, task.FinishedAt = TaskFailed, at, at
			task.Error = registrationError(err)
		}
	}
	reg.Status = task.Status
	s.tasks = append(s.tasks, &task)
	return reg
}

// ensureIndex creates the index or fills in its primary key. The spec was
// normalised, so creation cannot fail; only a primary key conflict can.
func (s *State) ensureIndex(spec NewIndex, at time.Time) (created bool, pk string, err error) {
	if _, alias := s.aliases[spec.UID]; alias {
		return false, "", errorf(ErrAliasConflict, "`%s` is an alias; write to the index it names.", spec.UID)
	}
	if _, ok := s.indexes[spec.UID]; !ok {
		idx, _ := s.CreateIndex(spec, at)
		return true, idx.PrimaryKey, nil
	}
	idx, err := s.SetPrimaryKey(spec.UID, spec.PrimaryKey, false, at)
	if err != nil {
		return false, s.indexes[spec.UID].PrimaryKey, err
	}
	return false, idx.PrimaryKey, nil
}

// registrationError is the task error of a task that failed while being
// registered.
func registrationError(err error) *TaskError {
	code := "miroir_alias_conflict"
	if errors.Is(err, ErrPrimaryKeyExists) {
		code = "index_primary_key_already_exists"
	}
	return &TaskError{Message: err.Error(), Code: code, Type: "invalid_request",
		Link: "https://docs.meilisearch.com/errors#" + code}
}

// taskPos returns the position of uid in s.tasks.
func (s *State) taskPos(uid uint64) (int, bool) {
	i := sort.Search(len(s.tasks), func(i int) bool { return s.tasks[i].UID >= uid })
	return i, i < len(s.tasks) && s.tasks[i].UID == uid
}

// Task returns one task.
func (s *State) Task(uid uint64) (Task, bool) {
	i, ok := s.taskPos(uid)
	if !ok {
		return Task{}, false
	}
	return *s.tasks[i], true
}

// NextTaskUID is the uid the next registered task will get.
func (s *State) NextTaskUID() uint64 { return s.nextTaskUID }

// TaskCount is the number of tasks held (pruned and deleted ones excluded).
func (s *State) TaskCount() int { return len(s.tasks) }

// OpenTasks returns the tasks that are enqueued or processing, oldest first.
func (s *State) OpenTasks() []Task {
	var out []Task
	for _, t := range s.tasks {
		if !t.Status.Terminal() {
			out = append(out, *t)
		}
	}
	return out
}
