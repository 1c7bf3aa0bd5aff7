package admin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/miroir-search/miroir/meili"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// newEcho builds the router with the middleware order of STYLE.md: request
// id, request logger, metrics, recover, body limit, context timeout, then
// per-group auth.
func (s *Server) newEcho() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.Use(middleware.RequestID())
	e.Use(s.requestLogger())
	e.Use(s.metrics.middleware)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisableErrorHandler: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.logger.Error("handler panicked", "path", c.Path(), "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(bodyLimit(s.cfg.BodyLimit))
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
		Timeout:      s.cfg.RequestTimeout,
		ErrorHandler: func(err error, _ echo.Context) error { return err },
	}))
	s.routes(e)
	return e
}

func (s *Server) routes(e *echo.Echo) {
	if s.deps.Data != nil {
		s.deps.Data.Register(e.Group(""))
	} else {
		e.GET("/health", s.health)
	}
	e.GET("/_miroir/ready", s.ready)
	if s.gatherer != nil {
		e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.gatherer, promhttp.HandlerOpts{})))
	}
	e.Any("/_miroir/internal/*", echo.WrapHandler(s.deps.Consensus.Handler()))

	g := e.Group("/_miroir", s.requireAdminKey)
	g.GET("/cluster", s.getCluster)
	g.GET("/peers", s.listPeers)
	g.POST("/peers", s.addPeers)
	g.DELETE("/peers/:id", s.removePeer)
	g.POST("/leave", s.leave)
	g.GET("/nodes", s.listNodes)
	g.POST("/nodes", s.registerNode)
	g.GET("/nodes/:id", s.getNode)
	g.POST("/nodes/:id/drain", s.drainNode)
	g.DELETE("/nodes/:id", s.removeNode)
}

// requestLogger logs one line per request; probes and scrapes at debug.
func (s *Server) requestLogger() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURI: true, LogMethod: true, LogLatency: true,
		LogRequestID: true, LogRoutePath: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			switch v.RoutePath {
			case "/health", "/_miroir/ready", "/metrics", "/_miroir/internal/*":
				level = slog.LevelDebug
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("uri", v.URI),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency),
				slog.String("request_id", v.RequestID),
			}
			if v.Error != nil {
				attrs = append(attrs, slog.String("err", v.Error.Error()))
			}
			s.logger.LogAttrs(context.Background(), level, "http request", attrs...)
			return nil
		},
	})
}

// bodyLimit refuses bodies larger than n bytes: early on Content-Length,
// and while reading otherwise (decodeJSON maps the read error).
func bodyLimit(n int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			if req.ContentLength > n {
				return meili.Errorf(meili.CodePayloadTooLarge,
					"The provided payload reached the size limit. The maximum accepted payload size is %d bytes.", n)
			}
			if req.Body != nil && req.Body != http.NoBody {
				req.Body = http.MaxBytesReader(c.Response(), req.Body, n)
			}
			return next(c)
		}
	}
}

// requestMeta is what this peer, as proposer, stamps on a command.
func (s *Server) requestMeta(c echo.Context) Meta {
	id := c.Response().Header().Get(echo.HeaderXRequestID)
	if id == "" {
		return s.meta("admin")
	}
	return Meta{RequestID: id, Time: s.deps.Now().UTC()}
}

// meta stamps a command this peer originates itself, with a random id.
func (s *Server) meta(prefix string) Meta {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return Meta{RequestID: prefix + "-" + hex.EncodeToString(b), Time: s.deps.Now().UTC()}
}
