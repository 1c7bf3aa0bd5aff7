package fsm

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/miroir-search/miroir/store"
)

// CommandType is the first byte of a raft log entry.
type CommandType uint8

// Ignorable marks a command type that a binary which does not know it may
// skip (apply as a no-op). Unknown types without it mean a corrupt log or a
// binary too old for the cluster, and Apply panics.
const Ignorable CommandType = 0x80

// Command types. Values are part of the log format: never renumber or reuse.
const (
	CmdNoop            CommandType = 1 // no effect; a cheap write for barriers and tests
	CmdPutPeer         CommandType = 2
	CmdRemovePeer      CommandType = 3
	CmdAddGroup        CommandType = 4
	CmdSetGroupState   CommandType = 5
	CmdAddNode         CommandType = 6
	CmdSetNodeState    CommandType = 7
	CmdSetNodeAddr     CommandType = 8
	CmdCreateIndex     CommandType = 10
	CmdUpdateIndex     CommandType = 11
	CmdDeleteIndex     CommandType = 12
	CmdUpdateSettings  CommandType = 13
	CmdSwapIndexes     CommandType = 14
	CmdSetAlias        CommandType = 15
	CmdDeleteAlias     CommandType = 16
	CmdCreateKey       CommandType = 20
	CmdUpdateKey       CommandType = 21
	CmdDeleteKey       CommandType = 22
	CmdRegisterTasks   CommandType = 30
	CmdRecordNodeTasks CommandType = 31
	CmdUpdateTasks     CommandType = 32
	CmdCancelTasks     CommandType = 33
	CmdDeleteTasks     CommandType = 34
	CmdPruneTasks      CommandType = 35
	CmdStartMove       CommandType = 40
	CmdSetMovePhase    CommandType = 41
	CmdBatch           CommandType = 50 // many commands in one entry (Batch)
	CmdCreateWebhook   CommandType = 60
	CmdUpdateWebhook   CommandType = 61
	CmdDeleteWebhook   CommandType = 62
)

// newPayload returns an empty payload for t, or nil for an unknown type.
func newPayload(t CommandType) Payload {
	switch t {
	case CmdNoop:
		return &Noop{}
	case CmdPutPeer:
		return &PutPeer{}
	case CmdRemovePeer:
		return &RemovePeer{}
	case CmdAddGroup:
		return &AddGroup{}
	case CmdSetGroupState:
		return &SetGroupState{}
	case CmdAddNode:
		return &AddNode{}
	case CmdSetNodeState:
		return &SetNodeState{}
	case CmdSetNodeAddr:
		return &SetNodeAddr{}
	}
	return newCatalogPayload(t)
}

func newCatalogPayload(t CommandType) Payload {
	switch t {
	case CmdCreateIndex:
		return &CreateIndex{}
	case CmdUpdateIndex:
		return &UpdateIndex{}
	case CmdDeleteIndex:
		return &DeleteIndex{}
	case CmdUpdateSettings:
		return &UpdateSettings{}
	case CmdSwapIndexes:
		return &SwapIndexes{}
	case CmdSetAlias:
		return &SetAlias{}
	case CmdDeleteAlias:
		return &DeleteAlias{}
	case CmdCreateKey:
		return &CreateKey{}
	case CmdUpdateKey:
		return &UpdateKey{}
	case CmdDeleteKey:
		return &DeleteKey{}
	}
	return newTaskPayload(t)
}

func newTaskPayload(t CommandType) Payload {
	switch t {
	case CmdRegisterTasks:
		return &RegisterTasks{}
	case CmdRecordNodeTasks:
		return &RecordNodeTasks{}
	case CmdUpdateTasks:
		return &UpdateTasks{}
	case CmdCancelTasks:
		return &CancelTasks{}
	case CmdDeleteTasks:
		return &DeleteTasks{}
	case CmdPruneTasks:
		return &PruneTasks{}
	case CmdStartMove:
		return &StartMove{}
	case CmdSetMovePhase:
		return &SetMovePhase{}
	case CmdBatch:
		return &Batch{}
	}
	return newWebhookPayload(t)
}

// Meta is carried by every command: the proposer stamps the time (Apply
// never reads a clock) and a request id that makes the command idempotent.
// Replaying a command whose request id the state remembers returns the
// original result without applying it again (see store.RequestMemoryMax and
// RequestMemoryAge). An empty request id disables that protection; ids must
// be unique per command, e.g. a random 128-bit hex string.
type Meta struct {
	RequestID string    `json:"requestId,omitempty"`
	Time      time.Time `json:"time"`
}

func (m Meta) meta() Meta { return m }

// Payload is implemented by the command payload structs of this package.
// apply mutates the state and returns the result value (JSON-encodable) or
// a domain error.
type Payload interface {
	Type() CommandType
	meta() Meta
	apply(s *store.State, at time.Time) (any, error)
}

// Command is a decoded log entry. Payload is a pointer to the payload
// struct (*CreateIndex, ...), or nil for an unknown ignorable type.
type Command struct {
	Type    CommandType
	Payload Payload
}

// Errors of the log encoding.
var (
	ErrEmptyCommand   = errors.New("fsm: empty command")
	ErrUnknownCommand = errors.New("fsm: unknown command type")
	ErrBadPayload     = errors.New("fsm: undecodable command payload")
	ErrTypeMismatch   = errors.New("fsm: payload does not match command type")
)

// Encode builds a log entry: the type byte followed by the JSON payload.
// payload must be this package's payload struct for t (value or pointer).
func Encode(t CommandType, payload any) ([]byte, error) {
	p, ok := payload.(Payload)
	if !ok || p.Type() != t {
		return nil, fmt.Errorf("%w: %T for type %d", ErrTypeMismatch, payload, t)
	}
	body, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("fsm: encode %T: %w", payload, err)
	}
	return append([]byte{byte(t)}, body...), nil
}

// DecodeCommand parses a log entry. It never panics: unknown types without
// the Ignorable bit and undecodable payloads return errors (Apply turns
// them into the corrupt-log panic); unknown ignorable types decode to a
// Command with a nil Payload.
func DecodeCommand(b []byte) (Command, error) {
	if len(b) == 0 {
		return Command{}, ErrEmptyCommand
	}
	t := CommandType(b[0])
	p := newPayload(t)
	if p == nil {
		if t&Ignorable != 0 {
			return Command{Type: t}, nil
		}
		return Command{}, fmt.Errorf("%w: %d", ErrUnknownCommand, t)
	}
	if err := json.Unmarshal(b[1:], p); err != nil {
		return Command{}, fmt.Errorf("%w (type %d): %v", ErrBadPayload, t, err)
	}
	if b, ok := p.(*Batch); ok {
		if err := b.decodeInner(); err != nil {
			return Command{}, fmt.Errorf("%w (batch): %w", ErrBadPayload, err)
		}
	}
	return Command{Type: t, Payload: p}, nil
}
