package fsm

import (
	"time"

	"github.com/miroir-search/miroir/store"
)

func newWebhookPayload(t CommandType) Payload {
	switch t {
	case CmdCreateWebhook:
		return &CreateWebhook{}
	case CmdUpdateWebhook:
		return &UpdateWebhook{}
	case CmdDeleteWebhook:
		return &DeleteWebhook{}
	}
	return nil
}

// CreateWebhook stores a webhook (its uuid chosen by the proposer, e.g. a
// random UUID). Result: store.Webhook.
type CreateWebhook struct {
	Meta
	Webhook store.Webhook `json:"webhook"`
}

func (CreateWebhook) Type() CommandType { return CmdCreateWebhook }
func (c CreateWebhook) apply(s *store.State, _ time.Time) (any, error) {
	return orNil(s.CreateWebhook(c.Webhook))
}

// UpdateWebhook merges a Meilisearch PATCH into a webhook (in the state,
// so concurrent updates compose). Result: store.Webhook.
type UpdateWebhook struct {
	Meta
	UUID   string              `json:"uuid"`
	Update store.WebhookUpdate `json:"update"`
}

func (UpdateWebhook) Type() CommandType { return CmdUpdateWebhook }
func (c UpdateWebhook) apply(s *store.State, _ time.Time) (any, error) {
	return orNil(s.UpdateWebhook(c.UUID, c.Update))
}

// DeleteWebhook removes a webhook. Result: none.
type DeleteWebhook struct {
	Meta
	UUID string `json:"uuid"`
}

func (DeleteWebhook) Type() CommandType { return CmdDeleteWebhook }
func (c DeleteWebhook) apply(s *store.State, _ time.Time) (any, error) {
	return nil, s.DeleteWebhook(c.UUID)
}
