package engine

import (
	"compress/gzip"
	"compress/zlib"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// bodyLimit caps every request body at MaxPayloadBytes; reading past it
// fails with *http.MaxBytesError, which the error handler turns into
// payload_too_large.
func (s *Server) bodyLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if r.ContentLength > s.cfg.MaxPayloadBytes {
			return meili.Errorf(meili.CodePayloadTooLarge, "The provided payload reached the size limit. The maximum accepted payload size is %d bytes.", s.cfg.MaxPayloadBytes)
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, s.cfg.MaxPayloadBytes)
		return next(c)
	}
}

// decompress undoes a request Content-Encoding (gzip, deflate, br), as
// Meilisearch accepts compressed payloads.
func decompress(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
		var rd io.ReadCloser
		switch enc {
		case "", "identity":
			return next(c)
		case "gzip":
			z, err := gzip.NewReader(r.Body)
			if err != nil {
				return reqErr(meili.CodeMalformedPayload, "The request body could not be decoded as gzip: %v", err)
			}
			rd = z
		case "deflate":
			z, err := zlib.NewReader(r.Body)
			if err != nil {
				return reqErr(meili.CodeMalformedPayload, "The request body could not be decoded as deflate (zlib): %v", err)
			}
			rd = z
		case "br":
			rd = readCloser{brotli.NewReader(r.Body), r.Body}
		default:
			return reqErr(meili.CodeBadRequest, "Unsupported Content-Encoding `%s`: use gzip, deflate or br.", enc)
		}
		r.Body = rd
		r.Header.Del("Content-Encoding")
		r.ContentLength = -1
		return next(c)
	}
}

type readCloser struct {
	io.Reader
	c io.Closer
}

func (r readCloser) Close() error { return r.c.Close() }

// logRequests logs every request at debug level (and server errors at
// error level, in the error handler).
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if s.log.Enabled(c.Request().Context(), slog.LevelDebug) {
			status := c.Response().Status
			if err != nil {
				status = s.toMeili(err).Status
			}
			s.log.Debug("request", "method", c.Request().Method, "path", c.Request().URL.Path,
				"status", status, "duration", time.Since(start))
		}
		return err
	}
}
