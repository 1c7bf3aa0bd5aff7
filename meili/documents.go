package meili

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Document is one document as received: top-level field name to raw JSON
// value. Values are kept raw so numbers, nested objects and big integers
// reach the node byte for byte; only the primary key and the reserved
// fields are ever decoded. Field order is not kept (a Go map): Meilisearch
// returns fields in its own fields-map order anyway.
type Document map[string]json.RawMessage

// Payload content types accepted by the document routes.
const (
	ContentTypeJSON   = "application/json"
	ContentTypeNDJSON = "application/x-ndjson"
	ContentTypeCSV    = "text/csv"
)

const acceptedContentTypes = "`application/json`, `application/x-ndjson`, `text/csv`"

// PayloadFormat is the document payload format named by a Content-Type.
type PayloadFormat string

// The payload formats, named as Meilisearch names them in its messages.
const (
	FormatJSON   PayloadFormat = "json"
	FormatNDJSON PayloadFormat = "ndjson"
	FormatCSV    PayloadFormat = "csv"
)

// PayloadFormatOf maps a Content-Type header value (parameters allowed) to
// a format, with Meilisearch's errors: missing_content_type,
// invalid_content_type (also for a csvDelimiter with a non-CSV type) and
// invalid_document_csv_delimiter for a non-ASCII delimiter. csvDelimiter 0
// means "not given".
func PayloadFormatOf(contentType string, csvDelimiter rune) (PayloadFormat, error) {
	if strings.TrimSpace(contentType) == "" {
		return "", Errorf(CodeMissingContentType,
			"A Content-Type header is missing. Accepted values for the Content-Type header are: %s", acceptedContentTypes)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", invalidContentType(contentType)
	}
	if csvDelimiter != 0 && csvDelimiter > 127 {
		return "", Errorf(CodeInvalidDocumentCSVDelimiter,
			"Invalid value in parameter `csvDelimiter`: csv delimiter must be an ascii character. Found: `%c`", csvDelimiter)
	}
	switch mt {
	case ContentTypeJSON, ContentTypeNDJSON:
		if csvDelimiter != 0 {
			return "", Errorf(CodeInvalidContentType,
				"The Content-Type `%s` does not support the use of a csv delimiter. The csv delimiter can only be used with the Content-Type `text/csv`.", mt)
		}
		if mt == ContentTypeJSON {
			return FormatJSON, nil
		}
		return FormatNDJSON, nil
	case ContentTypeCSV:
		return FormatCSV, nil
	}
	return "", invalidContentType(mt)
}

func invalidContentType(ct string) error {
	return Errorf(CodeInvalidContentType,
		"The Content-Type `%s` is invalid. Accepted values for the Content-Type header are: %s", ct, acceptedContentTypes)
}

// ParseDocuments reads a whole document payload: a JSON array of objects or
// a single object, NDJSON (objects separated by whitespace), or CSV with an
// optional `name:type` header annotation (string, number, boolean).
// csvDelimiter 0 means ','. The size limit is the caller's
// (http.MaxBytesReader); hitting it gives payload_too_large. Other errors:
// missing_payload (empty body), malformed_payload, and the content-type
// errors of PayloadFormatOf. An empty array gives no documents and no error.
func ParseDocuments(contentType string, body io.Reader, csvDelimiter rune) ([]Document, error) {
	raws, err := ParseDocumentsRaw(contentType, body, csvDelimiter)
	if err != nil {
		return nil, err
	}
	docs := make([]Document, len(raws))
	for i, raw := range raws {
		if err := json.Unmarshal(raw, &docs[i]); err != nil {
			return nil, Errorf(CodeMalformedPayload, "The document %d is not a JSON object: %v.", i, err)
		}
	}
	return docs, nil
}

// ParseDocumentsRaw is ParseDocuments keeping each document as its JSON
// text: the bytes as sent for JSON and NDJSON (so field order survives, and
// Meilisearch orders returned fields by first appearance), and an object
// in header order for CSV. Every element is a JSON object.
func ParseDocumentsRaw(contentType string, body io.Reader, csvDelimiter rune) ([]json.RawMessage, error) {
	format, err := PayloadFormatOf(contentType, csvDelimiter)
	if err != nil {
		return nil, err
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, readError(err)
	}
	if len(data) == 0 {
		return nil, Errorf(CodeMissingPayload, "A %s payload is missing.", format)
	}
	switch format {
	case FormatJSON:
		return parseJSONDocuments(data)
	case FormatNDJSON:
		return parseNDJSONDocuments(data)
	}
	if csvDelimiter == 0 {
		csvDelimiter = ','
	}
	return parseCSVDocuments(data, csvDelimiter)
}

func readError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return PayloadTooLarge(tooLarge.Limit)
	}
	return Errorf(CodeBadRequest, "Error while receiving the payload. `%v`.", err)
}

// PayloadTooLarge is Meilisearch's payload_too_large error for a limit in
// bytes.
func PayloadTooLarge(limit int64) *Error {
	return Errorf(CodePayloadTooLarge,
		"The provided payload reached the size limit. The maximum accepted payload size is %s.", formatBytes(limit))
}

// formatBytes follows the byte-unit crate as Meilisearch uses it: binary
// units when the size is a multiple of 1024, decimal ones otherwise.
func formatBytes(n int64) string {
	base, units := 1000.0, []string{"B", "KB", "MB", "GB", "TB"}
	if n%1024 == 0 && n > 0 {
		base, units = 1024, []string{"B", "KiB", "MiB", "GiB", "TiB"}
	}
	v, i := float64(n), 0
	for v >= base && i < len(units)-1 {
		v /= base
		i++
	}
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
	return s + " " + units[i]
}

func parseJSONDocuments(data []byte) ([]json.RawMessage, error) {
	// A validation pass over the whole payload first: on failure
	// json.Unmarshal reports the position exactly (json.Decoder's offsets
	// drift inside token streams); on success the split below can trust the
	// syntax and only check the shape.
	if !json.Valid(data) {
		var whole json.RawMessage
		return nil, malformedJSON(FormatJSON, data, json.Unmarshal(data, &whole))
	}
	trimmed := bytes.TrimSpace(data)
	switch trimmed[0] {
	case '[':
		return splitDocumentArray(trimmed)
	case '{':
		return []json.RawMessage{trimmed[:len(trimmed):len(trimmed)]}, nil
	}
	return nil, malformedJSON(FormatJSON, data, errNotObjects)
}

var errNotObjects = errors.New("data are neither an object nor a list of objects")

// splitDocumentArray cuts a valid JSON array into its elements (sharing
// data's memory, capacity capped) and checks that each is an object.
func splitDocumentArray(data []byte) ([]json.RawMessage, error) {
	docs := []json.RawMessage{}
	depth, start := 0, -1
	inString, escaped := false, false
	for i := 1; i < len(data)-1; i++ {
		c := data[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == ',' && depth == 0:
			docs = append(docs, data[start:i])
			start = -1
			continue
		}
		if start < 0 {
			if c != '{' {
				return nil, malformedJSON(FormatJSON, data, errNotObjects)
			}
			start = i
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		}
	}
	if start >= 0 {
		docs = append(docs, bytes.TrimRight(data[start:len(data)-1], " \t\n\r"))
	}
	for i, d := range docs {
		d = bytes.TrimRight(d, " \t\n\r")
		docs[i] = d[:len(d):len(d)] // appending to one document must not overwrite the next
	}
	return docs, nil
}

func parseNDJSONDocuments(data []byte) ([]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	docs := []json.RawMessage{}
	for {
		var doc json.RawMessage
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, malformedJSON(FormatNDJSON, data, err)
		}
		if doc[0] != '{' {
			return nil, malformedJSON(FormatNDJSON, data, errNotObjects)
		}
		docs = append(docs, doc)
	}
}

// malformedJSON shapes a decoding error like serde_json's, "<what> at line
// L column C", inside Meilisearch's malformed_payload message.
func malformedJSON(format PayloadFormat, data []byte, err error) *Error {
	msg := err.Error()
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ), errors.Is(err, errNotObjects):
		msg = errNotObjects.Error()
	case errors.As(err, &syn):
		msg = serdeMessage(syn.Error(), data) + " at " + lineColumn(data, syn.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		msg = "EOF while parsing " + eofContext(data) + " at " + lineColumn(data, int64(len(data)))
	}
	const prefix, suffix = 50, 85
	if len(msg) > prefix+suffix+3 {
		msg = msg[:prefix] + "..." + msg[len(msg)-suffix:]
	}
	return Errorf(CodeMalformedPayload,
		"The `%s` payload provided is malformed. `Couldn't serialize document value: %s`.", format, msg)
}

// serdeMessage maps encoding/json's syntax errors to serde_json's wording.
// data is the whole input, used to name what an early EOF interrupted.
func serdeMessage(goMsg string, data []byte) string {
	switch {
	case strings.Contains(goMsg, "looking for beginning of object key string"):
		return "key must be a string"
	case strings.Contains(goMsg, "looking for beginning of value"):
		return "expected value"
	case strings.Contains(goMsg, "after object key:value pair"):
		return "expected `,` or `}`"
	case strings.Contains(goMsg, "after object key"):
		return "expected `:`"
	case strings.Contains(goMsg, "after array element"):
		return "expected `,` or `]`"
	case strings.Contains(goMsg, "after top-level value"):
		return "trailing characters"
	case strings.Contains(goMsg, "unexpected end of JSON input"):
		return "EOF while parsing " + eofContext(data)
	}
	return goMsg
}

// eofContext names the innermost construct left open at the end of data,
// as serde_json does ("a string", "an object", "a list", "a value").
func eofContext(data []byte) string {
	var stack []byte
	var last byte
	inString, escaped := false, false
	for _, c := range data {
		if !inString && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			last = c
		}
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case inString && c == '"':
			inString = false
		case inString:
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			stack = append(stack, c)
		case (c == '}' || c == ']') && len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	switch {
	case inString:
		return "a string"
	case len(stack) == 0 || last == ':' || last == ',':
		return "a value"
	case stack[len(stack)-1] == '{':
		return "an object"
	}
	return "a list"
}

// lineColumn turns a byte offset (Go's SyntaxError.Offset: bytes read up to
// and including the bad one) into serde's 1-based "line L column C".
func lineColumn(data []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(data)))
	head := data[:offset]
	line := bytes.Count(head, []byte{'\n'}) + 1
	col := len(head) - (bytes.LastIndexByte(head, '\n') + 1)
	return fmt.Sprintf("line %d column %d", line, col)
}
