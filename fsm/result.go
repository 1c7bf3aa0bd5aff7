package fsm

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/miroir-search/miroir/store"
)

// Result is what Apply returns for every command entry. cluster encodes it
// with json.Marshal and hands the bytes to the proposer, locally or across
// the forwarding hop; DecodeResult turns them back.
type Result struct {
	Value json.RawMessage `json:"value,omitempty"`
	Err   *ResultError    `json:"error,omitempty"`
}

// ResultError is a domain error of a command: Code is a Meilisearch code
// where one exists (index_already_exists, ...) or a miroir_* code.
type ResultError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *ResultError) Error() string { return e.Message }

// Unwrap returns the store sentinel for the code, so callers can test
// errors.Is(err, store.ErrIndexNotFound) after DecodeResult.
func (e *ResultError) Unwrap() error {
	for _, c := range codes {
		if c.code == e.Code {
			return c.err
		}
	}
	return nil
}

// codes maps store sentinels to stable codes. Read-only.
var codes = []struct {
	err  error
	code string
}{
	{store.ErrIndexExists, "index_already_exists"},
	{store.ErrIndexNotFound, "index_not_found"},
	{store.ErrPrimaryKeyExists, "index_primary_key_already_exists"},
	{store.ErrSwapDuplicate, "invalid_swap_duplicate_index_found"},
	{store.ErrKeyNotFound, "api_key_not_found"},
	{store.ErrKeyExists, "api_key_already_exists"},
	{store.ErrTaskNotFound, "task_not_found"},
	{store.ErrNodeNotFound, "miroir_node_not_found"},
	{store.ErrNodeExists, "miroir_node_already_exists"},
	{store.ErrInvalidNodeState, "miroir_invalid_node_state"},
	{store.ErrPeerNotFound, "miroir_peer_not_found"},
	{store.ErrGroupNotFound, "miroir_group_not_found"},
	{store.ErrGroupExists, "miroir_group_already_exists"},
	{store.ErrInvalidGroupState, "miroir_invalid_group_state"},
	{store.ErrSettingsVersion, "miroir_settings_version_conflict"},
	{store.ErrAliasNotFound, "miroir_alias_not_found"},
	{store.ErrAliasConflict, "miroir_alias_conflict"},
	{store.ErrInvalidTaskState, "miroir_invalid_task_state"},
	{store.ErrMoveNotFound, "miroir_move_not_found"},
	{store.ErrMoveExists, "miroir_move_already_exists"},
	{store.ErrInvalidMovePhase, "miroir_invalid_move_phase"},
	{store.ErrWebhookNotFound, "webhook_not_found"},
	{store.ErrWebhookExists, "miroir_webhook_already_exists"},
	{store.ErrTooManyWebhooks, "invalid_webhooks"},
	{store.ErrTooManyWebhookHeaders, "invalid_webhook_headers"},
	{store.ErrInvalid, CodeInvalidCommand},
}

// CodeInvalidCommand is the code of a command the store refused as
// malformed (missing ids, bad JSON settings, out-of-range shard count...):
// a bug in the proposer or input it should have validated.
const CodeInvalidCommand = "miroir_invalid_command"

// CodeOf returns the code for a domain error (CodeInvalidCommand for an
// error the table does not know).
func CodeOf(err error) string {
	for _, c := range codes {
		if errors.Is(err, c.err) {
			return c.code
		}
	}
	return CodeInvalidCommand
}

// newResult builds the Result of a command from its value and error.
func newResult(v any, err error) Result {
	if err != nil {
		return Result{Err: &ResultError{Code: CodeOf(err), Message: err.Error()}}
	}
	if v == nil {
		return Result{}
	}
	raw, mErr := json.Marshal(v)
	if mErr != nil {
		// Values are this package's plain structs; failing to encode one
		// is a programming error that every peer hits identically.
		panic(fmt.Sprintf("fsm: encode result %T: %v", v, mErr))
	}
	return Result{Value: raw}
}

// DecodeResult decodes the JSON-encoded Result that cluster returns for an
// applied command. A domain error comes back as a *ResultError (branch
// with errors.As for the Code, or errors.Is with the store sentinels);
// otherwise the value is decoded into into (skipped when into is nil or
// the command has no value).
func DecodeResult(raw json.RawMessage, into any) error {
	if len(raw) == 0 {
		return nil // a non-command entry, or an ignored one
	}
	var r Result
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("fsm: decode result: %w", err)
	}
	if r.Err != nil {
		return r.Err
	}
	if into == nil || len(r.Value) == 0 {
		return nil
	}
	if err := json.Unmarshal(r.Value, into); err != nil {
		return fmt.Errorf("fsm: decode result value: %w", err)
	}
	return nil
}
