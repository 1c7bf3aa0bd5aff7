// Package proxytest provides an in-memory implementation of proxy.State and
// proxy.Catalog over one store.State, and an echo error handler, so the
// proxy's data path can be tested against real nodes without raft.
package proxytest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// Catalog is a single-process stand-in for the raft-backed catalog: every
// command applies at once under a lock and bumps the applied index.
type Catalog struct {
	mu      sync.RWMutex
	s       *store.State
	applied uint64
}

// New returns an empty catalog.
func New() *Catalog { return &Catalog{s: store.New()} }

// Read implements proxy.State.
func (c *Catalog) Read(fn func(s *store.State)) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	fn(c.s)
}

// AppliedIndex implements proxy.State.
func (c *Catalog) AppliedIndex() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.applied
}

// WaitApplied implements proxy.State; commands apply synchronously.
func (c *Catalog) WaitApplied(ctx context.Context, index uint64) error { return ctx.Err() }

// apply runs one command under the write lock.
func (c *Catalog) apply(fn func(s *store.State, now time.Time) error) (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.applied++
	return c.applied, toMeili(fn(c.s, time.Now().UTC()))
}

// AddGroup and AddNode set up a topology (active states).
func (c *Catalog) AddGroup(id string, rf int) error {
	_, err := c.apply(func(s *store.State, now time.Time) error {
		return s.AddGroup(store.Group{ID: id, RF: rf, State: store.GroupActive}, now)
	})
	return err
}

// AddNode registers an active node.
func (c *Catalog) AddNode(id, addr, group string) error {
	_, err := c.apply(func(s *store.State, now time.Time) error {
		return s.AddNode(store.Node{ID: id, Addr: addr, Group: group, State: store.NodeActive}, now)
	})
	return err
}

func (c *Catalog) RegisterTasks(ctx context.Context, tasks []store.NewTask) ([]store.RegisteredTask, uint64, error) {
	var regs []store.RegisteredTask
	idx, err := c.apply(func(s *store.State, now time.Time) error {
		var err error
		regs, err = s.RegisterTasks(tasks, now)
		return err
	})
	return regs, idx, err
}

func (c *Catalog) RecordNodeTasks(ctx context.Context, entries []store.NodeTasks) error {
	_, err := c.apply(func(s *store.State, _ time.Time) error { return itemErrors(s.RecordNodeTasks(entries)) })
	return err
}

func (c *Catalog) UpdateTasks(ctx context.Context, updates []store.TaskUpdate) error {
	_, err := c.apply(func(s *store.State, now time.Time) error { return itemErrors(s.UpdateTasks(updates, now)) })
	return err
}

func (c *Catalog) CancelTasks(ctx context.Context, f store.TaskFilter, by uint64) ([]uint64, error) {
	var uids []uint64
	_, err := c.apply(func(s *store.State, now time.Time) error { uids = s.CancelTasks(f, by, now); return nil })
	return uids, err
}

func (c *Catalog) DeleteTasks(ctx context.Context, f store.TaskFilter) ([]uint64, error) {
	var uids []uint64
	_, err := c.apply(func(s *store.State, _ time.Time) error { uids = s.DeleteTasks(f); return nil })
	return uids, err
}

func (c *Catalog) SetPrimaryKey(ctx context.Context, uid, key string, force bool) (store.Index, error) {
	var idx store.Index
	_, err := c.apply(func(s *store.State, now time.Time) error {
		var err error
		idx, err = s.SetPrimaryKey(uid, key, force, now)
		return err
	})
	return idx, err
}

func (c *Catalog) UpdateSettings(ctx context.Context, uid string, settings json.RawMessage, ifVersion uint64) (uint64, error) {
	var v uint64
	_, err := c.apply(func(s *store.State, now time.Time) error {
		var err error
		v, err = s.UpdateSettings(uid, settings, ifVersion, now)
		return err
	})
	return v, err
}

func (c *Catalog) SwapIndexes(ctx context.Context, swaps []store.Swap) error {
	_, err := c.apply(func(s *store.State, now time.Time) error { return s.SwapIndexes(swaps, now) })
	return err
}

func (c *Catalog) CreateKey(ctx context.Context, k store.Key) (store.Key, error) {
	var out store.Key
	_, err := c.apply(func(s *store.State, now time.Time) error {
		var err error
		out, err = s.CreateKey(k, now)
		return err
	})
	return out, err
}

func (c *Catalog) UpdateKey(ctx context.Context, uid string, u store.KeyUpdate) (store.Key, error) {
	var out store.Key
	_, err := c.apply(func(s *store.State, now time.Time) error {
		var err error
		out, err = s.UpdateKey(uid, u, now)
		return err
	})
	return out, err
}

func (c *Catalog) DeleteKey(ctx context.Context, uid string) error {
	_, err := c.apply(func(s *store.State, _ time.Time) error { return s.DeleteKey(uid) })
	return err
}

func (c *Catalog) SetNodeState(ctx context.Context, id string, state store.NodeState) error {
	_, err := c.apply(func(s *store.State, now time.Time) error { return s.SetNodeState(id, state, now) })
	return err
}

func itemErrors(errs []store.ItemError) error {
	if len(errs) == 0 {
		return nil
	}
	return errs[0].Err
}

// toMeili maps store sentinels to Meilisearch errors, as admin's catalog
// implementation must.
func toMeili(err error) error {
	if err == nil {
		return nil
	}
	codes := []struct {
		kind error
		code meili.Code
	}{
		{store.ErrIndexNotFound, meili.CodeIndexNotFound}, {store.ErrIndexExists, meili.CodeIndexAlreadyExists},
		{store.ErrPrimaryKeyExists, meili.CodeIndexPrimaryKeyAlreadyExists}, {store.ErrKeyNotFound, meili.CodeAPIKeyNotFound},
		{store.ErrKeyExists, meili.CodeAPIKeyAlreadyExists}, {store.ErrTaskNotFound, meili.CodeTaskNotFound},
		{store.ErrSwapDuplicate, meili.CodeInvalidSwapDuplicateIndexFound},
	}
	for _, c := range codes {
		if errors.Is(err, c.kind) {
			return meili.Errorf(c.code, "%s", err.Error())
		}
	}
	return meili.Errorf(meili.CodeMiroirInvalidRequest, "%s", err.Error())
}

// ErrorHandler renders errors the way admin's handler does: *meili.Error
// as its Meilisearch body and status, echo errors with their status.
func ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var me *meili.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &me):
		_ = c.JSON(me.Status, me)
	case errors.As(err, &he):
		_ = c.JSON(he.Code, meili.Errorf(meili.CodeBadRequest, "%v", he.Message))
	default:
		_ = c.JSON(http.StatusInternalServerError, meili.Errorf(meili.CodeInternal, "%v", err))
	}
}
