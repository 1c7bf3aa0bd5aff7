package admin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/proxy"
	"github.com/miroir-search/miroir/store"
)

// Catalog implements proxy.Catalog on the consensus layer: every call is
// one fsm command committed through Consensus.Apply (forwarded to the
// leader when needed) and waited for on the local FSM, so a Read right
// after it sees the change. The proposer, this type, stamps each command
// with the time and a fresh random request id; cluster retries the same
// bytes, so a retried command is applied once.
type Catalog struct {
	c      Consensus
	now    func() time.Time
	logger *slog.Logger
}

var _ proxy.Catalog = (*Catalog)(nil)

// NewCatalog returns a Catalog proposing through c. now nil means time.Now.
func NewCatalog(c Consensus, now func() time.Time, logger *slog.Logger) *Catalog {
	if now == nil {
		now = time.Now
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Catalog{c: c, now: now, logger: logger}
}

func (k *Catalog) meta() fsm.Meta {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fsm.Meta{RequestID: hex.EncodeToString(b), Time: k.now().UTC()}
}

// propose commits one command, waits until the local FSM applied it and
// decodes its value into into. Errors are *meili.Error.
func (k *Catalog) propose(ctx context.Context, t fsm.CommandType, payload any, into any) (uint64, error) {
	cmd, err := fsm.Encode(t, payload)
	if err != nil {
		return 0, meili.Errorf(meili.CodeInternal, "encode command: %v", err)
	}
	a, err := k.c.Apply(ctx, cmd)
	if err != nil {
		return 0, ErrorToMeili(err)
	}
	if err := k.c.WaitApplied(ctx, a.Index); err != nil {
		return a.Index, ErrorToMeili(err)
	}
	if err := fsm.DecodeResult(a.Response, into); err != nil {
		var re *fsm.ResultError
		if errors.As(err, &re) {
			return a.Index, domainError(re.Code, re.Message)
		}
		return a.Index, meili.Errorf(meili.CodeInternal, "%v", err)
	}
	return a.Index, nil
}

// RegisterTasks implements proxy.Catalog.
func (k *Catalog) RegisterTasks(ctx context.Context, tasks []store.NewTask) ([]store.RegisteredTask, uint64, error) {
	var r fsm.RegisterTasksResult
	idx, err := k.propose(ctx, fsm.CmdRegisterTasks, fsm.RegisterTasks{Meta: k.meta(), Tasks: tasks}, &r)
	return r.Tasks, idx, err
}

// RecordNodeTasks implements proxy.Catalog; items that did not apply are
// logged.
func (k *Catalog) RecordNodeTasks(ctx context.Context, entries []store.NodeTasks) error {
	var r fsm.BatchResult
	_, err := k.propose(ctx, fsm.CmdRecordNodeTasks, fsm.RecordNodeTasks{Meta: k.meta(), Entries: entries}, &r)
	k.logFailed("record node tasks", r)
	return err
}

// UpdateTasks implements proxy.Catalog; refused transitions are logged.
func (k *Catalog) UpdateTasks(ctx context.Context, updates []store.TaskUpdate) error {
	var r fsm.BatchResult
	_, err := k.propose(ctx, fsm.CmdUpdateTasks, fsm.UpdateTasks{Meta: k.meta(), Updates: updates}, &r)
	k.logFailed("update tasks", r)
	return err
}

func (k *Catalog) logFailed(what string, r fsm.BatchResult) {
	for _, f := range r.Failed {
		k.logger.Warn(what+": item refused", "task", f.UID, "code", f.Code, "err", f.Message)
	}
}

// CancelTasks implements proxy.Catalog.
func (k *Catalog) CancelTasks(ctx context.Context, f store.TaskFilter, by uint64) ([]uint64, error) {
	var r fsm.TaskUIDsResult
	_, err := k.propose(ctx, fsm.CmdCancelTasks, fsm.CancelTasks{Meta: k.meta(), Filter: f, CanceledBy: by}, &r)
	return r.UIDs, err
}

// DeleteTasks implements proxy.Catalog.
func (k *Catalog) DeleteTasks(ctx context.Context, f store.TaskFilter) ([]uint64, error) {
	var r fsm.TaskUIDsResult
	_, err := k.propose(ctx, fsm.CmdDeleteTasks, fsm.DeleteTasks{Meta: k.meta(), Filter: f}, &r)
	return r.UIDs, err
}

// SetPrimaryKey implements proxy.Catalog.
func (k *Catalog) SetPrimaryKey(ctx context.Context, uid, key string, force bool) (store.Index, error) {
	var idx store.Index
	_, err := k.propose(ctx, fsm.CmdUpdateIndex, fsm.UpdateIndex{Meta: k.meta(), UID: uid, PrimaryKey: key, Force: force}, &idx)
	return idx, err
}

// UpdateSettings implements proxy.Catalog.
func (k *Catalog) UpdateSettings(ctx context.Context, uid string, settings json.RawMessage, ifVersion uint64) (uint64, error) {
	var r fsm.SettingsResult
	_, err := k.propose(ctx, fsm.CmdUpdateSettings,
		fsm.UpdateSettings{Meta: k.meta(), UID: uid, Settings: settings, IfVersion: ifVersion}, &r)
	return r.SettingsVersion, err
}

// SwapIndexes implements proxy.Catalog.
func (k *Catalog) SwapIndexes(ctx context.Context, swaps []store.Swap) error {
	_, err := k.propose(ctx, fsm.CmdSwapIndexes, fsm.SwapIndexes{Meta: k.meta(), Swaps: swaps}, nil)
	return err
}

// CreateKey implements proxy.Catalog.
func (k *Catalog) CreateKey(ctx context.Context, key store.Key) (store.Key, error) {
	var out store.Key
	_, err := k.propose(ctx, fsm.CmdCreateKey, fsm.CreateKey{Meta: k.meta(), Key: key}, &out)
	return out, err
}

// UpdateKey implements proxy.Catalog.
func (k *Catalog) UpdateKey(ctx context.Context, uid string, u store.KeyUpdate) (store.Key, error) {
	var out store.Key
	_, err := k.propose(ctx, fsm.CmdUpdateKey, fsm.UpdateKey{Meta: k.meta(), UID: uid, Update: u}, &out)
	return out, err
}

// DeleteKey implements proxy.Catalog.
func (k *Catalog) DeleteKey(ctx context.Context, uid string) error {
	_, err := k.propose(ctx, fsm.CmdDeleteKey, fsm.DeleteKey{Meta: k.meta(), UID: uid}, nil)
	return err
}

// SetNodeState implements proxy.Catalog.
func (k *Catalog) SetNodeState(ctx context.Context, id string, state store.NodeState) error {
	_, err := k.propose(ctx, fsm.CmdSetNodeState, fsm.SetNodeState{Meta: k.meta(), ID: id, State: state}, nil)
	return err
}

// PruneTasks deletes the finished tasks that finished before before (the
// leader issues it periodically) and returns how many went.
func (k *Catalog) PruneTasks(ctx context.Context, before time.Time) (int, error) {
	var r fsm.PruneResult
	_, err := k.propose(ctx, fsm.CmdPruneTasks, fsm.PruneTasks{Meta: k.meta(), Before: before.UTC()}, &r)
	return r.Pruned, err
}
