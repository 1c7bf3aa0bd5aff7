package workload

import (
	"errors"
	"net/http"
	"syscall"

	"github.com/meilisearch/meilisearch-go"
	"github.com/miroir-search/miroir/chaos/history"
)

// classify turns a request error into an outcome: a request that was
// refused before it reached the server, or rejected as invalid (4xx), did
// not take effect; anything else (timeouts, resets, 5xx) may have.
func classify(err error) (history.Status, string) {
	if err == nil {
		return history.StatusOK, ""
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return history.StatusFail, ""
	}
	var me *meilisearch.Error
	if errors.As(err, &me) {
		code := string(me.APIError.Code)
		s := me.StatusCode
		if s >= 400 && s < 500 && s != http.StatusRequestTimeout && s != http.StatusTooManyRequests {
			return history.StatusFail, code
		}
		return history.StatusUnknown, code
	}
	return history.StatusUnknown, ""
}

// apiCode returns the Meilisearch error code of err, if any.
func apiCode(err error) string {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return string(me.APIError.Code)
	}
	return ""
}

// statusOf returns the HTTP status of err, if any.
func statusOf(err error) int {
	var me *meilisearch.Error
	if errors.As(err, &me) {
		return me.StatusCode
	}
	return 0
}
