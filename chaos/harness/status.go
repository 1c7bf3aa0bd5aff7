package harness

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Status is what one peer says about the cluster in `GET /_miroir/cluster`.
// The admin API's exact field names are decoded tolerantly (camelCase or
// snake_case, leader as a string or an object), so the harness keeps working
// while that shape settles; Raw keeps the whole answer for reports.
type Status struct {
	Peer         string         `json:"peer"`
	State        string         `json:"state"`  // raft state: Leader, Follower, Candidate, Shutdown
	Leader       string         `json:"leader"` // leader id or address as the peer reports it
	Term         uint64         `json:"term"`
	AppliedIndex uint64         `json:"appliedIndex"`
	CommitIndex  uint64         `json:"commitIndex"`
	Digest       string         `json:"digest"`
	Raw          map[string]any `json:"-"`
}

// IsLeader reports whether the answering peer believes it leads.
func (s Status) IsLeader() bool { return strings.EqualFold(s.State, "leader") }

// parseStatus decodes a /_miroir/cluster body.
func parseStatus(body []byte) (Status, error) {
	var raw map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return Status{}, fmt.Errorf("harness: decode /_miroir/cluster: %w", err)
	}
	flat := map[string]any{}
	flatten("", raw, flat)
	s := Status{Raw: raw}
	s.State = str(pick(flat, "state", "raftState", "raft.state", "self.state"))
	s.Leader = str(pick(flat, "leader", "leaderId", "leader.id", "leader.address", "leader.raftAddr", "raft.leader"))
	s.Term = num(pick(flat, "term", "currentTerm", "raft.term", "raft.currentTerm"))
	s.AppliedIndex = num(pick(flat, "fsmAppliedIndex", "fsm.appliedIndex", "appliedIndex", "applied", "raft.appliedIndex", "fsm.appliedIndex", "lastApplied", "raft.lastApplied"))
	s.CommitIndex = num(pick(flat, "commitIndex", "raft.commitIndex"))
	s.Digest = str(pick(flat, "digest", "fsmDigest", "fsm.digest", "raft.digest"))
	return s, nil
}

// flatten turns nested objects into dotted keys, lower-cased and with
// underscores removed, so "applied_index" and "appliedIndex" meet.
func flatten(prefix string, v map[string]any, out map[string]any) {
	for k, val := range v {
		key := normKey(k)
		if prefix != "" {
			key = prefix + "." + key
		}
		if m, ok := val.(map[string]any); ok {
			flatten(key, m, out)
			continue
		}
		out[key] = val
	}
}

func normKey(k string) string {
	return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(k))
}

func pick(flat map[string]any, keys ...string) any {
	for _, k := range keys {
		parts := strings.Split(k, ".")
		for i := range parts {
			parts[i] = normKey(parts[i])
		}
		if v, ok := flat[strings.Join(parts, ".")]; ok && v != nil {
			return v
		}
	}
	return nil
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return fmt.Sprintf("%.0f", x)
	}
	return ""
}

func num(v any) uint64 {
	switch x := v.(type) {
	case float64:
		return uint64(x)
	case string:
		var n uint64
		fmt.Sscan(x, &n)
		return n
	}
	return 0
}

// AdminClient talks to one peer's admin API with the admin key.
type AdminClient struct {
	Key    string
	Client *http.Client
}

func (a AdminClient) do(ctx context.Context, method, url string, body io.Reader) ([]byte, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, 0, err
	}
	if a.Key != "" {
		req.Header.Set("Authorization", "Bearer "+a.Key)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c := a.Client
	if c == nil {
		c = &http.Client{Timeout: 2 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return b, resp.StatusCode, err
}

// Ready reports whether the peer at addr answers 200 on /_miroir/ready.
func (a AdminClient) Ready(ctx context.Context, addr string) bool {
	_, code, err := a.do(ctx, http.MethodGet, "http://"+addr+"/_miroir/ready", nil)
	return err == nil && code == http.StatusOK
}

// Status fetches and decodes /_miroir/cluster from the peer at addr.
func (a AdminClient) Status(ctx context.Context, addr string) (Status, error) {
	b, code, err := a.do(ctx, http.MethodGet, "http://"+addr+"/_miroir/cluster", nil)
	if err != nil {
		return Status{}, err
	}
	if code != http.StatusOK {
		return Status{}, fmt.Errorf("harness: /_miroir/cluster on %s: %d %s", addr, code, b)
	}
	s, err := parseStatus(b)
	s.Peer = addr
	return s, err
}

// Call sends a JSON request to the peer's admin API and returns the body and
// status. Tests use it for admin routes the harness does not wrap.
func (a AdminClient) Call(ctx context.Context, method, addr, path string, body []byte) ([]byte, int, error) {
	var r io.Reader
	if body != nil {
		r = strings.NewReader(string(body))
	}
	return a.do(ctx, method, "http://"+addr+path, r)
}
