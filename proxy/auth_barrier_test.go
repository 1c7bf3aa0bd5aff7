package proxy

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// lagState is a peer's state that has not applied the latest entries yet:
// the read barrier applies them.
type lagState struct {
	s        *store.State
	pending  func(*store.State)
	barriers int
}

func (l *lagState) Read(fn func(*store.State))                { fn(l.s) }
func (l *lagState) AppliedIndex() uint64                      { return 0 }
func (l *lagState) WaitApplied(context.Context, uint64) error { return nil }
func (l *lagState) ReadBarrier(context.Context) error {
	l.barriers++
	if l.pending != nil {
		l.pending(l.s)
		l.pending = nil
	}
	return nil
}

func authenticateWith(t *testing.T, p *Proxy, token string) error {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/indexes/movies/search", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return p.authenticate(echo.New().NewContext(req, httptest.NewRecorder()), string(meili.ActionSearch), "movies")
}

// A key created through another peer works here as soon as its creation
// was answered, although this peer had not applied it yet.
func TestAKeyThisPeerHasNotAppliedYetIsAcceptedAfterTheReadBarrier(t *testing.T) {
	const master = "a-master-key-long-enough-for-tests"
	lag := &lagState{s: store.New()}
	lag.pending = func(s *store.State) {
		if _, err := s.CreateKey(store.Key{UID: "0b0c8c1e-5d7e-4c1b-9d7c-2b1f2f3e4a5b", Actions: []string{"search"}, Indexes: []string{"*"}}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	p := &Proxy{state: lag, cfg: Config{MasterKey: master}}
	if err := authenticateWith(t, p, deriveKey(master, "0b0c8c1e-5d7e-4c1b-9d7c-2b1f2f3e4a5b")); err != nil {
		t.Fatalf("a key created before the request was refused: %v", err)
	}
	if lag.barriers != 1 {
		t.Fatalf("%d read barriers, want 1 (the first look missed)", lag.barriers)
	}
	// A known key costs no barrier; an unknown one is still refused.
	if err := authenticateWith(t, p, deriveKey(master, "0b0c8c1e-5d7e-4c1b-9d7c-2b1f2f3e4a5b")); err != nil || lag.barriers != 1 {
		t.Fatalf("known key: %v after %d barriers, want accepted without a barrier", err, lag.barriers)
	}
	if err := authenticateWith(t, p, "not-a-key"); !isCode(err, meili.CodeInvalidAPIKey) {
		t.Fatalf("unknown key: %v, want invalid_api_key", err)
	}
}
