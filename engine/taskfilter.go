package engine

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/miroir-search/miroir/meili"
)

// taskFilter is the parsed query of GET /tasks, POST /tasks/cancel and
// DELETE /tasks. A nil set means "no constraint" (absent or "*").
type taskFilter struct {
	uids, batchUIDs, canceledBy map[uint64]bool
	indexUIDs, types, statuses  map[string]bool
	beforeEnq, afterEnq         *time.Time
	beforeStart, afterStart     *time.Time
	beforeFinish, afterFinish   *time.Time
	limit                       int
	from                        *uint64
	reverse                     bool
	set                         int // how many filter parameters were given
}

// parseTaskFilter parses v. listing enables limit/from/reverse; otherwise
// those are rejected as unknown, as on the cancel and delete routes.
func parseTaskFilter(v url.Values, listing bool) (*taskFilter, error) {
	f := &taskFilter{limit: 20}
	for name := range v {
		if err := f.parseParam(name, v.Get(name), listing); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *taskFilter) parseParam(name, raw string, listing bool) error {
	var err error
	switch name {
	case "uids":
		f.uids, err = parseUIDSet(raw, "uids", meili.CodeInvalidTaskUIDs)
	case "batchUids":
		f.batchUIDs, err = parseUIDSet(raw, "batchUids", "invalid_task_batch_uids")
	case "canceledBy":
		f.canceledBy, err = parseUIDSet(raw, "canceledBy", "invalid_task_canceled_by")
	case "indexUids":
		f.indexUIDs = parseStringSet(raw)
	case "types":
		f.types, err = parseEnumSet(raw, "types", taskKinds, meili.CodeInvalidTaskTypes)
	case "statuses":
		f.statuses, err = parseEnumSet(raw, "statuses", taskStatuses, meili.CodeInvalidTaskStatuses)
	case "beforeEnqueuedAt", "afterEnqueuedAt", "beforeStartedAt", "afterStartedAt", "beforeFinishedAt", "afterFinishedAt":
		return f.parseDate(name, raw)
	case "limit", "from", "reverse":
		if !listing {
			return reqErr(meili.CodeBadRequest, "Unknown parameter `%s`: expected one of `uids`, `batchUids`, `canceledBy`, `types`, `statuses`, `indexUids`, `afterEnqueuedAt`, `beforeEnqueuedAt`, `afterStartedAt`, `beforeStartedAt`, `afterFinishedAt`, `beforeFinishedAt`", name)
		}
		return f.parsePaging(name, raw)
	default:
		return reqErr(meili.CodeBadRequest, "Unknown parameter `%s`: expected one of `limit`, `from`, `reverse`, `uids`, `batchUids`, `canceledBy`, `types`, `statuses`, `indexUids`, `afterEnqueuedAt`, `beforeEnqueuedAt`, `afterStartedAt`, `beforeStartedAt`, `afterFinishedAt`, `beforeFinishedAt`", name)
	}
	f.set++
	return err
}

func (f *taskFilter) parsePaging(name, raw string) error {
	switch name {
	case "limit":
		n, err := strconv.ParseUint(raw, 10, 32)
		if err != nil {
			return reqErr(meili.CodeInvalidTaskLimit, "Invalid value in parameter `limit`: could not parse `%s` as a positive integer", raw)
		}
		f.limit = int(n)
	case "from":
		n, err := strconv.ParseUint(raw, 10, 32)
		if err != nil {
			return reqErr(meili.CodeInvalidTaskFrom, "Invalid value in parameter `from`: could not parse `%s` as a positive integer", raw)
		}
		f.from = &n
	case "reverse":
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return reqErr("invalid_task_reverse", "Invalid value in parameter `reverse`: could not parse `%s` as a boolean, expected either `true` or `false`", raw)
		}
		f.reverse = b
	}
	return nil
}

func (f *taskFilter) parseDate(name, raw string) error {
	t, err := parseTaskDate(raw)
	if err != nil {
		code := "invalid_task_" + camelToSnake(name)
		return reqErr(meili.Code(code), "`%s` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format.", raw)
	}
	targets := map[string]**time.Time{
		"beforeEnqueuedAt": &f.beforeEnq, "afterEnqueuedAt": &f.afterEnq,
		"beforeStartedAt": &f.beforeStart, "afterStartedAt": &f.afterStart,
		"beforeFinishedAt": &f.beforeFinish, "afterFinishedAt": &f.afterFinish,
	}
	*targets[name] = &t
	f.set++
	return nil
}

func parseTaskDate(raw string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, raw); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", raw)
}

func camelToSnake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func splitList(raw string) []string {
	var out []string
	for _, p := range strings.Split(raw, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseUIDSet(raw, param string, code meili.Code) (map[uint64]bool, error) {
	if strings.TrimSpace(raw) == "*" {
		return nil, nil
	}
	set := map[uint64]bool{}
	for _, p := range splitList(raw) {
		n, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return nil, reqErr(code, "Invalid value in parameter `%s`: could not parse `%s` as a positive integer", param, p)
		}
		set[n] = true
	}
	return set, nil
}

func parseStringSet(raw string) map[string]bool {
	if strings.TrimSpace(raw) == "*" {
		return nil
	}
	set := map[string]bool{}
	for _, p := range splitList(raw) {
		set[p] = true
	}
	return set
}

func parseEnumSet(raw, param string, allowed []string, code meili.Code) (map[string]bool, error) {
	set := parseStringSet(raw)
	for v := range set {
		if v == "*" {
			return nil, nil
		}
		if !slices.Contains(allowed, v) {
			return nil, reqErr(code, "Invalid value in parameter `%s`: `%s` is not a valid task %s. Available %s are `%s`.",
				param, v, strings.TrimSuffix(param, "es"), param, strings.Join(allowed, "`, `"))
		}
	}
	return set, nil
}

// match reports whether t passes every constraint of f (paging aside).
func (f *taskFilter) match(t *task) bool {
	if f.uids != nil && !f.uids[t.UID] {
		return false
	}
	if f.batchUIDs != nil && (t.BatchUID == nil || !f.batchUIDs[*t.BatchUID]) {
		return false
	}
	if f.canceledBy != nil && (t.CanceledBy == nil || !f.canceledBy[*t.CanceledBy]) {
		return false
	}
	if f.indexUIDs != nil && (t.IndexUID == nil || !f.indexUIDs[*t.IndexUID]) {
		return false
	}
	if f.types != nil && !f.types[t.Type] {
		return false
	}
	if f.statuses != nil && !f.statuses[t.Status] {
		return false
	}
	return f.matchDates(t)
}

func (f *taskFilter) matchDates(t *task) bool {
	return inRange(&t.EnqueuedAt, f.beforeEnq, f.afterEnq) &&
		inRange(t.StartedAt, f.beforeStart, f.afterStart) &&
		inRange(t.FinishedAt, f.beforeFinish, f.afterFinish)
}

func inRange(at, before, after *time.Time) bool {
	if before == nil && after == nil {
		return true
	}
	if at == nil {
		return false
	}
	return (before == nil || at.Before(*before)) && (after == nil || at.After(*after))
}
