package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"

	"github.com/labstack/echo/v4"
)

// Server is one engine node: the HTTP API, the durable task queue and the
// indexes it owns. New opens the data directory and starts the task worker
// (so Handler alone is a working node for in-process tests); Serve adds an
// HTTP listener; Shutdown stops both and closes every file.
type Server struct {
	cfg   Config
	log   *slog.Logger
	st    *store
	q     *queue
	idx   *catalog
	auth  *authority
	hooks *notifier
	e     *echo.Echo

	// networkVersion identifies this node's (empty) network for GET /network.
	networkVersion string

	httpMu  sync.Mutex
	httpSrv *http.Server

	stop     context.CancelFunc
	workerWG sync.WaitGroup
	closeMu  sync.Mutex
	closed   bool
}

// New validates cfg, opens (or creates) the node's data directory, replays
// interrupted tasks and starts the single task worker.
func New(cfg Config, logger *slog.Logger) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("engine: create data dir: %w", err)
	}
	st, err := openStore(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: logger, st: st, networkVersion: newUUID()}
	if err := s.open(); err != nil {
		_ = st.close()
		return nil, err
	}
	s.e = s.routes()
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	s.workerWG.Add(2)
	go func() {
		defer s.workerWG.Done()
		s.runWorker(ctx)
	}()
	go func() {
		defer s.workerWG.Done()
		s.hooks.run(ctx)
	}()
	return s, nil
}

func (s *Server) open() error {
	q, err := newQueue(s.st)
	if err != nil {
		return fmt.Errorf("engine: load tasks: %w", err)
	}
	s.q = q
	if s.idx, err = openCatalog(s.st, s.cfg.DataDir, s.log); err != nil {
		return err
	}
	if s.auth, err = newAuthority(s.st, s.cfg.MasterKey); err != nil {
		s.idx.closeAll()
		return err
	}
	if s.hooks, err = newNotifier(s.st, s.log); err != nil {
		s.idx.closeAll()
		return fmt.Errorf("engine: load webhooks: %w", err)
	}
	return nil
}

// Handler returns the node's HTTP handler (every Meilisearch route).
func (s *Server) Handler() http.Handler { return s.e }

// Serve answers HTTP on ln until Shutdown; it returns nil after Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.e,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	s.httpMu.Lock()
	s.httpSrv = srv
	s.httpMu.Unlock()
	s.log.Info("engine listening", "addr", ln.Addr().String(), "data_dir", s.cfg.DataDir)
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// Shutdown stops accepting requests, waits for in-flight ones (bounded by
// ctx), stops the worker after its current task and closes every file.
// Calling it twice is harmless.
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var errs []error
	s.httpMu.Lock()
	if s.httpSrv != nil {
		errs = append(errs, s.httpSrv.Shutdown(ctx))
	}
	s.httpMu.Unlock()
	s.stop()
	s.workerWG.Wait()
	s.idx.closeAll()
	errs = append(errs, s.st.close())
	return errors.Join(errs...)
}
