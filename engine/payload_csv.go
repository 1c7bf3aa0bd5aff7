package engine

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// csvColumn is one CSV header cell: "name" or "name:type" with type
// string (default), number or boolean, as Meilisearch reads CSV.
type csvColumn struct {
	name, typ string
}

func parseCSV(body io.Reader, delim rune) ([]json.RawMessage, error) {
	r := csv.NewReader(body)
	r.Comma = delim
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err == io.EOF {
		return nil, missingPayload("csv")
	}
	if err != nil {
		return nil, csvErr(err)
	}
	cols := make([]csvColumn, len(header))
	for i, h := range header {
		cols[i] = parseCSVHeader(h)
	}
	var docs []json.RawMessage
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		doc, err := csvDocument(cols, rec, line)
		if err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	return docs, nil
}

func parseCSVHeader(h string) csvColumn {
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		switch t := h[i+1:]; t {
		case "string", "number", "boolean":
			return csvColumn{name: h[:i], typ: t}
		}
	}
	return csvColumn{name: h, typ: "string"}
}

func csvDocument(cols []csvColumn, rec []string, line int) (json.RawMessage, error) {
	kv := make([]any, 0, 2*len(cols))
	for i, col := range cols {
		var v any
		if i < len(rec) {
			cell := rec[i]
			switch {
			case cell == "":
				v = nil
			case col.typ == "number":
				n, err := strconv.ParseFloat(strings.TrimSpace(cell), 64)
				if err != nil {
					return nil, meili.Errorf(meili.CodeMalformedPayload, "The `csv` payload provided is malformed: `Error parsing number %q at line %d: %v`.", cell, line, err)
				}
				v = json.RawMessage(strconv.FormatFloat(n, 'f', -1, 64))
			case col.typ == "boolean":
				b, err := strconv.ParseBool(strings.TrimSpace(cell))
				if err != nil {
					return nil, meili.Errorf(meili.CodeMalformedPayload, "The `csv` payload provided is malformed: `Error parsing boolean %q at line %d: %v`.", cell, line, err)
				}
				v = b
			default:
				v = cell
			}
		}
		kv = append(kv, col.name, v)
	}
	return details(kv...), nil
}

func csvErr(err error) error {
	if isMaxBytes(err) {
		return err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return meili.Errorf(meili.CodeMalformedPayload, "The `csv` payload provided is malformed: `%v`.", err)
	}
	return err
}
