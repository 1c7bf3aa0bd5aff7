package workload

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/miroir-search/miroir/chaos/history"
)

// adminCall sends one admin API request to a random peer and returns the
// status and the Meilisearch error code of the answer, if any.
func (c *client) adminCall(ctx context.Context, method, path string, body any) (int, string, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	rctx, cancel := c.w.reqCtx(ctx)
	defer cancel()
	peer := c.w.cfg.Peers[c.rng.IntN(len(c.w.cfg.Peers))]
	c.lastPeer = peer
	req, err := http.NewRequestWithContext(rctx, method, "http://"+peer+path, r)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+c.w.cfg.AdminKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.w.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	var e struct {
		Code string `json:"code"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = json.Unmarshal(b, &e)
	return resp.StatusCode, e.Code, nil
}

// outcome maps an admin answer to a history status (see classify).
func outcome(status int, err error) history.Status {
	switch {
	case err != nil:
		s, _ := classify(err)
		return s
	case status >= 200 && status < 300:
		return history.StatusOK
	case status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests:
		return history.StatusFail
	}
	return history.StatusUnknown
}

// registerNode registers a fake node (never contacted for data: the
// admin-only workload runs before any index exists).
func (c *client) registerNode(ctx context.Context) {
	id := fmt.Sprintf("%s-n%d", c.w.cfg.Name, c.rng.IntN(1000))
	c.w.addNode(id)
	p := c.w.h.Invoke(history.Op{Client: c.id, Kind: history.KindCreate, Entity: "node:" + id})
	status, code, err := c.adminCall(ctx, http.MethodPost, "/_miroir/nodes",
		map[string]string{"id": id, "address": "http://127.0.0.1:9", "replicaGroup": "chaos"})
	c.done(p, history.Result{Status: outcome(status, err), Err: err, Code: code})
}

func (c *client) readNode(ctx context.Context) {
	id := c.w.randomNode(c.rng)
	if id == "" {
		c.registerNode(ctx)
		return
	}
	p := c.w.h.Invoke(history.Op{Client: c.id, Kind: history.KindRead, Entity: "node:" + id})
	status, code, err := c.adminCall(ctx, http.MethodGet, "/_miroir/nodes/"+id, nil)
	switch {
	case err == nil && status == http.StatusOK:
		c.done(p, history.Result{Status: history.StatusOK, Exists: true})
	case err == nil && code == "miroir_node_not_found":
		c.done(p, history.Result{Status: history.StatusOK, Exists: false})
	default:
		c.done(p, history.Result{Status: outcome(status, err), Err: err, Code: code})
	}
}
