package admin

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Server is one peer's HTTP server. Build it with New; Serve runs it.
type Server struct {
	cfg      Config
	deps     Deps
	logger   *slog.Logger
	metrics  *httpMetrics
	gatherer prometheus.Gatherer
	echo     *echo.Echo
	http     *http.Server
	draining atomic.Bool
	// caughtUp is set by CatchUp once the local FSM has applied a barrier
	// committed after this peer started: before that, a restarted peer
	// would answer reads from the state it had before it stopped.
	caughtUp atomic.Bool
}

// New validates cfg and deps and builds the routes; it starts nothing.
// reg receives the HTTP metrics; /metrics serves deps.Gatherer (or reg when
// it is also a Gatherer).
func New(cfg Config, deps Deps, logger *slog.Logger, reg prometheus.Registerer) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Consensus == nil || deps.State == nil || deps.Commands == nil {
		return nil, errors.New("admin: Deps.Consensus, Deps.State and Deps.Commands are required")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	if deps.Now == nil {
		deps.Now = time.Now
	}
	m, err := newHTTPMetrics(reg)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, deps: deps, logger: logger, metrics: m, gatherer: deps.Gatherer}
	if s.gatherer == nil {
		s.gatherer, _ = reg.(prometheus.Gatherer)
	}
	s.echo = s.newEcho()
	s.http = &http.Server{
		Handler:           s.echo,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
	return s, nil
}

// Handler is the whole routed handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.echo }

// Serve serves HTTP on ln until Shutdown; it returns nil after a clean
// Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.http.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// CatchUp commits a barrier command (retrying while there is no leader)
// and waits until the local FSM applied it; from then on /_miroir/ready
// may answer 200. It returns when done or when ctx ends. cmd runs it once
// after the consensus layer started.
func (s *Server) CatchUp(ctx context.Context) error {
	m := s.meta("barrier")
	for {
		idx, err := s.barrierOnce(ctx, m)
		if err == nil {
			s.caughtUp.Store(true)
			s.logger.Info("caught up with the cluster log", "index", idx)
			return nil
		}
		s.logger.Debug("catch-up barrier", "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.cfg.RetryAfter):
		}
	}
}

// barrierOnce commits one barrier and waits for it locally.
func (s *Server) barrierOnce(ctx context.Context, m Meta) (uint64, error) {
	cmd, err := s.deps.Commands.Barrier(m)
	if err != nil {
		return 0, err
	}
	a, err := s.deps.Consensus.Apply(ctx, cmd)
	if err != nil {
		return 0, err
	}
	return a.Index, s.deps.Consensus.WaitApplied(ctx, a.Index)
}

// SetDraining makes /_miroir/ready answer 503 from now on, so that load
// balancers stop sending traffic before the server shuts down.
func (s *Server) SetDraining() { s.draining.Store(true) }

// Shutdown marks the peer not ready and gracefully stops the HTTP server,
// waiting for in-flight requests until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.SetDraining()
	return s.http.Shutdown(ctx)
}
