package proxy

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/store"
)

// Webhooks are cluster state (the store's webhook table, changed through
// Catalog), so every peer answers the /webhooks routes alike; the leader
// delivers finished tasks to them (webhooks_notify.go).

// webhookView is Meilisearch's webhook object; authorization headers are
// redacted, as Meilisearch does in every answer.
type webhookView struct {
	UUID       string            `json:"uuid"`
	IsEditable bool              `json:"isEditable"`
	URL        string            `json:"url"`
	Headers    map[string]string `json:"headers"`
}

func viewWebhook(w store.Webhook) webhookView {
	headers := make(map[string]string, len(w.Headers))
	for k, v := range w.Headers {
		if strings.EqualFold(k, "authorization") {
			offset := 0
			if strings.HasPrefix(v, "Bearer ") {
				offset = len("Bearer ")
			}
			v = redactSecret(v, offset)
		}
		headers[k] = v
	}
	return webhookView{UUID: w.UUID, IsEditable: w.UUID != nilUUID, URL: w.URL, Headers: headers}
}

func (p *Proxy) listWebhooks(c echo.Context) error {
	var hooks []store.Webhook
	p.state.Read(func(s *store.State) { hooks = s.Webhooks() })
	out := make([]webhookView, len(hooks))
	for i, w := range hooks {
		out[i] = viewWebhook(w)
	}
	return c.JSON(http.StatusOK, map[string]any{"results": out})
}

func (p *Proxy) getWebhook(c echo.Context) error {
	uuid, err := parseWebhookUUID(c.Param("uuid"))
	if err != nil {
		return err
	}
	w, ok := p.webhook(uuid)
	if !ok {
		return webhookNotFound(uuid)
	}
	return c.JSON(http.StatusOK, viewWebhook(w))
}

func (p *Proxy) webhook(uuid string) (store.Webhook, bool) {
	var w store.Webhook
	var ok bool
	p.state.Read(func(s *store.State) { w, ok = s.Webhook(uuid) })
	return w, ok
}

func webhookNotFound(uuid string) error {
	return webhookErr(codeWebhookNotFound, "Webhook `%s` not found.", uuid)
}

func (p *Proxy) createWebhook(c echo.Context) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	b, err := decodeWebhookBody(raw)
	if err != nil {
		return err
	}
	uuid := newUUID()
	if len(b.headers) > maxWebhookHeaders {
		return tooManyWebhookHeaders(uuid)
	}
	var count int
	p.state.Read(func(s *store.State) { count = s.WebhookCount() })
	if count >= store.MaxWebhooks {
		return webhookErr(codeInvalidWebhooks, "Defining too many webhooks would crush the server. Please limit the number of webhooks to %d. You may use a third-party proxy server to dispatch events to more than %d endpoints.", store.MaxWebhooks, store.MaxWebhooks)
	}
	if !b.urlSet || b.urlNull {
		return missingWebhookURL(uuid)
	}
	headers := make(map[string]string, len(b.headers))
	for k, v := range b.headers {
		headers[k] = ""
		if v != nil {
			headers[k] = *v
		}
	}
	if err := checkWebhook(uuid, b.url, headers); err != nil {
		return err
	}
	w, err := p.catalog.CreateWebhook(c.Request().Context(), store.Webhook{UUID: uuid, URL: b.url, Headers: headers})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, viewWebhook(w))
}

func (p *Proxy) updateWebhook(c echo.Context) error {
	raw, err := readJSONBody(c)
	if err != nil {
		return err
	}
	b, err := decodeWebhookBody(raw)
	if err != nil {
		return err
	}
	uuid, err := p.editableWebhook(c.Param("uuid"))
	if err != nil {
		return err
	}
	old, ok := p.webhook(uuid)
	if !ok {
		return webhookNotFound(uuid)
	}
	if b.urlNull {
		return missingWebhookURL(uuid)
	}
	u := store.WebhookUpdate{URL: b.url, ResetHeaders: b.headersNull, Headers: b.headers}
	if b.urlSet && b.url == "" {
		return missingWebhookURL(uuid)
	}
	// Check the merged result now for Meilisearch's error order; the store
	// merges again, atomically, so concurrent PATCHes compose.
	preview := store.New()
	if _, err := preview.CreateWebhook(old); err != nil {
		return err
	}
	merged, err := preview.UpdateWebhook(uuid, u)
	if err != nil {
		return tooManyWebhookHeaders(uuid)
	}
	if err := checkWebhook(uuid, merged.URL, merged.Headers); err != nil {
		return err
	}
	w, err := p.catalog.UpdateWebhook(c.Request().Context(), uuid, u)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, viewWebhook(w))
}

func (p *Proxy) deleteWebhook(c echo.Context) error {
	uuid, err := p.editableWebhook(c.Param("uuid"))
	if err != nil {
		return err
	}
	if err := p.catalog.DeleteWebhook(c.Request().Context(), uuid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// editableWebhook parses a uuid that PATCH or DELETE may change: the nil
// uuid is Meilisearch's command-line webhook, immutable through the API.
func (p *Proxy) editableWebhook(param string) (string, error) {
	uuid, err := parseWebhookUUID(param)
	if err != nil {
		return "", err
	}
	if uuid == nilUUID {
		return "", webhookErr(codeImmutableWebhook, "Webhook `%s` is immutable. The webhook defined from the command line cannot be modified using the API.", uuid)
	}
	return uuid, nil
}
