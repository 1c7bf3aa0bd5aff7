package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// reqErr builds a Meilisearch error. Codes missing from meili's code table
// (Meilisearch has ~200) are still invalid_request errors with status 400,
// not internal ones.
func reqErr(code meili.Code, format string, args ...any) *meili.Error {
	e := meili.Errorf(code, format, args...)
	if e.Status == http.StatusInternalServerError && code != meili.CodeInternal && code != meili.CodeNoSpaceLeftOnDevice {
		e.Status, e.Type = http.StatusBadRequest, meili.TypeInvalidRequest
	}
	return e
}

// withStatus is reqErr with an explicit status, for codes the table lacks.
func withStatus(status int, code meili.Code, format string, args ...any) *meili.Error {
	e := reqErr(code, format, args...)
	e.Status = status
	return e
}

func notImplemented(what string) *meili.Error {
	return meili.Errorf(meili.CodeNotImplemented,
		"%s is not supported by the miroir engine (a test and development node); run real Meilisearch for it.", what)
}

func internalErr(err error) *meili.Error {
	return meili.Errorf(meili.CodeInternal, "%s", err.Error())
}

// errorHandler is the only place that turns an error into an HTTP answer.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	me := s.toMeili(err)
	if me.Status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	_ = c.JSON(me.Status, me)
}

func (s *Server) toMeili(err error) *meili.Error {
	var me *meili.Error
	if errors.As(err, &me) {
		return me
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			return withStatus(http.StatusNotFound, "not_found", "Not found.")
		case http.StatusRequestEntityTooLarge:
			return meili.Errorf(meili.CodePayloadTooLarge, "The provided payload reached the size limit. The maximum accepted payload size is %d bytes.", s.cfg.MaxPayloadBytes)
		case http.StatusUnsupportedMediaType:
			return meili.Errorf(meili.CodeInvalidContentType, "%v", he.Message)
		}
		if he.Code < 500 {
			return withStatus(he.Code, meili.CodeBadRequest, "%v", he.Message)
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return meili.Errorf(meili.CodePayloadTooLarge, "The provided payload reached the size limit. The maximum accepted payload size is %d bytes.", mbe.Limit)
	}
	return internalErr(err)
}

// decodeJSON reads a JSON body into v, answering Meilisearch's bad_request
// for malformed JSON and missing_payload for an empty body when required.
func decodeJSON(c echo.Context, v any, required bool) error {
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return err
	}
	if len(body) == 0 {
		if required {
			return meili.Errorf(meili.CodeMissingPayload, "A json payload is missing.")
		}
		return nil
	}
	if err := json.Unmarshal(body, v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) || !json.Valid(body) {
			// Meilisearch: a body that is not JSON at all is malformed_payload;
			// well-formed JSON of the wrong shape is bad_request.
			return meili.Errorf(meili.CodeMalformedPayload, "The json payload provided is malformed. `%s`.", err.Error())
		}
		return reqErr(meili.CodeBadRequest, "Json deserialize error: %s", jsonErrText(err))
	}
	return nil
}

func jsonErrText(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("invalid type: %s at `.%s`, expected %s", te.Value, te.Field, te.Type)
		}
		return fmt.Sprintf("invalid type: %s, expected %s", te.Value, te.Type)
	}
	return err.Error()
}
