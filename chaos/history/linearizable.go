package history

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// register is the model state of one metadata entity (an index, a key, a
// node registration): whether it exists and its value (e.g. a settings
// fingerprint; "" is the default).
type register struct {
	exists bool
	value  string
}

type metaInput struct {
	kind  Kind
	value string
}

type metaOutput struct {
	status Status
	exists bool // for reads and for failures that reveal existence
	value  string
}

// metaModel is a register per entity. An operation of unknown outcome
// (returning at Infinity) may or may not have taken effect, as in Jepsen:
// its step yields both states.
var metaModel = porcupine.NondeterministicModel{
	Partition: partitionByEntity,
	Init:      func() []any { return []any{register{}} },
	Step: func(state, input, output any) []any {
		return metaStep(state.(register), input.(metaInput), output.(metaOutput))
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(metaInput), output.(metaOutput)
		return fmt.Sprintf("%s(%s) -> %s exists=%v %s", in.kind, in.value, out.status, out.exists, out.value)
	},
}

func metaStep(s register, in metaInput, out metaOutput) []any {
	applied := apply(s, in)
	if out.status == StatusUnknown {
		if applied == nil {
			return []any{s}
		}
		return []any{s, *applied}
	}
	if out.status == StatusFail { // a failure that reveals existence
		if s.exists == out.exists {
			return []any{s}
		}
		return nil
	}
	if in.kind == KindRead {
		if s.exists == out.exists && (!s.exists || s.value == out.value) {
			return []any{s}
		}
		return nil
	}
	if applied == nil {
		return nil
	}
	return []any{*applied}
}

// apply is the effect of a successful op on s, or nil when it cannot succeed.
func apply(s register, in metaInput) *register {
	switch in.kind {
	case KindCreate:
		if s.exists {
			return nil
		}
		return &register{exists: true, value: in.value}
	case KindDrop:
		if !s.exists {
			return nil
		}
		return &register{}
	case KindSet:
		return &register{exists: true, value: in.value}
	}
	return nil
}

func partitionByEntity(history []porcupine.Operation) [][]porcupine.Operation {
	by := map[string][]porcupine.Operation{}
	for _, op := range history {
		e := op.Metadata.(string)
		by[e] = append(by[e], op)
	}
	names := make([]string, 0, len(by))
	for e := range by {
		names = append(names, e)
	}
	sort.Strings(names)
	out := make([][]porcupine.Operation, 0, len(by))
	for _, e := range names {
		out = append(out, by[e])
	}
	return out
}

// metaOps converts the metadata operations of a history to porcupine's form.
// Reads that did not complete say nothing and are dropped, as are failures
// that do not reveal whether the entity exists.
func metaOps(ops []Op) []porcupine.Operation {
	var out []porcupine.Operation
	for _, op := range ops {
		if op.Entity == "" || !isMeta(op.Kind) {
			continue
		}
		if op.Kind == KindRead && op.Status != StatusOK {
			continue
		}
		if op.Status == StatusFail && !revealsExistence(op) {
			continue
		}
		out = append(out, porcupine.Operation{
			ClientId: op.Client,
			Input:    metaInput{kind: op.Kind, value: inputValue(op)},
			Call:     op.Call,
			Output:   metaOutput{status: op.Status, exists: outputExists(op), value: op.Value},
			Return:   op.Return,
			Metadata: op.Entity,
		})
	}
	return out
}

func inputValue(op Op) string {
	if op.Kind == KindRead {
		return ""
	}
	return op.Value
}

func isMeta(k Kind) bool {
	return k == KindCreate || k == KindDrop || k == KindSet || k == KindRead
}

// Codes that, on a failed create or delete, reveal the entity's existence.
var existenceCodes = map[string]bool{
	"index_already_exists": true, "api_key_already_exists": true, "miroir_node_already_exists": true,
	"index_not_found": true, "api_key_not_found": true, "miroir_node_not_found": true,
}

func revealsExistence(op Op) bool { return existenceCodes[op.Code] }

// outputExists is what op saw of its entity's existence: a read's answer,
// or what its failure code implies.
func outputExists(op Op) bool {
	if op.Status == StatusFail {
		return strings.HasSuffix(op.Code, "_already_exists")
	}
	return op.Exists
}

// CheckLinearizable is checker 2: the metadata operations (indexes,
// settings, keys, node registrations) of ops are linearizable against a
// register-per-entity model. timeout bounds porcupine's search; a search
// that runs out of time is reported as a note, not a violation.
func CheckLinearizable(ops []Op, timeout time.Duration) Verdict {
	return checkLinearizable("metadata linearizable, reads included (porcupine)", ops, timeout)
}

// CheckLinearizableWrites is CheckLinearizable without the plain reads: the
// metadata writes alone (whose failures still reveal existence, e.g.
// index_already_exists) must be linearizable even where reads are served
// from a peer's local, possibly lagging, state.
func CheckLinearizableWrites(ops []Op, timeout time.Duration) Verdict {
	var writes []Op
	for _, op := range ops {
		if op.Kind != KindRead {
			writes = append(writes, op)
		}
	}
	return checkLinearizable("metadata writes linearizable (porcupine)", writes, timeout)
}

func checkLinearizable(name string, ops []Op, timeout time.Duration) Verdict {
	v := newVerdict(name)
	hist := metaOps(ops)
	if len(hist) == 0 {
		v.note("no metadata operations")
		return *v
	}
	res, info := porcupine.CheckOperationsVerbose(metaModel.ToModel(), hist, timeout)
	switch res {
	case porcupine.Illegal:
		v.fail("history of %d metadata ops is not linearizable", len(hist))
		for i, p := range illegalPartitions(info, hist) {
			v.fail("entity %s: no linearization", p)
			if i < 2 {
				v.Notes = append(v.Notes, describeEntity(ops, p)...)
			}
		}
	case porcupine.Unknown:
		v.note("porcupine timed out after %s on %d ops: inconclusive", timeout, len(hist))
	default:
		v.note("%d metadata ops", len(hist))
	}
	return *v
}

// illegalPartitions names the entities whose sub-history has no
// linearization, by checking each partition alone.
func illegalPartitions(_ porcupine.LinearizationInfo, hist []porcupine.Operation) []string {
	var out []string
	model := metaModel.ToModel()
	model.Partition = nil
	for _, part := range partitionByEntity(hist) {
		if !porcupine.CheckOperations(model, part) {
			out = append(out, part[0].Metadata.(string))
		}
	}
	return out
}

// describeEntity lists the operations on one entity, for a failure report.
func describeEntity(ops []Op, entity string) []string {
	var out []string
	for _, op := range ops {
		if op.Entity != entity || !isMeta(op.Kind) {
			continue
		}
		ret := "inf"
		if op.Return != Infinity {
			ret = fmt.Sprintf("%.3fs", float64(op.Return)/1e9)
		}
		out = append(out, fmt.Sprintf("%s: client %d %s via %s [%.3fs, %s] %s exists=%v value=%q code=%s",
			entity, op.Client, op.Kind, op.Peer, float64(op.Call)/1e9, ret, op.Status, op.Exists, op.Value, op.Code))
	}
	if len(out) > 24 {
		out = append(out[:24], "...")
	}
	return out
}
