package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/miroir-search/miroir/admin"
)

func startDevNodes(dir string, l devLayout, logger *slog.Logger) ([]*node, error) {
	var nodes []*node
	for _, dn := range l.Nodes {
		o := nodeOptions{httpAddr: dn.HTTPAddr, dataDir: filepath.Join(dir, dn.ID), masterKey: l.NodeKey}
		n, err := startNode(o, logger.With("node", dn.ID))
		if err != nil {
			return nodes, fmt.Errorf("%s: %w (if the port is taken, stop what uses it or remove %s)", dn.ID, err, dir)
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

func stopDevNodes(nodes []*node, logger *slog.Logger) {
	for _, n := range nodes {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		if err := n.shutdown(ctx); err != nil {
			logger.Warn("node shutdown", "addr", n.ln.Addr().String(), "err", err)
		}
		cancel()
	}
}

// registerDevNodes registers the engine nodes through the first peer's
// admin API, like an operator would; a node registered by an earlier run
// answers 409 and is left as it is.
func registerDevNodes(ctx context.Context, l devLayout) error {
	base := "http://" + l.Peers[0].HTTPAddr
	for _, n := range l.Nodes {
		spec, _ := json.Marshal(admin.NodeSpec{ID: n.ID, Address: "http://" + n.HTTPAddr, Group: n.Group})
		if err := retryAdmin(ctx, base, l.AdminKey, spec); err != nil {
			return fmt.Errorf("register %s: %w", n.ID, err)
		}
	}
	return nil
}

func retryAdmin(ctx context.Context, base, key string, body []byte) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		code, err := postJSON(ctx, base+"/_miroir/nodes", key, body)
		if code == 201 || code == 409 {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("status %d: %w", code, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func postJSON(ctx context.Context, url, key string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s", bytes.TrimSpace(msg))
	}
	return resp.StatusCode, nil
}
