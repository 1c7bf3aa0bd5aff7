package fsm

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/miroir-search/miroir/store"
)

// Batch carries many commands in one log entry, so that concurrent
// proposals share one raft round trip and one fsync (cluster's leader-side
// coalescing builds it through EncodeBatch). Commands are encoded entries
// ([type][JSON]) applied in order, each exactly as if it had its own entry:
// its own request id (replays return the remembered Result), its own time,
// its own Result. The batch itself has no Meta and is never remembered.
// A batch inside a batch, or an inner command that does not decode, makes
// the whole entry undecodable (corrupt log). Apply value: BatchResults.
type Batch struct {
	Commands [][]byte `json:"commands"`

	decoded []Command // filled by DecodeCommand; nil for a batch built by hand
}

// BatchResults is the Apply value of a Batch: one Result per command, in
// order. Split it with SplitBatchResult (cluster does).
type BatchResults struct {
	Results []Result `json:"results"`
}

// ErrNestedBatch refuses a Batch among a Batch's commands.
var ErrNestedBatch = errors.New("fsm: a batch cannot contain a batch")

func (Batch) Type() CommandType { return CmdBatch }
func (Batch) meta() Meta        { return Meta{} }

// apply is never called: the FSM applies a batch's commands one by one
// (applyBatchLocked) so each keeps its request-id memory.
func (Batch) apply(*store.State, time.Time) (any, error) {
	return nil, &store.Error{Kind: store.ErrInvalid, Message: "a batch is applied command by command"}
}

// decodeInner decodes every inner command, refusing nested batches.
func (b *Batch) decodeInner() error {
	b.decoded = make([]Command, len(b.Commands))
	for i, raw := range b.Commands {
		if len(raw) > 0 && CommandType(raw[0]) == CmdBatch {
			return fmt.Errorf("command %d: %w", i, ErrNestedBatch)
		}
		c, err := DecodeCommand(raw)
		if err != nil {
			return fmt.Errorf("command %d: %w", i, err)
		}
		b.decoded[i] = c
	}
	return nil
}

// EncodeBatch wraps encoded commands into one CmdBatch entry. It refuses
// an empty list and nested batches; it does not decode the commands (Apply
// does, on every peer). It implements cluster's BatchEncoder.
func (f *FSM) EncodeBatch(cmds [][]byte) ([]byte, error) {
	if len(cmds) == 0 {
		return nil, fmt.Errorf("%w: empty batch", ErrEmptyCommand)
	}
	for i, c := range cmds {
		if len(c) == 0 {
			return nil, fmt.Errorf("command %d: %w", i, ErrEmptyCommand)
		}
		if CommandType(c[0]) == CmdBatch {
			return nil, fmt.Errorf("command %d: %w", i, ErrNestedBatch)
		}
	}
	return Encode(CmdBatch, Batch{Commands: cmds})
}

// SplitBatchResult splits the Apply value of a CmdBatch entry into the
// commands' own Apply values (each a Result), in order. It implements
// cluster's BatchEncoder.
func (f *FSM) SplitBatchResult(resp any) ([]any, error) {
	br, ok := resp.(BatchResults)
	if !ok {
		return nil, fmt.Errorf("fsm: batch entry applied to %T, want BatchResults", resp)
	}
	out := make([]any, len(br.Results))
	for i, r := range br.Results {
		out[i] = r
	}
	return out, nil
}

// applyBatchLocked applies a decoded batch's commands in order.
func (f *FSM) applyBatchLocked(index uint64, b *Batch) BatchResults {
	if b.decoded == nil && len(b.Commands) > 0 {
		if err := b.decodeInner(); err != nil {
			panic(fmt.Sprintf("fsm: corrupt raft log entry at index %d: %v", index, err))
		}
	}
	res := BatchResults{Results: make([]Result, len(b.decoded))}
	for i, c := range b.decoded {
		res.Results[i] = f.applyCommandLocked(index, c)
	}
	return res
}

// MarshalJSON keeps Results an array even when empty.
func (r BatchResults) MarshalJSON() ([]byte, error) {
	rs := r.Results
	if rs == nil {
		rs = []Result{}
	}
	return json.Marshal(struct {
		Results []Result `json:"results"`
	}{rs})
}
