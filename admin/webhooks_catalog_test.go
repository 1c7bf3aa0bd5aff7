package admin_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/miroir-search/miroir/admin"
	"github.com/miroir-search/miroir/fsm"
	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

func TestCatalogWebhookErrorsHaveMeilisearchCodesAndStatuses(t *testing.T) {
	cat := admin.NewCatalog(&fsmConsensus{f: fsm.New(nil)}, nil, nil)
	ctx := context.Background()
	w, err := cat.CreateWebhook(ctx, store.Webhook{UUID: "w0", URL: "http://h", Headers: map[string]string{"A": "1"}})
	if err != nil || w.Headers["A"] != "1" {
		t.Fatalf("create: %+v %v", w, err)
	}
	v := "2"
	if w, err = cat.UpdateWebhook(ctx, "w0", store.WebhookUpdate{Headers: map[string]*string{"B": &v}}); err != nil || len(w.Headers) != 2 {
		t.Fatalf("update: %+v %v", w, err)
	}
	for i := 1; i < store.MaxWebhooks; i++ {
		if _, err := cat.CreateWebhook(ctx, store.Webhook{UUID: fmt.Sprint("w", i), URL: "http://h"}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = cat.CreateWebhook(ctx, store.Webhook{UUID: "extra", URL: "http://h"})
	assertMeili(t, err, "invalid_webhooks", http.StatusBadRequest)
	assertMeili(t, cat.DeleteWebhook(ctx, "nope"), "webhook_not_found", http.StatusNotFound)
	if err := cat.DeleteWebhook(ctx, "w0"); err != nil {
		t.Fatal(err)
	}
}

func assertMeili(t *testing.T, err error, code meili.Code, status int) {
	t.Helper()
	var me *meili.Error
	if !errors.As(err, &me) || me.Code != code || me.Status != status || me.Type != meili.TypeInvalidRequest {
		t.Fatalf("error %#v, want %s %d", err, code, status)
	}
}
