package proxy_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestNetworkIsMeilisearchsUnconfiguredNetworkOnceTheFeatureIsOn(t *testing.T) {
	tc := startCluster(t, 2, 1, 2)
	ctx := context.Background()
	if _, err := tc.client.GetNetwork(ctx); !isSDKCode(err, "feature_not_enabled", http.StatusBadRequest) {
		t.Fatalf("network without the feature: %v", err)
	}
	if _, err := tc.client.ExperimentalFeatures().SetNetwork(true).Update(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := tc.client.GetNetwork(ctx)
	if err != nil || n.Version == "" || len(n.Remotes) != 0 || n.Self != "" || n.Leader != "" {
		t.Fatalf("network %+v, %v", n, err)
	}
	raw := webhookRaw(t, tc, http.MethodGet, "/network", "", http.StatusOK)
	if strings.TrimSpace(raw) != `{"self":null,"remotes":{},"shards":{},"leader":null,"version":"00000000-0000-0000-0000-000000000000"}` {
		t.Fatalf("network body %s", raw)
	}
	if body := webhookRaw(t, tc, http.MethodPatch, "/network", `{"self":"ms-00"}`, 0); !strings.Contains(body, `"code":"not_implemented"`) {
		t.Fatalf("PATCH /network: %s", body)
	}
}
