package proxy

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
)

// This file writes search answers by hand. encoding/json would validate and
// compact every raw hit once more (json.RawMessage is re-scanned on output);
// here the merged hits, already stripped, are copied as they are. Everything
// else is written exactly as encoding/json writes searchResponse: the same
// member order, omitempty, and HTML-safe strings.

// appendSearchResponse appends r as a JSON object; indexUID, when set,
// comes first (a plain multi-search result). The hits are stripped straight
// into b.
func appendSearchResponse(b []byte, r *searchResponse, indexUID string) ([]byte, error) {
	b = append(b, '{')
	if indexUID != "" {
		b = append(b, `"indexUid":`...)
		b = appendString(b, indexUID)
		b = append(b, ',')
	}
	b = append(b, `"hits":[`...)
	for i := range r.hits {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = stripMerged(b, &r.hits[i], r.strip); err != nil {
			return nil, err
		}
	}
	b = append(b, `],"query":`...)
	b = appendString(b, r.Query)
	b = append(b, `,"processingTimeMs":`...)
	b = strconv.AppendInt(b, r.ProcessingTimeMs, 10)
	b = appendOptInt(b, `,"limit":`, r.Limit)
	b = appendOptInt(b, `,"offset":`, r.Offset)
	b = appendOptInt64(b, `,"estimatedTotalHits":`, r.EstimatedTotalHits)
	b = appendOptInt(b, `,"hitsPerPage":`, r.HitsPerPage)
	b = appendOptInt(b, `,"page":`, r.Page)
	b = appendOptInt64(b, `,"totalPages":`, r.TotalPages)
	b = appendOptInt64(b, `,"totalHits":`, r.TotalHits)
	if r.FacetDistribution != nil {
		b = append(b, `,"facetDistribution":`...)
		b = r.FacetDistribution.appendJSON(b)
	}
	if r.FacetStats != nil {
		b = append(b, `,"facetStats":`...)
		b = appendMarshal(b, *r.FacetStats)
	}
	b = appendOptInt64(b, `,"semanticHitCount":`, r.SemanticHitCount)
	if len(r.PerformanceDetails) > 0 {
		b = append(b, `,"performanceDetails":`...)
		b = append(b, r.PerformanceDetails...)
	}
	if r.Metadata != nil {
		b = append(b, `,"metadata":`...)
		b = appendMarshal(b, r.Metadata)
	}
	return append(b, '}'), nil
}

func appendOptInt(b []byte, name string, v *int) []byte {
	if v == nil {
		return b
	}
	return strconv.AppendInt(append(b, name...), int64(*v), 10)
}

func appendOptInt64(b []byte, name string, v *int64) []byte {
	if v == nil {
		return b
	}
	return strconv.AppendInt(append(b, name...), *v, 10)
}

// appendMarshal appends v encoded by encoding/json (values that always
// encode: maps of numbers, structs of strings).
func appendMarshal(b []byte, v any) []byte {
	return append(b, mustJSON(v)...)
}

// appendString appends s as a JSON string the way encoding/json does
// (HTML-safe); plain ASCII takes a copy, anything else encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return appendMarshal(b, s)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// responseSize guesses the size of an answer's JSON to size its buffer.
func responseSize(r *searchResponse) int {
	n := 256 + len(r.PerformanceDetails)
	for i := range r.hits {
		n += len(r.hits[i].Hit) + 1
	}
	if r.FacetDistribution != nil {
		for _, name := range r.FacetDistribution.names {
			n += len(name) + 16*len(r.FacetDistribution.values[name]) + 8
		}
	}
	return n
}

// writeJSON sends body (one JSON value) as c.JSON would: the same content
// type, the trailing newline of json.Encoder, indented with ?pretty.
func writeJSON(c echo.Context, status int, body []byte) error {
	if c.Request().URL.RawQuery != "" {
		if _, pretty := c.QueryParams()["pretty"]; pretty {
			var out bytes.Buffer
			if err := json.Indent(&out, body, "", "  "); err == nil {
				body = out.Bytes()
			}
		}
	}
	body = append(body, '\n')
	// Sized, the answer goes out in one piece instead of chunks (a
	// compressing middleware sets its own length).
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(body)))
	return c.Blob(status, echo.MIMEApplicationJSON, body)
}

// writeSearch sends one search answer, built in a pooled buffer.
func writeSearch(c echo.Context, pool *bufPool, r *searchResponse) error {
	buf := pool.get(responseSize(r))
	defer func() { pool.put(buf) }()
	var err error
	if buf, err = appendSearchResponse(buf, r, ""); err != nil {
		return meili.Errorf(meili.CodeInternal, "writing the merged answer: %v", err)
	}
	return writeJSON(c, http.StatusOK, buf)
}

// bufPool recycles the buffers answers are built in: a 1,000-hit answer is
// most of a megabyte, which would otherwise be allocated, zeroed and
// collected once per search.
type bufPool struct{ p sync.Pool }

// maxPooled bounds the buffers kept, so one huge answer does not pin its
// memory.
const maxPooled = 4 << 20

func (bp *bufPool) get(size int) []byte {
	if b, ok := bp.p.Get().(*[]byte); ok && cap(*b) >= size {
		return (*b)[:0]
	}
	return make([]byte, 0, size)
}

// release puts every buffer of bs.
func (bp *bufPool) release(bs [][]byte) {
	for _, b := range bs {
		bp.put(b)
	}
}

// put returns b; the caller must not use it afterwards.
func (bp *bufPool) put(b []byte) {
	if cap(b) == 0 || cap(b) > maxPooled {
		return
	}
	b = b[:0]
	bp.p.Put(&b)
}
