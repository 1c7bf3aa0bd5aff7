package store

import "maps"

// Bounds of the webhook table, Meilisearch's own limits. They are part of
// the replicated state's definition (a create or update past them fails
// identically on every peer), so they are constants.
const (
	MaxWebhooks       = 20
	MaxWebhookHeaders = 200
)

// Webhook is a URL the leader POSTs finished tasks to, with extra request
// headers. UUID is chosen by the proposer (lower-case, hyphenated).
// Validation of the URL and of header names and values belongs to the
// caller (it knows HTTP); the store enforces only the table's limits.
type Webhook struct {
	UUID    string            `json:"uuid"`
	URL     string            `json:"url"`
	Headers map[string]string `json:"headers"` // encoded with sorted keys
}

// WebhookUpdate is a Meilisearch PATCH of a webhook, merged in the state so
// concurrent updates compose: URL replaces the URL when not empty;
// ResetHeaders clears every header first; then each Headers entry sets a
// header, or removes it when its value is nil.
type WebhookUpdate struct {
	URL          string             `json:"url,omitempty"`
	ResetHeaders bool               `json:"resetHeaders,omitempty"`
	Headers      map[string]*string `json:"headers,omitempty"`
}

// CreateWebhook stores a new webhook. Fails with ErrWebhookExists for a
// known uuid, ErrTooManyWebhooks at MaxWebhooks, ErrTooManyWebhookHeaders
// past MaxWebhookHeaders, ErrInvalid without a uuid or URL.
func (s *State) CreateWebhook(w Webhook) (Webhook, error) {
	if w.UUID == "" || w.URL == "" {
		return Webhook{}, errorf(ErrInvalid, "a webhook needs a uuid and a url")
	}
	if _, ok := s.webhooks[w.UUID]; ok {
		return Webhook{}, errorf(ErrWebhookExists, "Webhook `%s` already exists.", w.UUID)
	}
	if len(s.webhooks) >= MaxWebhooks {
		return Webhook{}, errorf(ErrTooManyWebhooks, "Defining too many webhooks would crush the server. Please limit the number of webhooks to %d. You may use a third-party proxy server to dispatch events to more than %d endpoints.", MaxWebhooks, MaxWebhooks)
	}
	if len(w.Headers) > MaxWebhookHeaders {
		return Webhook{}, tooManyHeaders(w.UUID)
	}
	w.Headers = copyHeaders(w.Headers)
	s.webhooks[w.UUID] = w
	return w, nil
}

// UpdateWebhook merges u into the webhook and returns it.
func (s *State) UpdateWebhook(uuid string, u WebhookUpdate) (Webhook, error) {
	w, ok := s.webhooks[uuid]
	if !ok {
		return Webhook{}, webhookNotFound(uuid)
	}
	if u.URL != "" {
		w.URL = u.URL
	}
	headers := copyHeaders(w.Headers)
	if u.ResetHeaders {
		clear(headers)
	}
	for k, v := range u.Headers {
		if v == nil {
			delete(headers, k)
		} else {
			headers[k] = *v
		}
	}
	if len(headers) > MaxWebhookHeaders {
		return Webhook{}, tooManyHeaders(uuid)
	}
	w.Headers = headers
	s.webhooks[uuid] = w
	return w, nil
}

// DeleteWebhook removes a webhook.
func (s *State) DeleteWebhook(uuid string) error {
	if _, ok := s.webhooks[uuid]; !ok {
		return webhookNotFound(uuid)
	}
	delete(s.webhooks, uuid)
	return nil
}

// Webhook returns one webhook by uuid. Its Headers map is shared with the
// state: read-only.
func (s *State) Webhook(uuid string) (Webhook, bool) {
	w, ok := s.webhooks[uuid]
	return w, ok
}

// Webhooks returns every webhook, sorted by uuid (Meilisearch's order).
func (s *State) Webhooks() []Webhook { return sortedValues(s.webhooks) }

// WebhookCount is len(Webhooks()) without the copy.
func (s *State) WebhookCount() int { return len(s.webhooks) }

func copyHeaders(h map[string]string) map[string]string {
	out := make(map[string]string, len(h))
	maps.Copy(out, h)
	return out
}

func webhookNotFound(uuid string) error {
	return errorf(ErrWebhookNotFound, "Webhook `%s` not found.", uuid)
}

func tooManyHeaders(uuid string) error {
	return errorf(ErrTooManyWebhookHeaders, "Too many headers for the webhook `%s`. Please limit the number of headers to %d. Hint: To remove an already defined header set its value to `null`", uuid, MaxWebhookHeaders)
}
