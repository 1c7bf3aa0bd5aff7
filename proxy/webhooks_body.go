package proxy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/miroir-search/miroir/meili"
)

// Decoding and validation of /webhooks bodies with Meilisearch's rules and
// messages (its deserr decoding of `{url, headers}` and its check_changed).

// Webhook error codes. meili's table does not know them yet, so their
// status and type are set here (webhookErr).
const (
	codeInvalidWebhookURL        meili.Code = "invalid_webhook_url"
	codeInvalidWebhookHeaders    meili.Code = "invalid_webhook_headers"
	codeInvalidWebhooks          meili.Code = "invalid_webhooks"
	codeImmutableWebhook         meili.Code = "immutable_webhook"
	codeInvalidWebhookUUID       meili.Code = "invalid_webhook_uuid"
	codeWebhookNotFound          meili.Code = "webhook_not_found"
	codeImmutableWebhookUUID     meili.Code = "immutable_webhook_uuid"
	codeImmutableWebhookEditable meili.Code = "immutable_webhook_is_editable"
)

func webhookErr(code meili.Code, format string, args ...any) *meili.Error {
	e := meili.Errorf(code, format, args...)
	e.Status, e.Type = http.StatusBadRequest, meili.TypeInvalidRequest
	if code == codeWebhookNotFound {
		e.Status = http.StatusNotFound
	}
	return e
}

// webhookBody is a decoded create or PATCH body. A field absent from the
// body is unset; JSON null resets it.
type webhookBody struct {
	urlSet, urlNull bool
	url             string
	headersSet      bool
	headersNull     bool
	headers         map[string]*string // nil value: JSON null
}

// decodeWebhookBody decodes raw, reporting the first problem in document
// order, as Meilisearch does.
func decodeWebhookBody(raw []byte) (webhookBody, error) {
	var b webhookBody
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
		var v any
		_ = json.Unmarshal(raw, &v)
		return b, meili.Errorf(meili.CodeBadRequest, "Invalid value type: expected an object, but found %s", describeJSON(v))
	}
	for d.More() {
		tok, err := d.Token()
		if err != nil {
			return b, meili.Errorf(meili.CodeMalformedPayload, "The json payload provided is malformed. `%v`.", err)
		}
		key, _ := tok.(string)
		var v any
		if err := d.Decode(&v); err != nil {
			return b, meili.Errorf(meili.CodeMalformedPayload, "The json payload provided is malformed. `%v`.", err)
		}
		if err := b.member(key, v); err != nil {
			return b, err
		}
	}
	return b, nil
}

func (b *webhookBody) member(key string, v any) error {
	switch key {
	case "url":
		b.urlSet = true
		switch t := v.(type) {
		case nil:
			b.urlNull = true
		case string:
			b.url = t
		default:
			return webhookErr(codeInvalidWebhookURL, "Invalid value type at `.url`: expected a string, but found %s", describeJSON(v))
		}
	case "headers":
		return b.headersMember(v)
	case "uuid":
		return webhookErr(codeImmutableWebhookUUID, "Immutable field `uuid`: expected one of `url`, `headers`")
	case "isEditable":
		return webhookErr(codeImmutableWebhookEditable, "Immutable field `isEditable`: expected one of `url`, `headers`")
	default:
		return meili.Errorf(meili.CodeBadRequest, "Unknown field `%s`: expected one of `url`, `headers`", key)
	}
	return nil
}

func (b *webhookBody) headersMember(v any) error {
	b.headersSet = true
	if v == nil {
		b.headersNull = true
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return webhookErr(codeInvalidWebhookHeaders, "Invalid value type at `.headers`: expected an object, but found %s", describeJSON(v))
	}
	b.headers = make(map[string]*string, len(obj))
	for name, hv := range obj {
		switch t := hv.(type) {
		case nil:
			b.headers[name] = nil
		case string:
			b.headers[name] = &t
		default:
			return webhookErr(codeInvalidWebhookHeaders, "Invalid value type at `.headers.%s`: expected a string, but found %s", name, describeJSON(hv))
		}
	}
	return nil
}

// describeJSON renders a decoded value as deserr does: "a string: `\"x\"`".
func describeJSON(v any) string {
	if v == nil {
		return "null"
	}
	kind := "a value"
	switch t := v.(type) {
	case string:
		kind = "a string"
	case bool:
		kind = "a boolean"
	case []any:
		kind = "an array"
	case map[string]any:
		kind = "an object"
	case json.Number:
		kind = "a positive integer"
		if s := t.String(); strings.ContainsAny(s, ".eE") {
			kind = "a number"
		} else if strings.HasPrefix(s, "-") {
			kind = "a negative integer"
		}
	}
	raw, _ := json.Marshal(v)
	return fmt.Sprintf("%s: `%s`", kind, raw)
}

// checkWebhook is Meilisearch's check_changed on the resulting webhook.
func checkWebhook(uuid, rawURL string, headers map[string]string) error {
	if rawURL == "" {
		return missingWebhookURL(uuid)
	}
	if len(headers) > maxWebhookHeaders {
		return tooManyWebhookHeaders(uuid)
	}
	for name, value := range headers {
		if !validHeaderName(name) {
			return webhookErr(codeInvalidWebhookHeaders, "Invalid header name `%s`: invalid HTTP header name", name)
		}
		if !validHeaderValue(value) {
			return webhookErr(codeInvalidWebhookHeaders, "Invalid header value `%s`: failed to parse header value", name)
		}
	}
	if msg := urlProblem(rawURL); msg != "" {
		return webhookErr(codeInvalidWebhookURL, "Invalid URL `%s`: %s", rawURL, msg)
	}
	return nil
}

func missingWebhookURL(uuid string) error {
	return webhookErr(codeInvalidWebhookURL, "The URL for the webhook `%s` is missing.", uuid)
}

// maxWebhookHeaders is store.MaxWebhookHeaders, checked before proposing
// so the error order is Meilisearch's; the store enforces it again.
const maxWebhookHeaders = 200

func tooManyWebhookHeaders(uuid string) error {
	return webhookErr(codeInvalidWebhookHeaders, "Too many headers for the webhook `%s`. Please limit the number of headers to %d. Hint: To remove an already defined header set its value to `null`", uuid, maxWebhookHeaders)
}

// urlProblem approximates Rust's Url::parse: an absolute URL with a
// scheme, and a host for the special schemes. "" means valid.
func urlProblem(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil && strings.Contains(err.Error(), "port"):
		return "invalid port number"
	case err != nil:
		return "invalid URL"
	case u.Scheme == "":
		return "relative URL without a base"
	}
	switch u.Scheme {
	case "http", "https", "ws", "wss", "ftp":
		if u.Host == "" {
			return "empty host"
		}
	}
	return ""
}

// validHeaderName: an RFC 9110 token.
func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// validHeaderValue: visible bytes, spaces and tabs, no control character.
func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// parseWebhookUUID accepts the forms Rust's Uuid::from_str accepts (simple,
// hyphenated, braced, urn) and returns the lower-case hyphenated form.
func parseWebhookUUID(s string) (string, error) {
	body := s
	switch {
	case strings.HasPrefix(body, "urn:uuid:"):
		body = body[len("urn:uuid:"):]
	case strings.HasPrefix(body, "{") && strings.HasSuffix(body, "}"):
		body = body[1 : len(body)-1]
	}
	for i, r := range body {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' || r == '-') {
			return "", webhookErr(codeInvalidWebhookUUID, "Invalid UUID: invalid character: found `%c` at %d", r, i)
		}
	}
	hexOnly := strings.ReplaceAll(body, "-", "")
	hyphenated := len(body) == 36 && body[8] == '-' && body[13] == '-' && body[18] == '-' && body[23] == '-'
	if len(hexOnly) != 32 || (len(body) != 32 && !hyphenated) {
		return "", webhookErr(codeInvalidWebhookUUID, "Invalid UUID: invalid length: expected length 32 for simple format, found %d", len(body))
	}
	h := strings.ToLower(hexOnly)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

const nilUUID = "00000000-0000-0000-0000-000000000000"

// redactSecret is Meilisearch's hide_secret: keep a prefix that grows with
// the secret's length, from offset on, and replace the rest.
func redactSecret(secret string, offset int) string {
	n := len(secret) - offset
	keep, mask := offset, "XXX..."
	switch {
	case n < 0:
		return secret
	case n < 10:
	case n < 20:
		keep, mask = offset+2, "XXXX..."
	case n < 30:
		keep, mask = offset+3, "XXXXX..."
	default:
		keep, mask = offset+5, "XXXXXX..."
	}
	for keep < len(secret) && !utf8Start(secret[keep]) {
		keep++
	}
	return secret[:min(keep, len(secret))] + mask
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
