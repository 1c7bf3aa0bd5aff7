package store

import (
	"errors"
	"fmt"
)

// Sentinel errors of the replicated state. Mutators wrap them in an error
// whose message is fit for a client (Meilisearch's wording where it has one);
// branch with errors.Is. The fsm package maps each sentinel to a stable code.
var (
	ErrInvalid           = errors.New("invalid command")
	ErrPeerNotFound      = errors.New("peer not found")
	ErrNodeNotFound      = errors.New("node not found")
	ErrNodeExists        = errors.New("node already exists")
	ErrInvalidNodeState  = errors.New("invalid node state transition")
	ErrGroupNotFound     = errors.New("replica group not found")
	ErrGroupExists       = errors.New("replica group already exists")
	ErrInvalidGroupState = errors.New("invalid replica group state transition")
	ErrIndexNotFound     = errors.New("index not found")
	ErrIndexExists       = errors.New("index already exists")
	ErrPrimaryKeyExists  = errors.New("index primary key already exists")
	ErrSettingsVersion   = errors.New("settings version conflict")
	ErrSwapDuplicate     = errors.New("index appears twice in a swap")
	ErrAliasNotFound     = errors.New("alias not found")
	ErrAliasConflict     = errors.New("alias conflicts with an index")
	ErrKeyNotFound       = errors.New("api key not found")
	ErrKeyExists         = errors.New("api key already exists")
	ErrTaskNotFound      = errors.New("task not found")
	ErrInvalidTaskState  = errors.New("invalid task status transition")
	ErrMoveNotFound      = errors.New("move not found")
	ErrMoveExists        = errors.New("move already exists")
	ErrInvalidMovePhase  = errors.New("invalid move phase transition")

	ErrWebhookNotFound       = errors.New("webhook not found")
	ErrWebhookExists         = errors.New("webhook already exists")
	ErrTooManyWebhooks       = errors.New("too many webhooks")
	ErrTooManyWebhookHeaders = errors.New("too many webhook headers")
)

// Error is a domain error: Kind is one of the sentinels above, Message says
// what went wrong in words a client can act on.
type Error struct {
	Kind    error
	Message string
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Kind }

func errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}
