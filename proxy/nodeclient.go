package proxy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/miroir-search/miroir/meili"
)

// ErrNodeUnavailable wraps transport failures and timeouts of a node call:
// the node did not answer, so another replica may.
var ErrNodeUnavailable = errors.New("node unavailable")

// nodeClient calls nodes with the internal node key. It reuses connections,
// bounds each call with a timeout and remembers nodes that just failed
// (suspects) so reads avoid them before the leader decides anything.
type nodeClient struct {
	http       *http.Client
	key        string
	timeout    time.Duration
	suspectFor time.Duration

	mu      sync.Mutex
	suspect map[string]time.Time // node addr -> until

	// fast carries searches to plain-HTTP nodes; bufs recycles the
	// buffers their answers are read into and the answers built from them.
	fast *fastClient
	bufs bufPool
}

func newNodeClient(cfg Config) *nodeClient {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        512,
		MaxIdleConnsPerHost: 128,
		IdleConnTimeout:     90 * time.Second,
		// Nodes compress when asked and Go's transport asks by default;
		// between a peer and its nodes that is CPU spent twice per search
		// for bytes that never leave the data centre.
		DisableCompression: true,
	}
	return &nodeClient{
		http:       &http.Client{Transport: tr},
		key:        cfg.NodeKey,
		timeout:    cfg.NodeTimeout,
		suspectFor: cfg.SuspectFor,
		suspect:    map[string]time.Time{},
		fast:       newFastClient(),
	}
}

func (c *nodeClient) close() {
	c.http.CloseIdleConnections()
	c.fast.close()
}

// search posts a search body to a node and returns the 2xx answer in a
// buffer of c.bufs (return it with c.bufs.put once nothing refers to it).
// Errors are those of do. Plain-HTTP nodes are called with the fast
// client, others through net/http.
func (c *nodeClient) search(parent context.Context, addr, path string, body []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(parent, c.timeout)
	defer cancel()
	status, data, err := c.fast.post(ctx, addr, path, c.key, body, &c.bufs)
	switch {
	case errors.Is(err, errNotFast):
		return c.raw(parent, addr, request{method: http.MethodPost, path: path, body: body})
	case err != nil && parent.Err() != nil:
		return nil, parent.Err() // the caller gave up: not the node's fault
	case err != nil:
		c.markSuspect(addr)
		return nil, fmt.Errorf("%w: POST %s: %v", ErrNodeUnavailable, addr, err)
	case status >= 300:
		err := nodeError(status, data)
		c.bufs.put(data)
		return nil, err
	}
	return data, nil
}

// request is one call to a node.
type request struct {
	method      string
	path        string // with query string
	body        []byte
	contentType string // default application/json when body is set
}

// do sends r to the node at addr and decodes a 2xx JSON answer into out
// (when non-nil). A node's own error answer is returned as *meili.Error; a
// transport failure or timeout wraps ErrNodeUnavailable and marks the node
// suspect.
func (c *nodeClient) do(ctx context.Context, addr string, r request, out any) error {
	raw, err := c.raw(ctx, addr, r)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("%w: %s answered invalid JSON: %v", ErrNodeUnavailable, addr, err)
	}
	return nil
}

// raw is do without decoding: it returns the body of a 2xx answer.
func (c *nodeClient) raw(parent context.Context, addr string, r request) ([]byte, error) {
	ctx, cancel := context.WithTimeout(parent, c.timeout)
	defer cancel()
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, strings.TrimRight(addr, "/")+r.path, body)
	if err != nil {
		return nil, err
	}
	if r.body != nil {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.Header.Set("Content-Type", ct)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if parent.Err() != nil {
			// The caller gave up (client gone): not the node's fault.
			return nil, parent.Err()
		}
		c.markSuspect(addr)
		return nil, fmt.Errorf("%w: %s %s: %v", ErrNodeUnavailable, r.method, addr, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.markSuspect(addr)
		return nil, fmt.Errorf("%w: reading %s: %v", ErrNodeUnavailable, addr, err)
	}
	if resp.StatusCode >= 300 {
		return nil, nodeError(resp.StatusCode, data)
	}
	return data, nil
}

// nodeError turns a node's error answer into *meili.Error, keeping the
// node's code and message (they are Meilisearch's).
func nodeError(status int, data []byte) error {
	var e meili.Error
	if json.Unmarshal(data, &e) == nil && e.Code != "" {
		e.Status = status
		return &e
	}
	if status >= 500 {
		return fmt.Errorf("%w: status %d: %.200s", ErrNodeUnavailable, status, data)
	}
	return meili.Errorf(meili.CodeInternal, "a node answered %d: %.200s", status, data)
}

func (c *nodeClient) markSuspect(addr string) {
	c.mu.Lock()
	c.suspect[addr] = time.Now().Add(c.suspectFor)
	c.mu.Unlock()
}

func (c *nodeClient) clearSuspect(addr string) {
	c.mu.Lock()
	delete(c.suspect, addr)
	c.mu.Unlock()
}

// isSuspect reports whether addr failed a call within SuspectFor.
func (c *nodeClient) isSuspect(addr string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.suspect[addr]
	if ok && time.Now().After(until) {
		delete(c.suspect, addr)
		return false
	}
	return ok
}

// unavailable reports whether err means "try another replica".
func unavailable(err error) bool {
	return errors.Is(err, ErrNodeUnavailable) || errors.Is(err, context.DeadlineExceeded)
}
