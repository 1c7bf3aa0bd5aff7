package proxy

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// taskList is Meilisearch's /tasks page.
type taskList struct {
	Results []taskView `json:"results"`
	Total   int        `json:"total"`
	Limit   int        `json:"limit"`
	From    *uint64    `json:"from"`
	Next    *uint64    `json:"next"`
}

func (p *Proxy) listTasks(c echo.Context) error {
	f, err := parseTaskFilter(c.QueryParams())
	if err != nil {
		return err
	}
	pg, err := parseTaskPage(c.QueryParams())
	if err != nil {
		return err
	}
	p.catchUp(c.Request().Context())
	var list store.TaskList
	p.state.Read(func(s *store.State) { list = s.ListTasks(f, pg) })
	out := taskList{Results: make([]taskView, len(list.Results)), Total: list.Total, Limit: list.Limit, From: list.From, Next: list.Next}
	for i, t := range list.Results {
		out.Results[i] = viewTask(t)
	}
	return c.JSON(http.StatusOK, out)
}

func (p *Proxy) getTask(c echo.Context) error {
	uid, err := strconv.ParseUint(c.Param("uid"), 10, 64)
	if err != nil {
		return meili.Errorf(meili.CodeInvalidTaskUIDs, "Invalid value in parameter `taskUid`: could not parse `%s` as a positive integer", c.Param("uid"))
	}
	p.catchUp(c.Request().Context())
	t, ok := p.awaitTask(c.Request().Context(), uid)
	if !ok {
		return meili.Errorf(meili.CodeTaskNotFound, "Task `%d` not found.", uid)
	}
	return c.JSON(http.StatusOK, viewTask(t))
}

// taskVisibilityWait bounds how long GET /tasks/{uid} waits for a task uid
// this peer has not applied yet: a client that wrote through another peer
// and polls this one (SDK waitForTask) sees its task once replication
// catches up instead of a spurious task_not_found.
const taskVisibilityWait = 2 * time.Second

// catchUp is the read barrier of task reads: it waits (at most
// taskVisibilityWait) until this peer applied every entry it knows to be
// committed, when the State can tell (CommitIndexer). A peer that cannot
// catch up in time answers from its state as it is.
func (p *Proxy) catchUp(ctx context.Context) {
	ci, ok := p.state.(CommitIndexer)
	if !ok {
		return
	}
	want := ci.CommitIndex()
	if p.state.AppliedIndex() >= want || p.stuckCommit.Load() == want {
		return
	}
	wctx, cancel := context.WithTimeout(ctx, taskVisibilityWait)
	defer cancel()
	if err := p.state.WaitApplied(wctx, want); err != nil {
		if ctx.Err() == nil {
			// The state never reaches this index (e.g. the last committed
			// entry is a raft no-op the FSM does not apply): do not make
			// every read wait for it.
			p.stuckCommit.Store(want)
		}
		p.log.Debug("task read answered before catching up", "commitIndex", want, "applied", p.state.AppliedIndex(), "err", err)
	}
}

func (p *Proxy) awaitTask(ctx context.Context, uid uint64) (store.Task, bool) {
	deadline := time.Now().Add(taskVisibilityWait)
	for {
		var t store.Task
		var ok, future bool
		p.state.Read(func(s *store.State) {
			t, ok = s.Task(uid)
			future = uid >= s.NextTaskUID()
		})
		if ok || !future || time.Now().After(deadline) || ctx.Err() != nil {
			return t, ok
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// cancelTasks registers a taskCancelation task and cancels the matching
// open tasks in the state; node tasks behind them are canceled too.
func (p *Proxy) cancelTasks(c echo.Context) error {
	return p.taskCommand(c, kindTaskCancelation, "canceledTasks", func(ctx context.Context, f store.TaskFilter, uid uint64) ([]uint64, error) {
		uids, err := p.catalog.CancelTasks(ctx, f, uid)
		if err == nil {
			p.cancelNodeTasks(ctx, uids)
		}
		return uids, err
	})
}

// deleteTasks registers a taskDeletion task and deletes the matching
// finished tasks.
func (p *Proxy) deleteTasks(c echo.Context) error {
	return p.taskCommand(c, kindTaskDeletion, "deletedTasks", func(ctx context.Context, f store.TaskFilter, _ uint64) ([]uint64, error) {
		return p.catalog.DeleteTasks(ctx, f)
	})
}

func (p *Proxy) taskCommand(c echo.Context, typ, countField string, apply func(context.Context, store.TaskFilter, uint64) ([]uint64, error)) error {
	ctx := c.Request().Context()
	f, err := parseTaskFilter(c.QueryParams())
	if err != nil {
		return err
	}
	if f.IsEmpty() {
		return meili.Errorf(meili.CodeMissingTaskFilters,
			"Query parameters to filter the tasks to %s are missing. Available query parameters are: `uids`, `indexUids`, `statuses`, `types`, `canceledBy`, `beforeEnqueuedAt`, `afterEnqueuedAt`, `beforeStartedAt`, `afterStartedAt`, `beforeFinishedAt`, `afterFinishedAt`.",
			map[string]string{kindTaskCancelation: "cancel", kindTaskDeletion: "delete"}[typ])
	}
	filter := "?" + c.QueryParams().Encode()
	var matched int
	p.state.Read(func(s *store.State) { matched = s.ListTasks(f, store.TaskPage{Limit: 1}).Total })
	reg, _, err := p.register(ctx, store.NewTask{Type: typ, RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata"),
		Details: mustJSON(map[string]any{"matchedTasks": matched, countField: nil, "originalFilter": filter})})
	if err != nil {
		return err
	}
	ctx = context.WithoutCancel(ctx)
	uids, err := apply(ctx, f, reg.UID)
	p.finish(ctx, reg.UID, mustJSON(map[string]any{"matchedTasks": matched, countField: len(uids), "originalFilter": filter}), err)
	// Meilisearch answers task cancelation and deletion with 200.
	return c.JSON(http.StatusOK, summarize(reg.UID, "", typ, reg.EnqueuedAt))
}

// parseTaskFilter reads Meilisearch's /tasks filters.
func parseTaskFilter(v url.Values) (store.TaskFilter, error) {
	var f store.TaskFilter
	var err error
	if f.UIDs, err = uintList(v.Get("uids"), meili.CodeInvalidTaskUIDs, "uids"); err != nil {
		return f, err
	}
	if f.CanceledBy, err = uintList(v.Get("canceledBy"), meili.Code("invalid_task_canceled_by"), "canceledBy"); err != nil {
		return f, err
	}
	f.IndexUIDs = strList(v.Get("indexUids"))
	f.Types = strList(v.Get("types"))
	for _, s := range strList(v.Get("statuses")) {
		f.Statuses = append(f.Statuses, store.TaskStatus(s))
	}
	times := []struct {
		name string
		dst  *time.Time
	}{
		{"beforeEnqueuedAt", &f.BeforeEnqueuedAt}, {"afterEnqueuedAt", &f.AfterEnqueuedAt},
		{"beforeStartedAt", &f.BeforeStartedAt}, {"afterStartedAt", &f.AfterStartedAt},
		{"beforeFinishedAt", &f.BeforeFinishedAt}, {"afterFinishedAt", &f.AfterFinishedAt},
	}
	for _, tm := range times {
		if s := v.Get(tm.name); s != "" {
			t, perr := parseTaskTime(s)
			if perr != nil {
				return f, meili.Errorf(meili.Code("invalid_task_"+snakeCase(tm.name)),
					"`%s` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format.", s)
			}
			*tm.dst = t
		}
	}
	return f, nil
}

func parseTaskTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	return time.Parse("2006-01-02", s)
}

func parseTaskPage(v url.Values) (store.TaskPage, error) {
	var pg store.TaskPage
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return pg, meili.Errorf(meili.CodeInvalidTaskLimit, "Invalid value in parameter `limit`: could not parse `%s` as a positive integer", s)
		}
		pg.Limit = n
	}
	if s := v.Get("from"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return pg, meili.Errorf(meili.CodeInvalidTaskFrom, "Invalid value in parameter `from`: could not parse `%s` as a positive integer", s)
		}
		pg.From = &n
	}
	pg.Reverse = v.Get("reverse") == "true"
	return pg, nil
}

func strList(s string) []string {
	if s == "" || s == "*" {
		return nil
	}
	return strings.Split(s, ",")
}

func uintList(s string, code meili.Code, name string) ([]uint64, error) {
	var out []uint64
	for _, part := range strList(s) {
		n, err := strconv.ParseUint(strings.TrimSpace(part), 10, 64)
		if err != nil {
			return nil, meili.Errorf(code, "Invalid value in parameter `%s`: could not parse `%s` as a positive integer", name, part)
		}
		out = append(out, n)
	}
	return out, nil
}

func snakeCase(s string) string {
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

// cancelNodeTasks asks nodes to cancel the node tasks behind canceled
// client tasks, best effort: a node task that already ran stays applied,
// as in Meilisearch when a cancelation comes too late.
func (p *Proxy) cancelNodeTasks(ctx context.Context, uids []uint64) {
	perNode := map[string][]string{}
	nodes := map[string]store.Node{}
	p.state.Read(func(s *store.State) {
		for _, uid := range uids {
			t, ok := s.Task(uid)
			if !ok {
				continue
			}
			for id, nt := range t.NodeTasks {
				perNode[id] = append(perNode[id], strconv.FormatUint(nt, 10))
			}
		}
		nodes = nodeMap(s)
	})
	for id, list := range perNode {
		n, ok := nodes[id]
		if !ok {
			continue
		}
		err := p.nodes.do(ctx, n.Addr, request{method: http.MethodPost, path: "/tasks/cancel?uids=" + strings.Join(list, ",")}, nil)
		if err != nil {
			p.log.Warn("canceling node tasks failed", "node", id, "err", err)
		}
	}
}
