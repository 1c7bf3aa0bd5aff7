package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	bolt "go.etcd.io/bbolt"
)

// Webhooks: Meilisearch POSTs every finished task, as one NDJSON line, to
// each registered URL with the webhook's headers. The engine does the same
// from one goroutine owned by the Server, best effort (a slow or dead
// endpoint only delays or drops notifications, never tasks).

var bucketWebhooks = []byte("webhooks") // uuid -> webhook JSON

const maxWebhooks = 20

type webhook struct {
	UUID       string            `json:"uuid"`
	IsEditable bool              `json:"isEditable"`
	URL        string            `json:"url"`
	Headers    map[string]string `json:"headers"`
}

type notifier struct {
	st     *store
	log    *slog.Logger
	client *http.Client
	tasks  chan task

	mu    sync.RWMutex
	hooks map[string]webhook
}

func newNotifier(st *store, log *slog.Logger) (*notifier, error) {
	n := &notifier{st: st, log: log, client: &http.Client{Timeout: 10 * time.Second},
		tasks: make(chan task, 1024), hooks: map[string]webhook{}}
	err := st.db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketWebhooks)
		if err != nil {
			return err
		}
		return b.ForEach(func(_, v []byte) error {
			var w webhook
			if err := json.Unmarshal(v, &w); err != nil {
				return err
			}
			n.hooks[w.UUID] = w
			return nil
		})
	})
	return n, err
}

// finished queues a finished task for delivery; it never blocks the worker.
func (n *notifier) finished(t task) {
	n.mu.RLock()
	empty := len(n.hooks) == 0
	n.mu.RUnlock()
	if empty {
		return
	}
	select {
	case n.tasks <- t:
	default:
		n.log.Warn("webhook queue full, dropping notification", "task", t.UID)
	}
}

// run delivers notifications until ctx ends.
func (n *notifier) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case t := <-n.tasks:
			n.deliver(ctx, t)
		}
	}
}

func (n *notifier) deliver(ctx context.Context, t task) {
	body := append(mustJSON(t), '\n')
	n.mu.RLock()
	hooks := make([]webhook, 0, len(n.hooks))
	for _, w := range n.hooks {
		hooks = append(hooks, w)
	}
	n.mu.RUnlock()
	for _, w := range hooks {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
		if err != nil {
			continue
		}
		req.Header.Set("Content-Type", "application/x-ndjson")
		for k, v := range w.Headers {
			req.Header.Set(k, v)
		}
		resp, err := n.client.Do(req)
		if err != nil {
			n.log.Warn("webhook delivery failed", "webhook", w.UUID, "err", err)
			continue
		}
		_ = resp.Body.Close()
	}
}

func (n *notifier) save(w webhook) error {
	err := n.st.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bucketWebhooks, []byte(w.UUID), w) })
	if err == nil {
		n.mu.Lock()
		n.hooks[w.UUID] = w
		n.mu.Unlock()
	}
	return err
}

func (s *Server) routeWebhooks(e *echo.Echo) {
	s.handle(e, http.MethodGet, "/webhooks", "webhooks.get", s.listWebhooks)
	s.handle(e, http.MethodPost, "/webhooks", "webhooks.create", s.createWebhook)
	s.handle(e, http.MethodGet, "/webhooks/:uuid", "webhooks.get", s.getWebhook)
	s.handle(e, http.MethodPatch, "/webhooks/:uuid", "webhooks.update", s.updateWebhook)
	s.handle(e, http.MethodDelete, "/webhooks/:uuid", "webhooks.delete", s.deleteWebhook)
}

func (s *Server) listWebhooks(c echo.Context) error {
	s.hooks.mu.RLock()
	out := make([]webhook, 0, len(s.hooks.hooks))
	for _, w := range s.hooks.hooks {
		out = append(out, w)
	}
	s.hooks.mu.RUnlock()
	return c.JSON(http.StatusOK, map[string]any{"results": out})
}

func (s *Server) webhookParam(c echo.Context) (webhook, error) {
	s.hooks.mu.RLock()
	w, ok := s.hooks.hooks[c.Param("uuid")]
	s.hooks.mu.RUnlock()
	if !ok {
		return w, withStatus(http.StatusNotFound, "webhook_not_found", "Webhook `%s` not found.", c.Param("uuid"))
	}
	return w, nil
}

func (s *Server) getWebhook(c echo.Context) error {
	w, err := s.webhookParam(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, w)
}

type webhookBody struct {
	URL     *string            `json:"url"`
	Headers map[string]*string `json:"headers"`
}

// apply validates and applies a create or update body to w.
func (b webhookBody) apply(w *webhook) error {
	if b.URL != nil {
		u, err := url.Parse(*b.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return reqErr("invalid_webhook_url", "Invalid value at `.url`: `%s` is not a valid URL.", *b.URL)
		}
		w.URL = *b.URL
	}
	for k, v := range b.Headers {
		if v == nil {
			delete(w.Headers, k)
			continue
		}
		w.Headers[k] = *v
	}
	return nil
}

func (s *Server) createWebhook(c echo.Context) error {
	var b webhookBody
	if err := decodeJSON(c, &b, true); err != nil {
		return err
	}
	if b.URL == nil {
		return reqErr("invalid_webhook_url", "The url field is required.")
	}
	w := webhook{UUID: newUUID(), IsEditable: true, Headers: map[string]string{}}
	if err := b.apply(&w); err != nil {
		return err
	}
	s.hooks.mu.RLock()
	full := len(s.hooks.hooks) >= maxWebhooks
	s.hooks.mu.RUnlock()
	if full {
		return reqErr("too_many_webhooks", "Defining too many webhooks would crush the server. Please limit the number of webhooks to %d. You may use a third-party proxy server to dispatch events to more than %d endpoints.", maxWebhooks, maxWebhooks)
	}
	if err := s.hooks.save(w); err != nil {
		return internalErr(err)
	}
	return c.JSON(http.StatusCreated, w)
}

func (s *Server) updateWebhook(c echo.Context) error {
	w, err := s.webhookParam(c)
	if err != nil {
		return err
	}
	var b webhookBody
	if err := decodeJSON(c, &b, true); err != nil {
		return err
	}
	headers := make(map[string]string, len(w.Headers))
	for k, v := range w.Headers {
		headers[k] = v
	}
	w.Headers = headers
	if err := b.apply(&w); err != nil {
		return err
	}
	if err := s.hooks.save(w); err != nil {
		return internalErr(err)
	}
	return c.JSON(http.StatusOK, w)
}

func (s *Server) deleteWebhook(c echo.Context) error {
	w, err := s.webhookParam(c)
	if err != nil {
		return err
	}
	err = s.st.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketWebhooks).Delete([]byte(w.UUID)) })
	if err != nil {
		return internalErr(err)
	}
	s.hooks.mu.Lock()
	delete(s.hooks.hooks, w.UUID)
	s.hooks.mu.Unlock()
	return c.NoContent(http.StatusNoContent)
}
