package meili

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TaskQueryKind says which route a task query is for: listing accepts
// limit/from/reverse; cancel and delete need at least one filter.
type TaskQueryKind int

// The task query kinds.
const (
	TaskQueryList TaskQueryKind = iota
	TaskQueryCancel
	TaskQueryDelete
)

// DefaultTaskLimit is the page size of GET /tasks when limit is absent.
const DefaultTaskLimit = 20

// TaskQuery is the filter of GET /tasks, POST /tasks/cancel and DELETE
// /tasks. Nil lists and nil times mean "any" (also when given as "*").
// Before* and After* bounds are exclusive; a date without time means the
// start of that day for Before* and the start of the next day for After*.
type TaskQuery struct {
	UIDs             []uint64
	BatchUIDs        []uint64
	CanceledBy       []uint64
	IndexUIDs        []string
	Types            []TaskType
	Statuses         []TaskStatus
	BeforeEnqueuedAt *time.Time
	AfterEnqueuedAt  *time.Time
	BeforeStartedAt  *time.Time
	AfterStartedAt   *time.Time
	BeforeFinishedAt *time.Time
	AfterFinishedAt  *time.Time
	Limit            int     // list only; DefaultTaskLimit when absent
	From             *uint64 // list only: the highest uid to return (lowest with Reverse)
	Reverse          bool    // list only: oldest first
}

var (
	taskListParams   = []string{"limit", "from", "reverse", "batchUids", "uids", "canceledBy", "types", "statuses", "indexUids", "afterEnqueuedAt", "beforeEnqueuedAt", "afterStartedAt", "beforeStartedAt", "afterFinishedAt", "beforeFinishedAt"}
	taskFilterParams = []string{"uids", "batchUids", "canceledBy", "types", "statuses", "indexUids", "afterEnqueuedAt", "beforeEnqueuedAt", "afterStartedAt", "beforeStartedAt", "afterFinishedAt", "beforeFinishedAt"}
	taskMissingOrder = "`uids`, `indexUids`, `statuses`, `types`, `canceledBy`, `beforeEnqueuedAt`, `afterEnqueuedAt`, `beforeStartedAt`, `afterStartedAt`, `beforeFinishedAt`, `afterFinishedAt`"
)

// ParseTaskQuery parses a task route's query string with Meilisearch's
// errors (invalid_task_*, invalid_batch_uids, invalid_index_uid,
// bad_request for unknown parameters, missing_task_filters for a cancel or
// delete without filters).
func ParseTaskQuery(values url.Values, kind TaskQueryKind) (TaskQuery, error) {
	allowed := taskFilterParams
	if kind == TaskQueryList {
		allowed = taskListParams
	}
	for _, k := range sortedParamNames(values) {
		if !slices.Contains(allowed, k) {
			return TaskQuery{}, Errorf(CodeBadRequest, "Unknown parameter `%s`: expected one of %s", k, backquoteList(allowed))
		}
	}
	q := TaskQuery{Limit: DefaultTaskLimit}
	p := taskParams{values}
	for _, step := range []func(*TaskQuery) error{p.lists, p.dates, p.paging} {
		if err := step(&q); err != nil {
			return TaskQuery{}, err
		}
	}
	if kind != TaskQueryList && !p.anyFilter() {
		verb := map[TaskQueryKind]string{TaskQueryCancel: "cancel", TaskQueryDelete: "delete"}[kind]
		return TaskQuery{}, Errorf(CodeMissingTaskFilters,
			"Query parameters to filter the tasks to %s are missing. Available query parameters are: %s.", verb, taskMissingOrder)
	}
	return q, nil
}

func sortedParamNames(values url.Values) []string {
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

type taskParams struct{ url.Values }

func (p taskParams) anyFilter() bool {
	for _, k := range taskFilterParams {
		if p.Has(k) {
			return true
		}
	}
	return false
}

// list splits a comma-separated parameter; nil means absent or "*".
func (p taskParams) list(name string) []string {
	if !p.Has(name) {
		return nil
	}
	items := strings.Split(p.Get(name), ",")
	for i := range items {
		items[i] = strings.TrimSpace(items[i])
	}
	if slices.Contains(items, "*") {
		return nil
	}
	return items
}

func paramAt(name string, i, n int) string {
	if n > 1 {
		return fmt.Sprintf("%s[%d]", name, i)
	}
	return name
}

func (p taskParams) uints(name string, code Code) ([]uint64, error) {
	items := p.list(name)
	var out []uint64
	for i, it := range items {
		n, err := strconv.ParseUint(it, 10, 32)
		if err != nil {
			return nil, Errorf(code, "Invalid value in parameter `%s`: could not parse `%s` as a positive integer", paramAt(name, i, len(items)), it)
		}
		out = append(out, n)
	}
	return out, nil
}

func (p taskParams) lists(q *TaskQuery) error {
	var err error
	if q.UIDs, err = p.uints("uids", CodeInvalidTaskUIDs); err != nil {
		return err
	}
	if q.BatchUIDs, err = p.uints("batchUids", CodeInvalidBatchUIDs); err != nil {
		return err
	}
	if q.CanceledBy, err = p.uints("canceledBy", CodeInvalidTaskCanceledBy); err != nil {
		return err
	}
	for _, uid := range p.list("indexUids") {
		if err := ValidateIndexUIDParam(uid, "indexUids"); err != nil {
			return err
		}
		q.IndexUIDs = append(q.IndexUIDs, uid)
	}
	for _, t := range p.list("types") {
		if !slices.Contains(TaskTypes(), TaskType(t)) {
			return Errorf(CodeInvalidTaskTypes, "Invalid value in parameter `types`: `%s` is not a valid task type. Available types are %s.", t, backquoteList(taskTypeNames()))
		}
		q.Types = append(q.Types, TaskType(t))
	}
	for _, s := range p.list("statuses") {
		if !slices.Contains(TaskStatuses(), TaskStatus(s)) {
			return Errorf(CodeInvalidTaskStatuses, "Invalid value in parameter `statuses`: `%s` is not a valid task status. Available statuses are `enqueued`, `processing`, `succeeded`, `failed`, `canceled`.", s)
		}
		q.Statuses = append(q.Statuses, TaskStatus(s))
	}
	return nil
}

func taskTypeNames() []string {
	var names []string
	for _, t := range TaskTypes() {
		names = append(names, string(t))
	}
	return names
}

func (p taskParams) dates(q *TaskQuery) error {
	for _, d := range []struct {
		name  string
		after bool
		code  Code
		dst   **time.Time
	}{
		{"beforeEnqueuedAt", false, CodeInvalidTaskBeforeEnqueuedAt, &q.BeforeEnqueuedAt},
		{"afterEnqueuedAt", true, CodeInvalidTaskAfterEnqueuedAt, &q.AfterEnqueuedAt},
		{"beforeStartedAt", false, CodeInvalidTaskBeforeStartedAt, &q.BeforeStartedAt},
		{"afterStartedAt", true, CodeInvalidTaskAfterStartedAt, &q.AfterStartedAt},
		{"beforeFinishedAt", false, CodeInvalidTaskBeforeFinishedAt, &q.BeforeFinishedAt},
		{"afterFinishedAt", true, CodeInvalidTaskAfterFinishedAt, &q.AfterFinishedAt},
	} {
		v := p.Get(d.name)
		if !p.Has(d.name) || v == "*" {
			continue
		}
		t, ok := parseTaskDate(v, d.after)
		if !ok {
			return Errorf(d.code, "Invalid value in parameter `%s`: `%s` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format.", d.name, v)
		}
		*d.dst = &t
	}
	return nil
}

func parseTaskDate(v string, after bool) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), true
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, false
	}
	if after {
		t = t.AddDate(0, 0, 1)
	}
	return t, true
}

func (p taskParams) paging(q *TaskQuery) error {
	if p.Has("limit") {
		n, err := strconv.ParseUint(p.Get("limit"), 10, 32)
		if err != nil {
			return Errorf(CodeInvalidTaskLimit, "Invalid value in parameter `limit`: could not parse `%s` as a positive integer", p.Get("limit"))
		}
		q.Limit = int(n)
	}
	if p.Has("from") {
		n, err := strconv.ParseUint(p.Get("from"), 10, 32)
		if err != nil {
			return Errorf(CodeInvalidTaskFrom, "Invalid value in parameter `from`: could not parse `%s` as a positive integer", p.Get("from"))
		}
		q.From = &n
	}
	if p.Has("reverse") {
		switch v := p.Get("reverse"); v {
		case "true", "false":
			q.Reverse = v == "true"
		default:
			return Errorf(CodeInvalidTaskReverse, "Invalid value in parameter `reverse`: could not parse `%s` as a boolean, expected either `true` or `false`", v)
		}
	}
	return nil
}

// Matches reports whether t passes every filter of q (paging aside).
func (q *TaskQuery) Matches(t *Task) bool {
	return matchUint(q.UIDs, &t.UID) && matchUint(q.BatchUIDs, t.BatchUID) &&
		matchUint(q.CanceledBy, t.CanceledBy) && matchIndex(q.IndexUIDs, t.IndexUID) &&
		(q.Types == nil || slices.Contains(q.Types, t.Type)) &&
		(q.Statuses == nil || slices.Contains(q.Statuses, t.Status)) &&
		inWindow(&t.EnqueuedAt, q.AfterEnqueuedAt, q.BeforeEnqueuedAt) &&
		inWindow(t.StartedAt, q.AfterStartedAt, q.BeforeStartedAt) &&
		inWindow(t.FinishedAt, q.AfterFinishedAt, q.BeforeFinishedAt)
}

func matchUint(want []uint64, got *uint64) bool {
	return want == nil || (got != nil && slices.Contains(want, *got))
}

func matchIndex(want []string, got *string) bool {
	return want == nil || (got != nil && slices.Contains(want, *got))
}

func inWindow(t, after, before *time.Time) bool {
	if after == nil && before == nil {
		return true
	}
	if t == nil {
		return false
	}
	return (after == nil || t.After(*after)) && (before == nil || t.Before(*before))
}
