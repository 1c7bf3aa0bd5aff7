package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// errorHandler is the one place where an error becomes an HTTP status and a
// Meilisearch-shaped body. It is idempotent: a response already written
// (for example by the metrics middleware calling c.Error) is left alone.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	me := ErrorToMeili(err)
	if me.Code == meili.CodeMiroirNoLeader {
		c.Response().Header().Set("Retry-After", strconv.Itoa(s.retryAfterSeconds()))
	}
	if me.Status >= http.StatusInternalServerError {
		s.logger.Error("request failed", "method", c.Request().Method, "path", c.Path(), "code", me.Code, "err", err)
	}
	var werr error
	if c.Request().Method == http.MethodHead {
		werr = c.NoContent(me.Status)
	} else {
		werr = c.JSON(me.Status, me)
	}
	if werr != nil {
		s.logger.Debug("writing error response failed", "err", werr)
	}
}

func (s *Server) retryAfterSeconds() int {
	secs := int(s.cfg.RetryAfter.Seconds())
	return max(secs, 1)
}

// ErrorToMeili maps any error a handler, middleware or Consensus returns to
// the *meili.Error the client sees: *meili.Error as is, admin's sentinels
// to miroir_no_leader (503), miroir_timeout (504) and
// miroir_peer_not_found (404), echo's own errors to Meilisearch-like ones,
// anything else to internal (500).
func ErrorToMeili(err error) *meili.Error {
	var me *meili.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &me):
		return me
	case errors.Is(err, ErrNoLeader):
		return meili.Errorf(meili.CodeMiroirNoLeader, "the cluster has no leader right now (an election is running or quorum is lost); retry shortly")
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return meili.Errorf(meili.CodeMiroirTimeout, "the request did not complete in time; retry, and check `/_miroir/cluster` if it persists")
	case errors.Is(err, ErrPeerNotFound):
		return meili.Errorf(meili.CodeMiroirPeerNotFound, "peer not found in the raft configuration; list peers with `GET /_miroir/peers`")
	case errors.As(err, &he):
		return fromEchoError(he)
	}
	return meili.Errorf(meili.CodeInternal, "internal error: %v", err)
}

// fromEchoError maps echo's own errors (routing, body limit, binding) to
// Meilisearch-like errors.
func fromEchoError(he *echo.HTTPError) *meili.Error {
	switch he.Code {
	case http.StatusNotFound:
		return &meili.Error{Status: http.StatusNotFound, Message: "Not Found", Code: "not_found",
			Type: meili.TypeInvalidRequest, Link: "https://docs.meilisearch.com/errors#not_found"}
	case http.StatusMethodNotAllowed:
		return &meili.Error{Status: http.StatusMethodNotAllowed, Message: "Method Not Allowed", Code: "method_not_allowed",
			Type: meili.TypeInvalidRequest, Link: "https://docs.meilisearch.com/errors#method_not_allowed"}
	case http.StatusRequestEntityTooLarge:
		return meili.Errorf(meili.CodePayloadTooLarge, "The provided payload reached the size limit.")
	case http.StatusBadRequest:
		return meili.Errorf(meili.CodeBadRequest, "%v", he.Message)
	case http.StatusUnsupportedMediaType:
		return meili.Errorf(meili.CodeInvalidContentType, "%v", he.Message)
	case http.StatusServiceUnavailable:
		return meili.Errorf(meili.CodeMiroirTimeout, "the request did not complete in time; retry shortly")
	}
	return &meili.Error{Status: he.Code, Message: http.StatusText(he.Code), Code: meili.CodeInternal,
		Type: meili.TypeInternal, Link: "https://docs.meilisearch.com/errors#internal"}
}

// decodeJSON reads a JSON body strictly: one object, no unknown fields.
// Malformed JSON is a 400 bad_request that quotes the decoder's complaint.
func decodeJSON(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return meili.Errorf(meili.CodePayloadTooLarge, "The provided payload reached the size limit. The maximum accepted payload size is %d bytes.", mbe.Limit)
		}
		return meili.Errorf(meili.CodeBadRequest, "Json deserialize error: %v", err)
	}
	if dec.More() {
		return meili.Errorf(meili.CodeBadRequest, "Json deserialize error: trailing data after the JSON object")
	}
	return nil
}

// resultError is the JSON shape of fsm.Result as Consensus.Apply returns it.
type resultError struct {
	Value json.RawMessage `json:"value,omitempty"`
	Err   *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// applyResult decodes an FSM Apply value; a domain error becomes *meili.Error.
func applyResult(raw json.RawMessage) (json.RawMessage, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var r resultError
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, meili.Errorf(meili.CodeInternal, "undecodable FSM result: %v", err)
	}
	if r.Err != nil {
		return nil, domainError(r.Err.Code, r.Err.Message)
	}
	return r.Value, nil
}

// domainError builds the error for an FSM domain code. Codes that meili
// does not list yet get their status from their shape (not found 404,
// exists or conflict 409, invalid 400) rather than a misleading 500.
func domainError(code, msg string) *meili.Error {
	e := meili.Errorf(meili.Code(code), "%s", msg)
	if e.Status != http.StatusInternalServerError || code == string(meili.CodeInternal) {
		return e
	}
	switch {
	case strings.HasSuffix(code, "_not_found"):
		e.Status = http.StatusNotFound
	case strings.HasSuffix(code, "_already_exists"), strings.HasSuffix(code, "_conflict"):
		e.Status = http.StatusConflict
	case strings.Contains(code, "invalid"):
		e.Status = http.StatusBadRequest
	default:
		return e
	}
	e.Type = meili.TypeInvalidRequest
	return e
}
