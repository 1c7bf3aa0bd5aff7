package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
)

// HeaderIndex carries the raft index a write committed at (responses) and
// the index a read must wait for (requests; ?index=N works too).
const HeaderIndex = "X-Miroir-Index"

func (s *Server) listNodes(c echo.Context) error {
	if err := s.waitRead(c); err != nil {
		return err
	}
	nodes := s.deps.State.Nodes()
	if nodes == nil {
		nodes = []Node{}
	}
	return c.JSON(http.StatusOK, map[string]any{"results": nodes, "total": len(nodes)})
}

func (s *Server) getNode(c echo.Context) error {
	if err := s.waitRead(c); err != nil {
		return err
	}
	n, err := s.node(c.Param("id"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, n)
}

// registerNode adds a node in state joining, then makes it active. Moving
// shards onto it comes with the topology issue; for now the activation is
// immediate.
func (s *Server) registerNode(c echo.Context) error {
	var spec NodeSpec
	if err := decodeJSON(c, &spec); err != nil {
		return err
	}
	if spec.Group == "" {
		spec.Group = DefaultGroup
	}
	if err := spec.validate(); err != nil {
		return err
	}
	meta := s.requestMeta(c)
	if err := s.ensureGroup(c, meta, spec.Group); err != nil {
		return err
	}
	if _, err := s.propose(c, func() ([]byte, error) { return s.deps.Commands.RegisterNode(meta, spec) }); err != nil {
		return err
	}
	activate := Meta{RequestID: meta.RequestID + "/activate", Time: meta.Time}
	if _, err := s.propose(c, func() ([]byte, error) {
		return s.deps.Commands.SetNodeState(activate, spec.ID, NodeActive)
	}); err != nil {
		return err
	}
	return s.answerNode(c, http.StatusCreated, spec.ID)
}

// ensureGroup creates the replica group on first use, active, with the
// configured default RF. Two concurrent first registrations may both try;
// the loser's "group exists" answer is not an error.
func (s *Server) ensureGroup(c echo.Context, meta Meta, group string) error {
	if s.deps.State.HasGroup(group) {
		return nil
	}
	m := Meta{RequestID: meta.RequestID + "/group", Time: meta.Time}
	_, err := s.propose(c, func() ([]byte, error) { return s.deps.Commands.AddGroup(m, group, s.cfg.DefaultRF) })
	var me *meili.Error
	if errors.As(err, &me) && me.Code == codeGroupExists {
		return nil
	}
	return err
}

// codeGroupExists is the FSM's code for a replica group that exists.
const codeGroupExists = "miroir_group_already_exists"

func (s *Server) drainNode(c echo.Context) error {
	return s.setNodeState(c, NodeDraining)
}

func (s *Server) removeNode(c echo.Context) error {
	return s.setNodeState(c, NodeRemoved)
}

// setNodeState commits a state change for an existing node. The FSM owns
// the transition rules and answers miroir_invalid_node_state for a bad one.
func (s *Server) setNodeState(c echo.Context, to NodeState) error {
	id := c.Param("id")
	if _, err := s.node(id); err != nil {
		return err
	}
	meta := s.requestMeta(c)
	if _, err := s.propose(c, func() ([]byte, error) { return s.deps.Commands.SetNodeState(meta, id, to) }); err != nil {
		return err
	}
	return s.answerNode(c, http.StatusOK, id)
}

// answerNode writes the node as the local FSM holds it; propose already
// waited for the local FSM to apply the write.
func (s *Server) answerNode(c echo.Context, status int, id string) error {
	n, err := s.node(id)
	if err != nil {
		return err
	}
	return c.JSON(status, n)
}

func (s *Server) node(id string) (Node, error) {
	n, ok := s.deps.State.Node(id)
	if !ok {
		return Node{}, meili.Errorf(meili.CodeMiroirNodeNotFound, "node %q not found; list nodes with `GET /_miroir/nodes`", id)
	}
	return n, nil
}

// propose commits one command, sets X-Miroir-Index, waits until the local
// FSM applied it (so the answer and later local reads see it) and returns
// the FSM's value, or its domain error as *meili.Error.
func (s *Server) propose(c echo.Context, encode func() ([]byte, error)) (json.RawMessage, error) {
	cmd, err := encode()
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	ap, err := s.deps.Consensus.Apply(ctx, cmd)
	if err != nil {
		return nil, err
	}
	c.Response().Header().Set(HeaderIndex, strconv.FormatUint(ap.Index, 10))
	if err := s.deps.Consensus.WaitApplied(ctx, ap.Index); err != nil {
		return nil, err
	}
	return applyResult(ap.Response)
}

// waitRead makes node reads current (readCurrent). By default, when the Consensus
// offers a read barrier (ReadBarrierer: raft ReadIndex, one leader round
// trip, no log entry), the read is linearizable: a peer that lags or just
// restarted never answers not-found for a node another peer already
// acknowledged. ?consistent=true insists on it (committing a barrier
// entry when the Consensus has no read barrier); ?consistent=false
// answers from the local FSM as it is. ?index=N (or the X-Miroir-Index
// header) additionally waits until the local FSM applied N. Each wait is
// bounded by ReadWaitTimeout; no reachable leader is 503 miroir_no_leader.
func (s *Server) waitRead(c echo.Context) error { return s.readAt(c, true) }

// readAt is waitRead with the default chosen by the route: byDefault false
// passes the barrier only on ?consistent=true (GET /_miroir/cluster, this
// peer's own view, which must answer while quorum is lost).
func (s *Server) readAt(c echo.Context, byDefault bool) error {
	consistent := c.QueryParam("consistent")
	if consistent == "true" || (byDefault && consistent != "false") {
		ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.ReadWaitTimeout)
		defer cancel()
		if rb, ok := s.deps.Consensus.(ReadBarrierer); ok {
			if err := rb.ReadBarrier(ctx); err != nil {
				return err
			}
		} else if consistent == "true" {
			if _, err := s.barrierOnce(ctx, s.meta("read")); err != nil {
				return err
			}
		}
	}
	raw := c.QueryParam("index")
	if raw == "" {
		raw = c.Request().Header.Get(HeaderIndex)
	}
	if raw == "" {
		return nil
	}
	idx, err := strconv.ParseUint(raw, 10, 64)
	if err != nil {
		return meili.Errorf(meili.CodeMiroirInvalidRequest, "`index` must be a non-negative integer (a raft index from X-Miroir-Index), got %q", raw)
	}
	if s.deps.State.AppliedIndex() >= idx {
		return nil
	}
	ctx, cancel := context.WithTimeout(c.Request().Context(), s.cfg.ReadWaitTimeout)
	defer cancel()
	return s.deps.Consensus.WaitApplied(ctx, idx)
}
