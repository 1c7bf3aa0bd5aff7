package proxytest

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

func (c *Catalog) CreateWebhook(ctx context.Context, w store.Webhook) (store.Webhook, error) {
	var out store.Webhook
	_, err := c.apply(func(s *store.State, _ time.Time) error {
		var err error
		out, err = s.CreateWebhook(w)
		return webhookError(err)
	})
	return out, err
}

func (c *Catalog) UpdateWebhook(ctx context.Context, uuid string, u store.WebhookUpdate) (store.Webhook, error) {
	var out store.Webhook
	_, err := c.apply(func(s *store.State, _ time.Time) error {
		var err error
		out, err = s.UpdateWebhook(uuid, u)
		return webhookError(err)
	})
	return out, err
}

func (c *Catalog) DeleteWebhook(ctx context.Context, uuid string) error {
	_, err := c.apply(func(s *store.State, _ time.Time) error { return webhookError(s.DeleteWebhook(uuid)) })
	return err
}

// webhookError maps the webhook sentinels as admin does (fsm codes, status
// from the code's suffix).
func webhookError(err error) error {
	status, code := http.StatusBadRequest, meili.Code("")
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrWebhookNotFound):
		status, code = http.StatusNotFound, "webhook_not_found"
	case errors.Is(err, store.ErrTooManyWebhooks):
		code = "invalid_webhooks"
	case errors.Is(err, store.ErrTooManyWebhookHeaders):
		code = "invalid_webhook_headers"
	default:
		return err
	}
	e := meili.Errorf(code, "%s", err.Error())
	e.Status, e.Type = status, meili.TypeInvalidRequest
	return e
}
