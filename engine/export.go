package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/engine/index"
	"github.com/miroir-search/miroir/meili"
)

// POST /export sends indexes (documents, and settings when asked) to
// another Meilisearch-compatible instance, as Meilisearch does: the remote
// gets index creations, settings updates and document additions in
// payloads of at most payloadSize bytes. The export task succeeds once the
// remote accepted every request; it does not wait for the remote's tasks.

type exportOptions struct {
	Filter           json.RawMessage `json:"filter,omitempty"`
	OverrideSettings bool            `json:"overrideSettings"`
}

type exportRequest struct {
	URL         string                   `json:"url"`
	APIKey      string                   `json:"apiKey,omitempty"`
	PayloadSize string                   `json:"payloadSize,omitempty"`
	Indexes     map[string]exportOptions `json:"indexes,omitempty"`
}

const defaultExportPayload = 50 << 20

func (s *Server) export(c echo.Context) error {
	var req exportRequest
	if err := decodeJSON(c, &req, true); err != nil {
		return err
	}
	if u, err := url.Parse(req.URL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return reqErr("invalid_export_url", "Invalid value at `.url`: `%s` is not a valid URL.", req.URL)
	}
	if req.PayloadSize != "" {
		if _, err := meili.ParseByteSize(req.PayloadSize); err != nil {
			return reqErr("invalid_export_payload_size", "Invalid value at `.payloadSize`: %v", err)
		}
	}
	for p := range req.Indexes {
		if !meili.ValidIndexPattern(p) {
			return reqErr("invalid_export_indexes_patterns", "Invalid value at `.indexes`: `%s` is not a valid index uid pattern.", p)
		}
	}
	masked := req.APIKey
	if len(masked) > 4 {
		masked = masked[:4] + "..."
	}
	d := details("url", req.URL, "apiKey", nullable(masked, req.APIKey != ""), "payloadSize", nullable(req.PayloadSize, req.PayloadSize != ""), "indexes", req.Indexes)
	raw, _ := json.Marshal(req)
	t := &task{Type: kindExport, Details: d, CustomMetadata: customMetadata(c)}
	return s.accepted(c, t, &payload{Export: raw})
}

func (s *Server) execExportRemote(ctx context.Context, p *payload) outcome {
	var req exportRequest
	if err := json.Unmarshal(p.Export, &req); err != nil {
		return outcome{err: internalErr(err)}
	}
	limit := defaultExportPayload
	if req.PayloadSize != "" {
		limit, _ = meili.ParseByteSize(req.PayloadSize)
	}
	r := meili.NewExportRemote(req.URL, req.APIKey)
	for _, m := range s.idx.list() {
		opts, ok := exportOptionsFor(req.Indexes, m.UID)
		if !ok {
			continue
		}
		if err := s.exportIndex(ctx, r, m, opts, limit); err != nil {
			return outcome{err: err}
		}
	}
	return outcome{}
}

// exportOptionsFor picks the most specific pattern matching uid ("*" when
// no patterns were given).
func exportOptionsFor(patterns map[string]exportOptions, uid string) (exportOptions, bool) {
	if len(patterns) == 0 {
		return exportOptions{}, true
	}
	best, found := "", false
	for p := range patterns {
		if meili.IndexPatternMatches(p, uid) && (!found || len(p) > len(best)) {
			best, found = p, true
		}
	}
	return patterns[best], found
}

func (s *Server) exportIndex(ctx context.Context, r *meili.ExportRemote, m indexMeta, opts exportOptions, limit int) error {
	idx, _, ok := s.idx.get(m.UID)
	if !ok {
		return nil
	}
	pk := idx.PrimaryKey()
	if err := r.Send(ctx, http.MethodPost, "/indexes", mustJSON(map[string]any{"uid": m.UID, "primaryKey": nullable(pk, pk != "")}), true); err != nil {
		return err
	}
	if opts.OverrideSettings {
		if err := r.Send(ctx, http.MethodPatch, "/indexes/"+m.UID+"/settings", m.Settings.full(nil), false); err != nil {
			return err
		}
	}
	var filter any
	if len(opts.Filter) > 0 {
		_ = json.Unmarshal(opts.Filter, &filter)
	}
	var batch bytes.Buffer
	flush := func() error {
		if batch.Len() == 0 {
			return nil
		}
		batch.WriteByte(']')
		err := r.Send(ctx, http.MethodPost, "/indexes/"+m.UID+"/documents", batch.Bytes(), false)
		batch.Reset()
		return err
	}
	for off := 0; ; off += 1000 {
		page, err := idx.Fetch(index.FetchQuery{Offset: off, Limit: 1000, Filter: filter})
		if err != nil {
			return err
		}
		for _, d := range page.Results {
			if batch.Len() > 0 && batch.Len()+len(d)+2 > limit {
				if err := flush(); err != nil {
					return err
				}
			}
			if batch.Len() == 0 {
				batch.WriteByte('[')
			} else {
				batch.WriteByte(',')
			}
			batch.Write(d)
		}
		if len(page.Results) < 1000 {
			return flush()
		}
	}
}
