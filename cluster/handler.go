package cluster

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
)

// Handler serves the internal routes other peers call:
// POST /_miroir/internal/apply (body: the raw command),
// POST /_miroir/internal/apply-many (body: {"commands": [base64...]},
// answer {"results": [...]} in order; followers coalesce forwards) and
// POST /_miroir/internal/remove-peer (body: {"id": "..."}) and
// POST /_miroir/internal/read-index (no body; answer {"index": N}, see
// ReadIndex). All require the X-Miroir-Cluster-Key header when
// Config.ClusterKey is set, and all run only on the leader: a follower answers not_leader (503) and never
// forwards again. Admin mounts this handler as is.
func (p *Peer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+ApplyPath, p.authorized(p.serveApply))
	mux.HandleFunc("POST "+ApplyManyPath, p.authorized(p.serveApplyMany))
	mux.HandleFunc("POST "+RemovePeerPath, p.authorized(p.serveRemovePeer))
	mux.HandleFunc("POST "+ReadIndexPath, p.authorized(p.serveReadIndex))
	return mux
}

func (p *Peer) authorized(next http.HandlerFunc) http.HandlerFunc {
	want := []byte(p.cfg.ClusterKey)
	return func(w http.ResponseWriter, r *http.Request) {
		got := []byte(r.Header.Get(ClusterKeyHeader))
		if len(want) > 0 && subtle.ConstantTimeCompare(got, want) != 1 {
			writeWireError(w, http.StatusUnauthorized, codeUnauthorized, "internal route needs the cluster key in "+ClusterKeyHeader)
			return
		}
		next(w, r)
	}
}

func (p *Peer) serveApply(w http.ResponseWriter, r *http.Request) {
	cmd, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxInternalBodySize))
	if err != nil {
		writeWireError(w, http.StatusBadRequest, codeBadRequest, "read command: "+err.Error())
		return
	}
	if !p.isStarted() {
		writeWireError(w, http.StatusServiceUnavailable, codeClosed, "peer is not running")
		return
	}
	a, err := p.applyLocal(r.Context(), cmd)
	var fe *FSMError
	switch {
	case errors.As(err, &fe):
		writeJSON(w, http.StatusOK, wireApplied{Index: a.Index, FSMError: fe.Message})
	case err != nil:
		writeErr(w, err)
	default:
		writeJSON(w, http.StatusOK, wireApplied{Index: a.Index, Response: a.Response})
	}
}

type removeRequest struct {
	ID string `json:"id"`
}

func (p *Peer) serveRemovePeer(w http.ResponseWriter, r *http.Request) {
	var req removeRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&req); err != nil || req.ID == "" {
		writeWireError(w, http.StatusBadRequest, codeBadRequest, `body must be {"id": "<peer id>"}`)
		return
	}
	if !p.isStarted() {
		writeWireError(w, http.StatusServiceUnavailable, codeClosed, "peer is not running")
		return
	}
	if err := p.removeLocal(req.ID); err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, struct{}{})
}

// writeErr answers a leader-side failure with its wire code.
func writeErr(w http.ResponseWriter, err error) {
	status, code := errStatus(err)
	writeWireError(w, status, code, err.Error())
}

func errStatus(err error) (int, string) {
	switch {
	case errors.Is(err, ErrNotLeader):
		return http.StatusServiceUnavailable, codeNotLeader
	case errors.Is(err, ErrLeadershipLost):
		return http.StatusServiceUnavailable, codeLeadershipLost
	case errors.Is(err, ErrClosed):
		return http.StatusServiceUnavailable, codeClosed
	case errors.Is(err, ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, codeTimeout
	case errors.Is(err, ErrUnknownPeer):
		return http.StatusNotFound, codeUnknownPeer
	}
	return http.StatusInternalServerError, codeInternal
}

func writeWireError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, wireError{Code: code, Message: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
