package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// client speaks the Meilisearch API to one base URL, to a node directly or
// to a peer, with keep-alive connections sized for the highest concurrency.
type client struct {
	base string
	key  string
	http *http.Client
}

func newClient(base, key string) *client {
	tr := &http.Transport{
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &client{base: base, key: key, http: &http.Client{Transport: tr, Timeout: 120 * time.Second}}
}

// httpError is an answer with a status other than the one expected.
type httpError struct {
	status int
	body   string
}

func (e *httpError) Error() string { return fmt.Sprintf("status %d: %s", e.status, e.body) }

// do sends one request and returns the status and body; any status outside
// 2xx is an *httpError.
func (c *client) do(ctx context.Context, method, path, ctype string, body []byte) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		if len(out) > 400 {
			out = out[:400]
		}
		return out, &httpError{status: resp.StatusCode, body: string(out)}
	}
	return out, nil
}

func (c *client) postJSON(ctx context.Context, path string, v any) ([]byte, error) {
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	return c.do(ctx, http.MethodPost, path, "application/json", b)
}

// taskRef is the summarized task of a 202 answer.
type taskRef struct {
	TaskUID uint64 `json:"taskUid"`
}

type taskView struct {
	UID    uint64          `json:"uid"`
	Status string          `json:"status"`
	Error  json.RawMessage `json:"error"`
}

// enqueue sends a write and returns its task uid.
func (c *client) enqueue(ctx context.Context, method, path, ctype string, body []byte) (uint64, error) {
	out, err := c.do(ctx, method, path, ctype, body)
	if err != nil {
		return 0, err
	}
	var t taskRef
	if err := json.Unmarshal(out, &t); err != nil {
		return 0, fmt.Errorf("decoding task of %s: %w", path, err)
	}
	return t.TaskUID, nil
}

// waitTask polls a task until it is finished; a failed task is an error.
func (c *client) waitTask(ctx context.Context, uid uint64, poll time.Duration) error {
	path := "/tasks/" + strconv.FormatUint(uid, 10)
	for {
		out, err := c.do(ctx, http.MethodGet, path, "", nil)
		if err != nil {
			return err
		}
		var t taskView
		if err := json.Unmarshal(out, &t); err != nil {
			return err
		}
		switch t.Status {
		case "succeeded":
			return nil
		case "failed", "canceled":
			return fmt.Errorf("task %d %s: %s", uid, t.Status, t.Error)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(poll):
		}
	}
}

// healthy reports whether GET /health answers 200.
func (c *client) healthy(ctx context.Context) error {
	_, err := c.do(ctx, http.MethodGet, "/health", "", nil)
	return err
}

// indexUIDs lists the indexes this server holds.
func (c *client) indexUIDs(ctx context.Context) ([]string, error) {
	out, err := c.do(ctx, http.MethodGet, "/indexes?limit=1000", "", nil)
	if err != nil {
		return nil, err
	}
	var page struct {
		Results []struct {
			UID string `json:"uid"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &page); err != nil {
		return nil, err
	}
	uids := make([]string, len(page.Results))
	for i, r := range page.Results {
		uids[i] = r.UID
	}
	return uids, nil
}

func searchPath(uid string) string { return "/indexes/" + url.PathEscape(uid) + "/search" }
