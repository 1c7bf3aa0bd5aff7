package proxy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"strconv"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// Payload formats accepted on document routes.
const (
	formatJSON   = "json"
	formatNDJSON = "ndjson"
	formatCSV    = "csv"
)

// payloadFormat maps a Content-Type to a format, with Meilisearch's errors.
func payloadFormat(contentType string) (string, error) {
	if strings.TrimSpace(contentType) == "" {
		return "", meili.Errorf(meili.CodeMissingContentType,
			"A Content-Type header is missing. Accepted values for the Content-Type header are: `application/json`, `application/x-ndjson`, `text/csv`")
	}
	mt, _, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
	case mt == "application/json":
		return formatJSON, nil
	case mt == "application/x-ndjson":
		return formatNDJSON, nil
	case mt == "text/csv":
		return formatCSV, nil
	}
	return "", meili.Errorf(meili.CodeInvalidContentType,
		"The Content-Type `%s` is invalid. Accepted values for the Content-Type header are: `application/json`, `application/x-ndjson`, `text/csv`", contentType)
}

// readPayload reads a request body up to limit bytes, decoding gzip and
// deflate Content-Encoding.
func readPayload(body io.Reader, encoding string, limit int64) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(body)
		if err != nil {
			return nil, meili.Errorf(meili.CodeBadRequest, "The payload could not be decompressed: %v", err)
		}
		defer zr.Close()
		body = zr
	case "deflate":
		zr, err := zlib.NewReader(body)
		if err != nil {
			return nil, meili.Errorf(meili.CodeBadRequest, "The payload could not be decompressed: %v", err)
		}
		body = zr
	default:
		return nil, meili.Errorf(meili.CodeBadRequest, "The Content-Encoding `%s` is not supported.", encoding)
	}
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, meili.Errorf(meili.CodeBadRequest, "Error while receiving the payload. `%v`.", err)
	}
	if int64(len(data)) > limit {
		return nil, meili.Errorf(meili.CodePayloadTooLarge,
			"The provided payload reached the size limit. The maximum accepted payload size is %d bytes.", limit)
	}
	return data, nil
}

var errNotObjects = errors.New("invalid type: expected a document object")

// parseDocuments splits a payload into raw JSON objects, keeping each
// document's bytes (field order and number spelling) as the client sent them.
func parseDocuments(format string, data []byte, csvDelimiter rune) ([]json.RawMessage, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, meili.Errorf(meili.CodeMissingPayload, "A %s payload is missing.", format)
	}
	switch format {
	case formatNDJSON:
		return parseNDJSON(data)
	case formatCSV:
		return parseCSV(data, csvDelimiter)
	}
	trimmed := bytes.TrimSpace(data)
	if trimmed[0] == '{' {
		if !json.Valid(trimmed) {
			return nil, malformed(format, json.Unmarshal(trimmed, new(any)))
		}
		return []json.RawMessage{trimmed}, nil
	}
	var docs []json.RawMessage
	if err := json.Unmarshal(trimmed, &docs); err != nil {
		return nil, malformed(format, err)
	}
	for _, d := range docs {
		if len(d) == 0 || d[0] != '{' {
			return nil, malformed(format, errNotObjects)
		}
	}
	return docs, nil
}

func parseNDJSON(data []byte) ([]json.RawMessage, error) {
	var docs []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		if line[0] != '{' {
			return nil, malformed(formatNDJSON, errNotObjects)
		}
		if !json.Valid(line) {
			return nil, malformed(formatNDJSON, json.Unmarshal(line, new(any)))
		}
		docs = append(docs, append(json.RawMessage(nil), line...))
	}
	return docs, sc.Err()
}

// parseCSV converts CSV rows to JSON objects. Headers may carry a type,
// "name:number" (JSON numbers; empty cells are null) or "name:string".
func parseCSV(data []byte, delim rune) ([]json.RawMessage, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delim
	rows, err := r.ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, meili.Errorf(meili.CodeMalformedPayload, "The `csv` payload provided is malformed: `%v`.", err)
	}
	names, numeric := csvHeader(rows[0])
	docs := make([]json.RawMessage, 0, len(rows)-1)
	for _, row := range rows[1:] {
		var b []byte
		b = append(b, '{')
		for i, cell := range row {
			if i >= len(names) {
				break
			}
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, names[i])
			b = append(b, ':')
			b = csvValue(b, cell, numeric[i])
		}
		docs = append(docs, append(b, '}'))
	}
	return docs, nil
}

func csvHeader(h []string) ([]string, []bool) {
	names, numeric := make([]string, len(h)), make([]bool, len(h))
	for i, col := range h {
		names[i] = col
		if name, typ, ok := strings.Cut(col, ":"); ok && (typ == "number" || typ == "string") {
			names[i], numeric[i] = name, typ == "number"
		}
	}
	return names, numeric
}

func csvValue(b []byte, cell string, numeric bool) []byte {
	if numeric {
		if cell == "" {
			return append(b, "null"...)
		}
		if f, err := strconv.ParseFloat(cell, 64); err == nil {
			return strconv.AppendFloat(b, f, 'f', -1, 64)
		}
	}
	q, _ := json.Marshal(cell)
	return append(b, q...)
}

// malformed shapes a JSON decoding error as Meilisearch's malformed_payload.
func malformed(format string, err error) error {
	msg := "unknown error"
	if err != nil {
		msg = err.Error()
	}
	return meili.Errorf(meili.CodeMalformedPayload,
		"The `%s` payload provided is malformed. `Couldn't serialize document value: %s`.", format, msg)
}
