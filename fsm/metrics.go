package fsm

import (
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Option configures an FSM at construction.
type Option func(*FSM)

// Metrics are the FSM's Prometheus metrics:
// miroir_fsm_apply_duration_seconds{command}, the time Apply spends on one
// command (inside a batch entry too), by command name.
//
// Timing reads a clock, which Apply otherwise never does: the reading only
// feeds the histogram and never touches the state, so determinism holds.
type Metrics struct {
	applySeconds *prometheus.HistogramVec
}

// NewMetrics builds the FSM's metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{applySeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "miroir_fsm_apply_duration_seconds",
		Help:    "Time the FSM spent applying one command, by command type.",
		Buckets: prometheus.ExponentialBuckets(0.000005, 2, 16),
	}, []string{"command"})}
	if err := reg.Register(m.applySeconds); err != nil {
		return nil, fmt.Errorf("register fsm metrics: %w", err)
	}
	return m, nil
}

// WithMetrics makes the FSM record into m.
func WithMetrics(m *Metrics) Option { return func(f *FSM) { f.metrics = m } }

// commandNames labels the apply histogram; a type missing here is labelled
// by its number, so the label set stays bounded by the 256 type bytes.
var commandNames = map[CommandType]string{
	CmdNoop: "noop", CmdPutPeer: "put_peer", CmdRemovePeer: "remove_peer",
	CmdAddGroup: "add_group", CmdSetGroupState: "set_group_state",
	CmdAddNode: "add_node", CmdSetNodeState: "set_node_state", CmdSetNodeAddr: "set_node_addr",
	CmdCreateIndex: "create_index", CmdUpdateIndex: "update_index", CmdDeleteIndex: "delete_index",
	CmdUpdateSettings: "update_settings", CmdSwapIndexes: "swap_indexes",
	CmdSetAlias: "set_alias", CmdDeleteAlias: "delete_alias",
	CmdCreateKey: "create_key", CmdUpdateKey: "update_key", CmdDeleteKey: "delete_key",
	CmdRegisterTasks: "register_tasks", CmdRecordNodeTasks: "record_node_tasks",
	CmdUpdateTasks: "update_tasks", CmdCancelTasks: "cancel_tasks", CmdDeleteTasks: "delete_tasks",
	CmdPruneTasks: "prune_tasks", CmdStartMove: "start_move", CmdSetMovePhase: "set_move_phase",
	CmdBatch:         "batch",
	CmdCreateWebhook: "create_webhook", CmdUpdateWebhook: "update_webhook", CmdDeleteWebhook: "delete_webhook",
}

func commandName(t CommandType) string {
	if n, ok := commandNames[t]; ok {
		return n
	}
	return strconv.Itoa(int(t))
}

// observeApply records the time since start for a command of type t.
func (m *Metrics) observeApply(t CommandType, start time.Time) {
	m.applySeconds.WithLabelValues(commandName(t)).Observe(time.Since(start).Seconds())
}
