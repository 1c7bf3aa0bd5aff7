package proxy

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// register commits one client task and returns it with the raft index of
// its entry.
func (p *Proxy) register(ctx context.Context, nt store.NewTask) (store.RegisteredTask, uint64, error) {
	regs, applied, err := p.catalog.RegisterTasks(ctx, []store.NewTask{nt})
	if err != nil {
		return store.RegisteredTask{}, 0, err
	}
	if len(regs) != 1 {
		return store.RegisteredTask{}, 0, meili.Errorf(meili.CodeInternal, "task registration returned %d tasks", len(regs))
	}
	return regs[0], applied, nil
}

// finish commits a terminal status for a task the proxy decided itself
// (invalid input found before routing, no quorum, nothing to do).
func (p *Proxy) finish(ctx context.Context, uid uint64, details []byte, err error) {
	u := store.TaskUpdate{UID: uid, Status: store.TaskSucceeded, Details: details}
	if err != nil {
		u.Status, u.Error = store.TaskFailed, taskError(err)
	}
	if cerr := p.catalog.UpdateTasks(context.WithoutCancel(ctx), []store.TaskUpdate{u}); cerr != nil {
		p.log.Error("committing task outcome failed", "task", uid, "err", cerr)
	}
}

// taskError turns an error into a task's error object.
func taskError(err error) *store.TaskError {
	var me *meili.Error
	if !errors.As(err, &me) {
		me = meili.Errorf(meili.CodeInternal, "%v", err)
	}
	return &store.TaskError{Message: me.Message, Code: string(me.Code), Type: string(me.Type), Link: me.Link}
}

// accepted answers 202 with the summarized task.
func accepted(c echo.Context, reg store.RegisteredTask, indexUID, typ string) error {
	return c.JSON(http.StatusAccepted, summarize(reg.UID, indexUID, typ, reg.EnqueuedAt))
}

// requestID is the client request id that makes a command idempotent.
func requestID(c echo.Context) string {
	if id := c.Request().Header.Get(echo.HeaderXRequestID); id != "" {
		return id
	}
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// resolveUID maps an alias to its index uid; other names are returned as is.
func (p *Proxy) resolveUID(uid string) (store.Index, bool) {
	var idx store.Index
	var ok bool
	p.state.Read(func(s *store.State) { idx, ok = s.ResolveIndex(uid) })
	return idx, ok
}
