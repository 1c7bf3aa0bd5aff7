package admin

import (
	"net/http"
	"sort"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// health is Meilisearch's probe: the process is up. Cluster health is on
// /_miroir/ready and /_miroir/cluster.
func (s *Server) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "available"})
}

// readiness is the body of GET /_miroir/ready.
type readiness struct {
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	Leader string `json:"leader,omitempty"`
}

// ready answers 200 when this peer is a raft member that knows a leader and
// is not shutting down, else 503 with the reason.
func (s *Server) ready(c echo.Context) error {
	if s.draining.Load() {
		return c.JSON(http.StatusServiceUnavailable, readiness{Status: "unavailable", Reason: "shutting down"})
	}
	st := s.deps.Consensus.Status()
	if !hasServer(st.Servers, st.ID) {
		return c.JSON(http.StatusServiceUnavailable, readiness{Status: "unavailable", Reason: "not yet a raft member (waiting for bootstrap or join)"})
	}
	if st.Leader.ID == "" {
		return c.JSON(http.StatusServiceUnavailable, readiness{Status: "unavailable", Reason: "no known leader"})
	}
	if !s.caughtUp.Load() {
		return c.JSON(http.StatusServiceUnavailable, readiness{Status: "unavailable", Reason: "catching up with the cluster log"})
	}
	return c.JSON(http.StatusOK, readiness{Status: "ready", Leader: st.Leader.ID})
}

func hasServer(servers []RaftServer, id string) bool {
	for _, sv := range servers {
		if sv.ID == id {
			return true
		}
	}
	return false
}

// ClusterView is the body of GET /_miroir/cluster.
type ClusterView struct {
	Status
	Voters          int    `json:"voters"`
	FSMDigest       string `json:"fsmDigest"`
	FSMAppliedIndex uint64 `json:"fsmAppliedIndex"`
	Nodes           int    `json:"nodes"`
}

func (s *Server) getCluster(c echo.Context) error {
	if err := s.readAt(c, false); err != nil {
		return err
	}
	st := s.deps.Consensus.Status()
	v := ClusterView{
		Status:          st,
		FSMDigest:       s.deps.State.Digest(),
		FSMAppliedIndex: s.deps.State.AppliedIndex(),
		Nodes:           len(s.deps.State.Nodes()),
	}
	for _, sv := range st.Servers {
		if strings.EqualFold(sv.Suffrage, "voter") {
			v.Voters++
		}
	}
	return c.JSON(http.StatusOK, v)
}

// PeerView is one row of GET /_miroir/peers: the raft configuration joined
// with what gossip knows of each peer.
type PeerView struct {
	ID       string `json:"id"`
	RaftAddr string `json:"raftAddr"`
	HTTPAddr string `json:"httpAddr,omitempty"`
	Suffrage string `json:"suffrage"`
	Gossip   string `json:"gossip"`
	Leader   bool   `json:"leader"`
}

func (s *Server) listPeers(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]any{"results": peerViews(s.deps.Consensus.Status())})
}

// peerViews lists raft servers first, then gossip members that are not (yet)
// in the raft configuration, sorted by id.
func peerViews(st Status) []PeerView {
	members := make(map[string]Member, len(st.Members))
	for _, m := range st.Members {
		members[m.ID] = m
	}
	out := make([]PeerView, 0, len(st.Servers)+len(st.Members))
	for _, sv := range st.Servers {
		m, ok := members[sv.ID]
		gossip := "unknown"
		if ok {
			gossip = m.Status
		}
		out = append(out, PeerView{ID: sv.ID, RaftAddr: sv.Address, HTTPAddr: m.HTTPAddr,
			Suffrage: sv.Suffrage, Gossip: gossip, Leader: sv.ID == st.Leader.ID})
		delete(members, sv.ID)
	}
	for _, m := range members {
		out = append(out, PeerView{ID: m.ID, RaftAddr: m.RaftAddr, HTTPAddr: m.HTTPAddr, Suffrage: "none", Gossip: m.Status})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// addPeersRequest is the body of POST /_miroir/peers.
type addPeersRequest struct {
	Addresses []string `json:"addresses"`
}

// addPeers asks gossip to join the given addresses; the leader's reconcile
// loop then makes the new peers voters.
func (s *Server) addPeers(c echo.Context) error {
	j, ok := s.deps.Consensus.(Joiner)
	if !ok {
		return meili.Errorf(meili.CodeNotImplemented, "this peer cannot join addresses on request; start the new peer with --join instead")
	}
	var req addPeersRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if len(req.Addresses) == 0 || slicesHasEmpty(req.Addresses) {
		return meili.Errorf(meili.CodeMiroirInvalidRequest, "`addresses` must list one or more gossip addresses (host:port)")
	}
	n, err := j.Join(c.Request().Context(), req.Addresses)
	if err != nil {
		return meili.Errorf(meili.CodeMiroirInvalidRequest, "joining %s failed: %v", strings.Join(req.Addresses, ", "), err)
	}
	return c.JSON(http.StatusAccepted, map[string]int{"contacted": n})
}

func slicesHasEmpty(xs []string) bool {
	for _, x := range xs {
		if strings.TrimSpace(x) == "" {
			return true
		}
	}
	return false
}

// removePeer removes a peer from the raft configuration. Peers are never
// removed merely because they failed: this is the operator's tool for a
// peer that will not come back.
func (s *Server) removePeer(c echo.Context) error {
	id := c.Param("id")
	st := s.deps.Consensus.Status()
	if !hasServer(st.Servers, id) {
		return meili.Errorf(meili.CodeMiroirPeerNotFound, "peer %q is not in the raft configuration; list peers with `GET /_miroir/peers`", id)
	}
	if err := s.deps.Consensus.RemovePeer(c.Request().Context(), id); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"removed": id})
}

// leave makes this peer leave the cluster for good. Readiness turns 503 at
// once; the operator stops the process afterwards. A peer that merely
// stops (SIGTERM) does not leave.
func (s *Server) leave(c echo.Context) error {
	l, ok := s.deps.Consensus.(Leaver)
	if !ok {
		return meili.Errorf(meili.CodeNotImplemented, "this peer cannot leave on request; remove it with `DELETE /_miroir/peers/{id}` from another peer")
	}
	s.SetDraining()
	id := s.deps.Consensus.Status().ID
	if err := l.Leave(c.Request().Context()); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]string{"left": id})
}
