package proxy

import (
	"compress/gzip"
	"compress/zlib"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
)

// decompressRequest decodes a gzip, deflate (zlib) or br request body, as
// Meilisearch accepts them on every route.
func decompressRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		enc := strings.ToLower(strings.TrimSpace(req.Header.Get("Content-Encoding")))
		var r io.Reader
		switch enc {
		case "", "identity":
			return next(c)
		case "gzip":
			zr, err := gzip.NewReader(req.Body)
			if err != nil {
				return meili.Errorf(meili.CodeBadRequest, "The payload could not be decompressed as gzip: %v", err)
			}
			r = zr
		case "deflate":
			zr, err := zlib.NewReader(req.Body)
			if err != nil {
				return meili.Errorf(meili.CodeBadRequest, "The payload could not be decompressed as deflate: %v", err)
			}
			r = zr
		case "br":
			r = brotli.NewReader(req.Body)
		default:
			return meili.Errorf(meili.CodeBadRequest, "The Content-Encoding `%s` is not supported; use gzip, deflate or br.", enc)
		}
		req.Body = io.NopCloser(r)
		req.Header.Del("Content-Encoding")
		req.ContentLength = -1
		return next(c)
	}
}
