package chaos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// ControlPath is the route of the rule table on the control server:
// GET returns it, PUT replaces it, DELETE heals every link.
const ControlPath = "/_chaos/rules"

// StatsPath returns the decorators' counters (GET).
const StatsPath = "/_chaos/stats"

// NewControlHandler serves the rule table of one process. It has no
// authentication: it listens on loopback, only in chaos runs.
func NewControlHandler(rules *Rules) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+ControlPath, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, rules.Table())
	})
	mux.HandleFunc("PUT "+ControlPath, func(w http.ResponseWriter, r *http.Request) {
		var t Table
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&t); err != nil {
			http.Error(w, "chaos: bad rule table: "+err.Error(), http.StatusBadRequest)
			return
		}
		if err := rules.Set(t); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("DELETE "+ControlPath, func(w http.ResponseWriter, r *http.Request) {
		t := rules.Table()
		t.Links = nil
		_ = rules.Set(t)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET "+StatsPath, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, rules.Stats())
	})
	return mux
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// ControlServer serves NewControlHandler on its own listener, apart from
// the peer's API, so faults can be driven even when the API is wedged.
type ControlServer struct {
	addr   string
	rules  *Rules
	logger *slog.Logger
	srv    *http.Server
	ln     net.Listener
	done   chan struct{}
}

// NewControlServer prepares a control server on addr; it starts nothing.
func NewControlServer(addr string, rules *Rules, logger *slog.Logger) (*ControlServer, error) {
	if addr == "" {
		return nil, errors.New("chaos: control address is empty")
	}
	if rules == nil || logger == nil {
		return nil, errors.New("chaos: control server needs rules and a logger")
	}
	return &ControlServer{addr: addr, rules: rules, logger: logger}, nil
}

// Start listens and serves until Close.
func (s *ControlServer) Start(context.Context) error {
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("chaos: control listener: %w", err)
	}
	s.ln = ln
	s.srv = &http.Server{Handler: NewControlHandler(s.rules), ReadHeaderTimeout: 5 * time.Second}
	s.done = make(chan struct{})
	s.logger.Warn("chaos fault injection enabled: do not run this in production", "control_addr", ln.Addr().String())
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.logger.Error("chaos control server stopped", "err", err)
		}
	}()
	return nil
}

// Addr is the bound address (after Start).
func (s *ControlServer) Addr() string { return s.ln.Addr().String() }

// Close stops the server and waits for it.
func (s *ControlServer) Close() error {
	if s.srv == nil {
		return nil
	}
	err := s.srv.Close()
	<-s.done
	return err
}

// ControlClient drives one process's control server.
type ControlClient struct {
	Addr   string
	Client *http.Client
}

func (c ControlClient) http() *http.Client {
	if c.Client != nil {
		return c.Client
	}
	return &http.Client{Timeout: 2 * time.Second}
}

// Set replaces the process's rule table.
func (c ControlClient) Set(ctx context.Context, t Table) error {
	body, err := json.Marshal(t)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, "http://"+c.Addr+ControlPath, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return fmt.Errorf("chaos: set rules on %s: %w", c.Addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("chaos: set rules on %s: %d %s", c.Addr, resp.StatusCode, msg)
	}
	return nil
}

// Stats reads the process's fault counters.
func (c ControlClient) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+c.Addr+StatsPath, nil)
	if err != nil {
		return st, err
	}
	resp, err := c.http().Do(req)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	return st, json.NewDecoder(resp.Body).Decode(&st)
}
