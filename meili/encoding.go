package meili

import (
	"compress/gzip"
	"compress/zlib"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
)

// DecodeContentEncoding undoes a request's Content-Encoding: gzip,
// deflate (zlib-wrapped, as HTTP and the SDKs mean it) and br, which the
// Meilisearch SDKs send; "" and identity pass through. Unsupported
// encodings are bad_request, corrupt headers malformed_payload. Decoding
// errors later in the stream surface from Read, so callers map them with
// their size limit in place (wrap the result in http.MaxBytesReader, or
// limit the raw body, as the limit is meant).
func DecodeContentEncoding(encoding string, body io.Reader) (io.Reader, error) {
	switch enc := strings.ToLower(strings.TrimSpace(encoding)); enc {
	case "", "identity":
		return body, nil
	case "gzip", "x-gzip":
		z, err := gzip.NewReader(body)
		if err != nil {
			return nil, Errorf(CodeMalformedPayload, "The request body could not be decoded as gzip: %v.", err)
		}
		return z, nil
	case "deflate":
		z, err := zlib.NewReader(body)
		if err != nil {
			return nil, Errorf(CodeMalformedPayload, "The request body could not be decoded as deflate: %v.", err)
		}
		return z, nil
	case "br":
		return brotli.NewReader(body), nil
	default:
		return nil, Errorf(CodeBadRequest, "Unsupported Content-Encoding `%s`: use gzip, deflate or br.", enc)
	}
}
