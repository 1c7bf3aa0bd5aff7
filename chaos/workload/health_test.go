package workload

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/miroir-search/miroir/chaos/history"
)

// TestClientsAvoidAPeerWhoseHealthProbeHangs: a paused peer accepts
// connections and answers nothing; once a probe timed out on it, clients
// send their requests to the peers that answer.
func TestClientsAvoidAPeerWhoseHealthProbeHangs(t *testing.T) {
	release := make(chan struct{})
	paused := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer paused.Close()
	defer close(release)
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer ok.Close()
	cfg := DefaultConfig()
	cfg.Peers = []string{strings.TrimPrefix(paused.URL, "http://"), strings.TrimPrefix(ok.URL, "http://")}
	cfg.HealthInterval = 50 * time.Millisecond
	w, err := New(cfg, history.New())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); w.probe(ctx) }()
	defer func() { cancel(); <-done }()
	rng := rand.New(rand.NewPCG(1, 2))
	deadline := time.Now().Add(10 * time.Second)
	for len(w.health.up(2)) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the paused peer was never marked down")
		}
		time.Sleep(10 * time.Millisecond)
	}
	for range 50 {
		if i, _ := w.peer(rng); i != 1 {
			t.Fatalf("picked the paused peer %d", i)
		}
	}
}

func TestEveryPeerIsPickedWhenNoneAnswers(t *testing.T) {
	var h health
	h.set(0, true)
	h.set(1, true)
	if up := h.up(2); len(up) != 2 {
		t.Fatalf("up = %v, want both peers when none answers", up)
	}
}
