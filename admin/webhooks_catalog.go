package admin

import (
	"context"

	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/store"
)

// CreateWebhook implements proxy.Catalog.
func (k *Catalog) CreateWebhook(ctx context.Context, w store.Webhook) (store.Webhook, error) {
	var out store.Webhook
	_, err := k.propose(ctx, fsm.CmdCreateWebhook, fsm.CreateWebhook{Meta: k.meta(), Webhook: w}, &out)
	return out, err
}

// UpdateWebhook implements proxy.Catalog.
func (k *Catalog) UpdateWebhook(ctx context.Context, uuid string, u store.WebhookUpdate) (store.Webhook, error) {
	var out store.Webhook
	_, err := k.propose(ctx, fsm.CmdUpdateWebhook, fsm.UpdateWebhook{Meta: k.meta(), UUID: uuid, Update: u}, &out)
	return out, err
}

// DeleteWebhook implements proxy.Catalog.
func (k *Catalog) DeleteWebhook(ctx context.Context, uuid string) error {
	_, err := k.propose(ctx, fsm.CmdDeleteWebhook, fsm.DeleteWebhook{Meta: k.meta(), UUID: uuid}, nil)
	return err
}
