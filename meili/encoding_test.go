package meili

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestDecodeContentEncodingUndoesSDKEncodings(t *testing.T) {
	const payload = `[{"id":1}]`
	encode := map[string]func(io.Writer) io.WriteCloser{
		"gzip":    func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) },
		"deflate": func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) },
		"br":      func(w io.Writer) io.WriteCloser { return brotli.NewWriter(w) },
	}
	for name, enc := range encode {
		var buf bytes.Buffer
		w := enc(&buf)
		io.WriteString(w, payload)
		w.Close()
		r, err := DecodeContentEncoding(strings.ToUpper(name), &buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		docs, err := ParseDocuments("application/json", r, 0)
		if err != nil || len(docs) != 1 {
			t.Fatalf("%s: %v %v", name, docs, err)
		}
	}
	if r, err := DecodeContentEncoding("", strings.NewReader(payload)); err != nil || r == nil {
		t.Fatal("identity")
	}
	_, err := DecodeContentEncoding("zstd", strings.NewReader(payload))
	var me *Error
	if !errors.As(err, &me) || me.Code != CodeBadRequest {
		t.Fatalf("zstd: %v", err)
	}
	_, err = DecodeContentEncoding("gzip", strings.NewReader("not gzip"))
	if !errors.As(err, &me) || me.Code != CodeMalformedPayload {
		t.Fatalf("corrupt gzip: %v", err)
	}
}
