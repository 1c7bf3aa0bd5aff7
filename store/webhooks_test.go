package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

func hook(uuid string, headers map[string]string) Webhook {
	return Webhook{UUID: uuid, URL: "http://example.com/" + uuid, Headers: headers}
}

func TestWebhookUpdateMergesHeadersAndKeepsTheStoredValueImmutable(t *testing.T) {
	s := New()
	in := map[string]string{"A": "1", "B": "2"}
	if _, err := s.CreateWebhook(hook("w1", in)); err != nil {
		t.Fatal(err)
	}
	in["C"] = "caller edits after the call"
	before, _ := s.Webhook("w1")
	three := "3"
	got, err := s.UpdateWebhook("w1", WebhookUpdate{URL: "http://new", Headers: map[string]*string{"A": nil, "C": &three}})
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != "http://new" || len(got.Headers) != 2 || got.Headers["B"] != "2" || got.Headers["C"] != "3" {
		t.Fatalf("merged webhook %+v", got)
	}
	if len(before.Headers) != 2 || before.Headers["A"] != "1" {
		t.Fatalf("an earlier read changed: %+v", before)
	}
	got, _ = s.UpdateWebhook("w1", WebhookUpdate{ResetHeaders: true, Headers: map[string]*string{"D": &three}})
	if len(got.Headers) != 1 || got.Headers["D"] != "3" || got.URL != "http://new" {
		t.Fatalf("reset then set: %+v", got)
	}
}

func TestWebhookLimitsAreMeilisearchs(t *testing.T) {
	s := New()
	for i := range MaxWebhooks {
		if _, err := s.CreateWebhook(hook(fmt.Sprint("w", i), nil)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.CreateWebhook(hook("one-more", nil)); !errors.Is(err, ErrTooManyWebhooks) {
		t.Fatalf("21st webhook: %v", err)
	}
	if _, err := s.CreateWebhook(hook("w0", nil)); !errors.Is(err, ErrWebhookExists) {
		t.Fatalf("duplicate uuid: %v", err)
	}
	headers := map[string]*string{}
	v := ""
	for i := range MaxWebhookHeaders + 1 {
		headers[fmt.Sprint("h", i)] = &v
	}
	if _, err := s.UpdateWebhook("w0", WebhookUpdate{Headers: headers}); !errors.Is(err, ErrTooManyWebhookHeaders) {
		t.Fatalf("201 headers: %v", err)
	}
	if w, _ := s.Webhook("w0"); len(w.Headers) != 0 {
		t.Fatal("a refused update changed the webhook")
	}
	if err := s.DeleteWebhook("w0"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteWebhook("w0"); !errors.Is(err, ErrWebhookNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := s.UpdateWebhook("w0", WebhookUpdate{}); !errors.Is(err, ErrWebhookNotFound) {
		t.Fatalf("update of a deleted webhook: %v", err)
	}
	if _, err := s.CreateWebhook(Webhook{UUID: "x"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("webhook without url: %v", err)
	}
}

func TestWebhooksSurviveASnapshotRoundTripByteForByte(t *testing.T) {
	s := New()
	for _, id := range []string{"b", "a", "c"} {
		if _, err := s.CreateWebhook(hook(id, map[string]string{"Z": "1", "Y": "2"})); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	r := New()
	if err := json.Unmarshal(raw, r); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(r)
	if !bytes.Equal(raw, again) {
		t.Fatalf("round trip differs:\n%s\n%s", raw, again)
	}
	if list := r.Webhooks(); len(list) != 3 || list[0].UUID != "a" || list[2].Headers["Z"] != "1" {
		t.Fatalf("restored webhooks %+v", list)
	}
	c := s.Clone()
	_ = c.DeleteWebhook("a")
	if s.WebhookCount() != 3 {
		t.Fatal("a clone shares the webhook table")
	}
	if bytes.Contains(mustMarshal(t, New()), []byte("webhooks")) {
		t.Fatal("an empty table must encode as before the table existed")
	}
}

func mustMarshal(t *testing.T, s *State) []byte {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
