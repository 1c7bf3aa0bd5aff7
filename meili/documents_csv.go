package meili

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// CSV rules (meilisearch-types document_formats.rs): the first record is
// the header; a header `name:number`, `name:boolean` or `name:string`
// types the column (split on the last ':'; any other suffix is part of the
// name); empty cells are null; numbers are integers when they parse as
// such, floats otherwise (non-finite floats become null); every record must
// have as many fields as the header.

type csvColumnType int

const (
	csvString csvColumnType = iota
	csvNumber
	csvBoolean
)

type csvColumn struct {
	name string
	typ  csvColumnType
}

func parseCSVHeader(h string) csvColumn {
	i := strings.LastIndexByte(h, ':')
	if i < 0 {
		return csvColumn{h, csvString}
	}
	switch h[i+1:] {
	case "string":
		return csvColumn{h[:i], csvString}
	case "number":
		return csvColumn{h[:i], csvNumber}
	case "boolean":
		return csvColumn{h[:i], csvBoolean}
	}
	return csvColumn{h, csvString}
}

func parseCSVDocuments(data []byte, delimiter rune) ([]json.RawMessage, error) {
	// The Rust csv crate Meilisearch uses skips a UTF-8 byte order mark.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter
	r.LazyQuotes = true
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return []json.RawMessage{}, nil
		}
		return nil, malformedCSV(err.Error())
	}
	cols := make([]csvColumn, len(header))
	for i, h := range header {
		cols[i] = parseCSVHeader(h)
	}
	fields := csvFieldOrder(cols)
	docs := []json.RawMessage{}
	for line := 1; ; line++ {
		start := r.InputOffset()
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, malformedCSV("CSV error: " + err.Error())
		}
		if len(rec) != len(cols) {
			startLine, _ := r.FieldPos(0)
			return nil, malformedCSV(fmt.Sprintf(
				"CSV error: record %d (line: %d, byte: %d): found record with %d fields, but the previous record has %d fields",
				line, startLine, start, len(rec), len(cols)))
		}
		doc, err := csvDocument(cols, fields, rec, line)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
}

// csvField is one output field: its name and the column its value comes
// from (the last column of that name, as later columns overwrite earlier
// ones in Meilisearch's object).
type csvField struct {
	name   string
	column int
}

// csvFieldOrder lists the distinct field names in first-appearance order.
func csvFieldOrder(cols []csvColumn) []csvField {
	var fields []csvField
	at := map[string]int{}
	for i, c := range cols {
		if j, seen := at[c.name]; seen {
			fields[j].column = i
			continue
		}
		at[c.name] = len(fields)
		fields = append(fields, csvField{c.name, i})
	}
	return fields
}

func csvDocument(cols []csvColumn, fields []csvField, rec []string, line int) (json.RawMessage, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range fields {
		v, err := csvValue(cols[f.column].typ, rec[f.column], line)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := marshalNoEscape(f.name)
		b.Write(name)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func csvValue(typ csvColumnType, cell string, line int) (json.RawMessage, error) {
	trimmed := strings.TrimSpace(cell)
	switch typ {
	case csvNumber:
		if trimmed == "" {
			return json.RawMessage("null"), nil
		}
		if n, err := strconv.ParseInt(trimmed, 10, 64); err == nil {
			return json.RawMessage(strconv.FormatInt(n, 10)), nil
		}
		f, ok := parseRustFloat(trimmed)
		if !ok {
			return nil, malformedCSV(fmt.Sprintf("Error parsing number %s at line %d: invalid float literal", strconv.Quote(cell), line))
		}
		if f-f != 0 {
			return json.RawMessage("null"), nil
		}
		return json.Marshal(f)
	case csvBoolean:
		switch trimmed {
		case "":
			return json.RawMessage("null"), nil
		case "true", "false":
			return json.RawMessage(trimmed), nil
		}
		return nil, malformedCSV(fmt.Sprintf("Error parsing boolean %s at line %d: provided string was not `true` or `false`", strconv.Quote(cell), line))
	}
	if cell == "" {
		return json.RawMessage("null"), nil
	}
	return marshalNoEscape(cell)
}

// parseRustFloat accepts what Rust's f64::from_str accepts: decimal
// notation and inf/infinity/nan in any case, but no hex or underscores.
func parseRustFloat(s string) (float64, bool) {
	if strings.ContainsAny(s, "xXpP_") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	var numErr *strconv.NumError
	if errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) {
		return f, true
	}
	return f, err == nil
}

func malformedCSV(msg string) *Error {
	return Errorf(CodeMalformedPayload, "The `csv` payload provided is malformed: `%s`.", msg)
}
