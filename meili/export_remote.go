package meili

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"
)

// ExportRemote is the Meilisearch-compatible instance POST /export writes
// to; the engine and the proxy both export through it.
type ExportRemote struct {
	base, key string
	client    *http.Client
}

// NewExportRemote reaches url with key (empty: no Authorization header);
// each request is bounded by 30 s.
func NewExportRemote(url, key string) *ExportRemote {
	return &ExportRemote{base: strings.TrimRight(url, "/"), key: key, client: &http.Client{Timeout: 30 * time.Second}}
}

// Send performs one request with a JSON body; okIfExists tolerates 409
// (the index exists already). Failures are *Error: the remote unreachable,
// or its error answer in Meilisearch's wording.
func (r *ExportRemote) Send(ctx context.Context, method, path string, body []byte, okIfExists bool) error {
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if r.key != "" {
		req.Header.Set("Authorization", "Bearer "+r.key)
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return exportError("export_remote_unreachable", "Export to `%s` failed: %v", r.base, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 == 2 || (okIfExists && resp.StatusCode == http.StatusConflict) {
		return nil
	}
	var me Error
	if json.Unmarshal(msg, &me) == nil && me.Code != "" {
		// Meilisearch's own wording for a remote's error answer.
		return Errorf(CodeInternal, "Failed to export documents to remote server %s (%s): %s <%s>", me.Code, me.Type, me.Message, me.Link)
	}
	return exportError("export_remote_error", "Export to `%s` failed: `%s %s` answered %d: %s", r.base, method, path, resp.StatusCode, bytes.TrimSpace(msg))
}

func exportError(code Code, format string, args ...any) *Error {
	e := Errorf(code, format, args...)
	e.Status, e.Type = http.StatusBadRequest, TypeInvalidRequest
	return e
}
