package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// Internal routes served by Handler. Only peers call them.
const (
	ApplyPath      = "/_miroir/internal/apply"
	RemovePeerPath = "/_miroir/internal/remove-peer"
	// ClusterKeyHeader carries Config.ClusterKey on internal routes.
	ClusterKeyHeader = "X-Miroir-Cluster-Key"
)

// Wire codes of internal-route errors.
const (
	codeNotLeader       = "not_leader"
	codeLeadershipLost  = "leadership_lost"
	codeTimeout         = "timeout"
	codeClosed          = "closed"
	codeUnauthorized    = "unauthorized"
	codeBadRequest      = "bad_request"
	codeUnknownPeer     = "unknown_peer"
	codeInternal        = "internal"
	maxInternalBodySize = 16 << 20
)

// errNoRoute: the peer does not serve the internal route (an older
// binary); the forwarder then sends commands one by one.
var errNoRoute = errors.New("internal route not served")

// wireApplied is the body of a successful forwarded apply.
type wireApplied struct {
	Index    uint64          `json:"index"`
	Response json.RawMessage `json:"response,omitempty"`
	FSMError string          `json:"fsmError,omitempty"`
}

// wireError is the body of a failed internal call.
type wireError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func newForwardClient(cfg Config) *http.Client {
	return &http.Client{
		Transport: &http.Transport{
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:     cfg.HTTPTLS,
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 128,
			IdleConnTimeout:     90 * time.Second,
		},
		Timeout: cfg.ApplyTimeout + time.Second,
	}
}

func (p *Peer) internalURL(httpAddr, path string) string {
	if p.cfg.HTTPTLS != nil {
		return "https://" + httpAddr + path
	}
	return "http://" + httpAddr + path
}

func (p *Peer) forwardApply(ctx context.Context, to target, cmd []byte) (Applied, error) {
	var w wireApplied
	err := p.callInternal(ctx, to, ApplyPath, cmd, &w)
	p.metrics.forwarded(err)
	if err != nil {
		return Applied{}, err
	}
	a := Applied{Index: w.Index, Response: w.Response}
	if w.FSMError != "" {
		return a, &FSMError{Message: w.FSMError}
	}
	return a, nil
}

// callInternal posts body to the leader's internal route and decodes the
// answer into out. Unreachable peers and not-leader answers are errRetry,
// and so is a call cut short because this peer saw another leader (or
// none) meanwhile: the leader it waited on may be paused or partitioned,
// and the command, idempotent by request id, is retried at the new one.
func (p *Peer) callInternal(ctx context.Context, to target, path string, body []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.ApplyTimeout)
	defer cancel()
	ctx, done := p.inflight.track(ctx, to.id, p.currentLeaderID())
	defer done()
	httpAddr := to.addr
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.internalURL(httpAddr, path), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("forward to %s: %w", httpAddr, err)
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set(ClusterKeyHeader, p.cfg.ClusterKey)
	resp, err := p.client.Do(req)
	if err != nil {
		if leaderChangedErr(ctx) {
			return fmt.Errorf("%w: %w: call to %s (%s): %w", errRetry, ErrLeadershipLost, to.id, httpAddr, errLeaderChanged)
		}
		if ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return fmt.Errorf("%w: forward to leader %s: %w", ErrTimeout, httpAddr, err)
		}
		return fmt.Errorf("%w: %w: leader %s unreachable: %w", errRetry, ErrNoLeader, httpAddr, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxInternalBodySize))
	if err != nil && leaderChangedErr(ctx) {
		return fmt.Errorf("%w: %w: call to %s (%s): %w", errRetry, ErrLeadershipLost, to.id, httpAddr, errLeaderChanged)
	}
	if err != nil {
		return fmt.Errorf("%w: %w: read answer of leader %s: %w", errRetry, ErrNoLeader, httpAddr, err)
	}
	if resp.StatusCode == http.StatusOK {
		return json.Unmarshal(data, out)
	}
	var we wireError
	if err := json.Unmarshal(data, &we); resp.StatusCode == http.StatusNotFound && (err != nil || we.Code != codeUnknownPeer) {
		return fmt.Errorf("%w: %s on %s", errNoRoute, path, httpAddr)
	} else if err != nil {
		return fmt.Errorf("forward to %s: status %d: %s", httpAddr, resp.StatusCode, bytes.TrimSpace(data))
	}
	return wireErr(we)
}

func wireErr(we wireError) error {
	switch we.Code {
	case codeNotLeader, codeClosed:
		return fmt.Errorf("%w: %w: %s", errRetry, ErrNotLeader, we.Message)
	case codeLeadershipLost:
		return fmt.Errorf("%w: %w: %s", errRetry, ErrLeadershipLost, we.Message)
	case codeTimeout:
		return fmt.Errorf("%w: %s", ErrTimeout, we.Message)
	case codeUnauthorized:
		return fmt.Errorf("%w: %s", ErrUnauthorized, we.Message)
	case codeUnknownPeer:
		return fmt.Errorf("%w: %s", ErrUnknownPeer, we.Message)
	}
	return fmt.Errorf("leader answered %s: %s", we.Code, we.Message)
}
