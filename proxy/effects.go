package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// commitEffects commits the catalog change a task makes once every node
// applied it, before the task is reported succeeded, so a client that saw
// the task succeed reads the new catalog from any peer. An index deletion
// is not here: it is committed with the task's success in one command
// (succeeded), so the later of two deletions fails as in Meilisearch.
func (p *Proxy) commitEffects(ctx context.Context, t store.Task, nodes map[string]store.Node) error {
	switch t.Type {
	case kindSettingsUpdate:
		return p.commitSettings(ctx, t)
	case kindIndexUpdate:
		var d struct {
			PrimaryKey *string `json:"primaryKey"`
		}
		if json.Unmarshal(t.Details, &d) == nil && d.PrimaryKey != nil {
			_, err := p.catalog.SetPrimaryKey(ctx, t.IndexUID, *d.PrimaryKey, true)
			return err
		}
	}
	return nil
}

// commitSettings reads the settings back from every node holding the index,
// checks they agree, and commits them as the new settings version.
//
// A settings task registered the index (EnsureIndex) in the same entry as
// its uid, so an index missing from the catalog now was deleted by a later
// task: the settings were applied before that deletion, and the task
// succeeded, as in Meilisearch where tasks of one index run in uid order.
// Nodes that answer index_not_found on read-back show such a deletion in
// flight: the task stays open (errSettingsPending) until the deletion is
// committed, for at most AbandonAfter.
func (p *Proxy) commitSettings(ctx context.Context, t store.Task) error {
	top, err := p.loadIndex(t.IndexUID)
	if isCode(err, meili.CodeIndexNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	var agreed json.RawMessage
	gone := false
	for _, b := range broadcastBatches(top) {
		if b.node.State != store.NodeActive && b.node.State != store.NodeDraining {
			continue
		}
		raw, err := p.nodes.raw(ctx, b.node.Addr, request{method: http.MethodGet,
			path: "/indexes/" + url.PathEscape(top.index.PhysicalName) + "/settings"})
		if isCode(err, meili.CodeIndexNotFound) {
			gone = true
			continue
		}
		if err != nil {
			p.log.Warn("settings read-back failed", "index", t.IndexUID, "node", b.node.ID, "err", err)
			continue
		}
		clean, err := stripReservedSettings(raw)
		if err != nil {
			return err
		}
		if agreed != nil && !bytes.Equal(agreed, clean) {
			return meili.Errorf(meili.CodeMiroirSettingsVersionStale,
				"The nodes of index `%s` disagree on its settings after the update; send the settings again.", t.IndexUID)
		}
		agreed = clean
	}
	if gone && time.Since(t.EnqueuedAt) < p.cfg.AbandonAfter {
		return errSettingsPending
	}
	if agreed == nil {
		return meili.Errorf(meili.CodeMiroirShardUnavailable, "No node of index `%s` could confirm the settings.", t.IndexUID)
	}
	_, err = p.catalog.UpdateSettings(ctx, t.IndexUID, agreed, 0)
	if isCode(err, meili.CodeIndexNotFound) {
		return nil
	}
	return err
}

// errSettingsPending keeps a settings task open for another watcher cycle.
var errSettingsPending = errors.New("proxy: settings read-back waits for a deletion in flight")

// isCode reports whether err is a *meili.Error with code.
func isCode(err error, code meili.Code) bool {
	var me *meili.Error
	return errors.As(err, &me) && me.Code == code
}

// repairIndex creates the physical index on nodes that answered
// index_not_found although the index is in the catalog (they missed its
// creation), with the catalog's settings and `_miroir_shard` filterable, so
// that the shard filter works there before they receive documents again.
// Failures are logged: the next deletion that finds the index missing
// repairs again.
//
// An index deletion in flight also makes nodes answer index_not_found; the
// repair is skipped while one is open, so it does not leave a physical
// index behind a deleted catalog entry.
func (p *Proxy) repairIndex(ctx context.Context, uid string, nodeIDs []string) {
	top, err := p.loadIndex(uid)
	if err != nil || p.deletionOpen(uid) {
		return
	}
	reqs := repairRequests(top)
	var batches []*nodeBatch
	for _, b := range broadcastBatches(top, reqs...) {
		if slices.Contains(nodeIDs, b.node.ID) {
			batches = append(batches, b)
		}
	}
	for _, r := range p.send(ctx, "repairIndex", batches) {
		if r.err != nil {
			p.log.Warn("repairing index on node failed", "index", uid, "node", r.node.ID, "err", r.err)
		}
	}
	p.log.Info("recreated an index on nodes that missed its creation", "index", uid, "nodes", nodeIDs)
}

// repairRequests are prepareRequests with the catalog's full settings.
func repairRequests(t *topology) []request {
	reqs := prepareRequests(t)
	var settings map[string]json.RawMessage
	if json.Unmarshal(t.index.Settings, &settings) != nil || settings == nil {
		return reqs
	}
	settings["filterableAttributes"] = withShardFilterable(settings["filterableAttributes"])
	reqs[1].body = mustJSON(settings)
	return reqs
}

// deletionOpen reports whether an index deletion of uid is not finished.
func (p *Proxy) deletionOpen(uid string) bool {
	open := false
	p.state.Read(func(s *store.State) {
		for _, t := range s.OpenTasks() {
			if t.Type == kindIndexDeletion && t.IndexUID == uid {
				open = true
				return
			}
		}
	})
	return open
}

// succeeded is the transition of a task every node finished. An index
// deletion removes the catalog entry in the same command; when an earlier
// deletion already removed it, the task fails with index_not_found (the
// store decides, in log order, so two overlapping deletions never both
// succeed).
func succeeded(t store.Task, agg folded) store.TaskUpdate {
	u := store.TaskUpdate{UID: t.UID, Status: store.TaskSucceeded, At: agg.at, Details: finalDetails(t, agg)}
	if t.Type == kindIndexDeletion {
		u.DeletesIndex, u.IndexGone = true, taskError(indexNotFound(t.IndexUID))
	}
	return u
}
