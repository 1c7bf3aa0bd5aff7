package meili

import (
	"fmt"
	"net/http"
)

// ErrorType is the "type" field of a Meilisearch error body.
type ErrorType string

const (
	TypeInvalidRequest ErrorType = "invalid_request"
	TypeAuth           ErrorType = "auth"
	TypeInternal       ErrorType = "internal"
	TypeSystem         ErrorType = "system"
)

// Code is a stable Meilisearch (or miroir_*) error code.
type Code string

// Error is the one error type that crosses an HTTP boundary. The echo error
// handler (admin) and the engine's handler turn it into the Meilisearch body
// {"message","code","type","link"} with Status as the HTTP status.
type Error struct {
	Status  int       `json:"-"`
	Message string    `json:"message"`
	Code    Code      `json:"code"`
	Type    ErrorType `json:"type"`
	Link    string    `json:"link"`
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Message }

// Is lets errors.Is match two *Error values by code, so callers can write
// errors.Is(err, meili.Errorf(meili.CodeIndexNotFound, "")).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Errorf builds an *Error for a known code; status and type come from the
// code table. Unknown codes are internal errors (500).
func Errorf(code Code, format string, args ...any) *Error {
	def, ok := lookupCode(code)
	if !ok {
		def = codeDef{http.StatusInternalServerError, TypeInternal}
	}
	return &Error{
		Status:  def.status,
		Message: fmt.Sprintf(format, args...),
		Code:    code,
		Type:    def.typ,
		Link:    "https://docs.meilisearch.com/errors#" + string(code),
	}
}

// StatusOf reports the HTTP status registered for code (500 when unknown).
func StatusOf(code Code) int {
	if def, ok := lookupCode(code); ok {
		return def.status
	}
	return http.StatusInternalServerError
}

type codeDef struct {
	status int
	typ    ErrorType
}

func lookupCode(code Code) (codeDef, bool) {
	if def, ok := codeTable[code]; ok {
		return def, true
	}
	def, ok := meilisearchCodeTable[code]
	return def, ok
}
