package meili

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/labstack/echo/v4"
)

// CompressResponse is echo middleware that encodes answers with the first of gzip, deflate (zlib)
// and br that Accept-Encoding lists, as Meilisearch does; SDKs that send
// compressed requests decode every answer with the same encoding.
func CompressResponse(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		enc := pickEncoding(c.Request().Header.Get("Accept-Encoding"))
		if enc == "" {
			return next(c)
		}
		res := c.Response()
		orig := res.Writer
		buf := &bufferedWriter{header: orig.Header()}
		res.Writer = buf
		if err := next(c); err != nil {
			c.Error(err)
		}
		res.Writer = orig
		return buf.flushEncoded(orig, enc)
	}
}

func pickEncoding(accept string) string {
	for _, part := range strings.Split(accept, ",") {
		name := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch name {
		case "gzip", "deflate", "br":
			return name
		}
	}
	return ""
}

// bufferedWriter collects a whole answer so it can be encoded at once.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *bufferedWriter) Header() http.Header         { return w.header }
func (w *bufferedWriter) Write(p []byte) (int, error) { return w.body.Write(p) }
func (w *bufferedWriter) WriteHeader(status int)      { w.status = status }

func (w *bufferedWriter) flushEncoded(out http.ResponseWriter, enc string) error {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	if w.body.Len() == 0 {
		out.WriteHeader(status)
		return nil
	}
	var zbuf bytes.Buffer
	var zw io.WriteCloser
	switch enc {
	case "gzip":
		zw = gzip.NewWriter(&zbuf)
	case "deflate":
		zw = zlib.NewWriter(&zbuf)
	default:
		zw = brotli.NewWriter(&zbuf)
	}
	if _, err := zw.Write(w.body.Bytes()); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	h := out.Header()
	h.Set("Content-Encoding", enc)
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Length", strconv.Itoa(zbuf.Len()))
	out.WriteHeader(status)
	_, err := out.Write(zbuf.Bytes())
	return err
}
