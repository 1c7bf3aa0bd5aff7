package proxy

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// POST /export sends indexes (documents, and settings when asked) to
// another Meilisearch-compatible instance, as Meilisearch (and the miroir
// engine) does. Any peer validates and registers the task, with the full
// request as the task's Payload (the API key is never shown: details mask
// it); the leader runs it (export_run.go), streaming each shard from one
// replica to the remote in payloadSize batches.

const kindExport = "export"

type exportOptions struct {
	Filter           json.RawMessage `json:"filter"`
	OverrideSettings bool            `json:"overrideSettings"`
}

type exportRequest struct {
	URL         string                   `json:"url"`
	APIKey      string                   `json:"apiKey,omitempty"`
	PayloadSize string                   `json:"payloadSize,omitempty"`
	Indexes     map[string]exportOptions `json:"indexes"`
}

// defaultExportPayload is Meilisearch's default payloadSize (50 MiB).
const defaultExportPayload = 50 << 20

func (p *Proxy) export(c echo.Context) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	req, err := decodeExport(raw)
	if err != nil {
		return err
	}
	payload, _ := json.Marshal(req)
	reg, _, err := p.register(c.Request().Context(), store.NewTask{Type: kindExport, Details: exportDetails(req),
		Payload: payload, RequestID: requestID(c), CustomMetadata: c.QueryParam("customMetadata")})
	if err != nil {
		return err
	}
	// Meilisearch answers this route 200, not 202 (a known wart it keeps).
	return c.JSON(http.StatusOK, summarize(reg.UID, "", kindExport, reg.EnqueuedAt))
}

func decodeExport(raw []byte) (exportRequest, error) {
	var in struct {
		URL         *string                  `json:"url"`
		APIKey      *string                  `json:"apiKey"`
		PayloadSize json.RawMessage          `json:"payloadSize"`
		Indexes     map[string]exportOptions `json:"indexes"`
	}
	var req exportRequest
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return req, meili.Errorf(meili.CodeBadRequest, "Invalid value type: expected an object, but found %s", describeRaw(raw))
	}
	for k := range fields {
		switch k {
		case "url", "apiKey", "payloadSize", "indexes":
		default:
			return req, meili.Errorf(meili.CodeBadRequest, "Unknown field `%s`: expected one of `url`, `apiKey`, `payloadSize`, `indexes`", k)
		}
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return req, meili.Errorf(meili.CodeBadRequest, "Json deserialize error: %v", err)
	}
	if in.URL != nil {
		req.URL = *in.URL
	}
	if in.APIKey != nil {
		req.APIKey = *in.APIKey
	}
	if u, err := url.Parse(req.URL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return req, exportErr("invalid_export_url", "Invalid value at `.url`: `%s` is not a valid URL.", req.URL)
	}
	size, err := exportPayloadSize(in.PayloadSize)
	if err != nil {
		return req, err
	}
	req.PayloadSize = size
	for pattern := range in.Indexes {
		if !meili.ValidIndexPattern(pattern) {
			return req, exportErr("invalid_export_indexes_patterns", "Invalid value at `.indexes`: `%s` is not a valid index uid pattern.", pattern)
		}
	}
	// No patterns means every index, as in Meilisearch; an empty object
	// means none.
	req.Indexes = in.Indexes
	if req.Indexes == nil {
		req.Indexes = map[string]exportOptions{"*": {}}
	}
	return req, nil
}

// exportPayloadSize accepts a byte count or a size string ("1MB", "24MiB").
func exportPayloadSize(raw json.RawMessage) (string, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return "", nil
	}
	if n, err := strconv.ParseUint(s, 10, 64); err == nil {
		return strconv.FormatUint(n, 10), nil
	}
	var str string
	if json.Unmarshal(raw, &str) != nil {
		return "", exportErr("invalid_export_payload_size", "Invalid value type at `.payloadSize`: expected a positive integer or a string, but found %s", describeRaw(raw))
	}
	if _, err := meili.ParseByteSize(str); err != nil {
		return "", exportErr("invalid_export_payload_size", "Invalid value at `.payloadSize`: %v", err)
	}
	return str, nil
}

func describeRaw(raw []byte) string {
	d := json.NewDecoder(strings.NewReader(string(raw)))
	d.UseNumber()
	var v any
	_ = d.Decode(&v)
	return describeJSON(v)
}

// exportErr is a 400 invalid_request error with a code meili's table does
// not know yet.
func exportErr(code meili.Code, format string, args ...any) *meili.Error {
	e := meili.Errorf(code, format, args...)
	e.Status, e.Type = http.StatusBadRequest, meili.TypeInvalidRequest
	return e
}

// exportDetails are the task details Meilisearch shows: the API key
// masked, the patterns with their options.
func exportDetails(req exportRequest) json.RawMessage {
	d := struct {
		URL         string                   `json:"url"`
		APIKey      *string                  `json:"apiKey"`
		PayloadSize *string                  `json:"payloadSize"`
		Indexes     map[string]exportOptions `json:"indexes"`
	}{URL: req.URL, Indexes: req.Indexes}
	if req.APIKey != "" {
		masked := maskExportKey(req.APIKey)
		d.APIKey = &masked
	}
	if req.PayloadSize != "" {
		d.PayloadSize = &req.PayloadSize
	}
	return mustJSON(d)
}

// maskExportKey is Meilisearch's task-view hide_secret.
func maskExportKey(key string) string { return redactSecret(key, 0) }
