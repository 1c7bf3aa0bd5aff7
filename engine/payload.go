package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/miroir-search/miroir/meili"
)

// parseDocuments reads a documents payload of media type mt into raw JSON
// objects, keeping each document's bytes (field order, number spelling) as
// sent. JSON and NDJSON are decoded here without building maps; CSV goes
// through meili's parser, which types columns as Meilisearch does.
func parseDocuments(mt string, body io.Reader, delim rune) ([]json.RawMessage, error) {
	if mt == "text/csv" {
		return parseCSV(body, delim)
	}
	raw, err := readAll(body)
	if err != nil {
		return nil, err
	}
	if mt == "application/x-ndjson" {
		if docs, ok := fastNDJSON(raw); ok {
			return docs, nil
		}
		return parseNDJSON(bytes.NewReader(raw))
	}
	if docs, ok := fastJSONDocuments(raw); ok {
		return docs, nil
	}
	return parseJSONDocuments(bytes.NewReader(raw))
}

func missingPayload(format string) *meili.Error {
	return meili.Errorf(meili.CodeMissingPayload, "A %s payload is missing.", format)
}

func malformed(format string, err error) *meili.Error {
	return meili.Errorf(meili.CodeMalformedPayload, "The `%s` payload provided is malformed. `Couldn't serialize document value: %s`.", format, err.Error())
}

func parseJSONDocuments(body io.Reader) ([]json.RawMessage, error) {
	br := bufio.NewReaderSize(body, 1<<16)
	first, err := firstNonSpace(br)
	if err == io.EOF {
		return nil, missingPayload("json")
	}
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(br)
	if first == '{' {
		var doc json.RawMessage
		if err := dec.Decode(&doc); err != nil {
			return nil, bodyErr("json", err)
		}
		return []json.RawMessage{doc}, trailing(dec, "json")
	}
	if first != '[' {
		return nil, meili.Errorf(meili.CodeMalformedPayload, "The `json` payload provided is malformed. `Couldn't serialize document value: expected a JSON object or an array of objects`.")
	}
	if _, err := dec.Token(); err != nil {
		return nil, bodyErr("json", err)
	}
	var docs []json.RawMessage
	for dec.More() {
		var doc json.RawMessage
		if err := dec.Decode(&doc); err != nil {
			return nil, bodyErr("json", err)
		}
		if err := mustBeObject(doc, "json"); err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	if _, err := dec.Token(); err != nil {
		return nil, bodyErr("json", err)
	}
	return docs, trailing(dec, "json")
}

func parseNDJSON(body io.Reader) ([]json.RawMessage, error) {
	dec := json.NewDecoder(body)
	var docs []json.RawMessage
	for {
		var doc json.RawMessage
		err := dec.Decode(&doc)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, bodyErr("ndjson", err)
		}
		if err := mustBeObject(doc, "ndjson"); err != nil {
			return nil, err
		}
		docs = append(docs, doc)
	}
	if len(docs) == 0 {
		return nil, missingPayload("ndjson")
	}
	return docs, nil
}

func firstNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\n' && b != '\r' && b != '\t' {
			return b, br.UnreadByte()
		}
	}
}

func mustBeObject(doc json.RawMessage, format string) error {
	if t := bytes.TrimSpace(doc); len(t) == 0 || t[0] != '{' {
		return meili.Errorf(meili.CodeMalformedPayload, "The `%s` payload provided is malformed. `Couldn't serialize document value: expected a JSON object, found %s`.", format, jsonKind(doc))
	}
	return nil
}

func trailing(dec *json.Decoder, format string) error {
	if _, err := dec.Token(); err != io.EOF {
		return meili.Errorf(meili.CodeMalformedPayload, "The `%s` payload provided is malformed. `Couldn't serialize document value: trailing characters`.", format)
	}
	return nil
}

// bodyErr keeps read errors (payload too large, client gone) as they are
// and reports JSON syntax errors as malformed_payload.
func bodyErr(format string, err error) error {
	if isMaxBytes(err) {
		return err
	}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	if errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return malformed(format, err)
	}
	return err
}

func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
