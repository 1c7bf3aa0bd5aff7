package proxy

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
)

// Metadata reads are answered from the local state, so each must pass the
// read barrier first: a peer that cannot reach a leader refuses rather than
// answer from a state that may lag writes other clients saw acknowledged.
func TestMetadataReadsPassTheReadBarrier(t *testing.T) {
	p := &Proxy{state: &barrierState{err: errors.New("no cluster leader")}}
	reads := []struct {
		name    string
		path    string
		params  []string
		handler echo.HandlerFunc
	}{
		{"list indexes", "/indexes", nil, p.listIndexes},
		{"get index", "/indexes/movies", []string{"uid", "movies"}, p.getIndex},
		{"get settings", "/indexes/movies/settings", []string{"uid", "movies"}, p.getSettings},
		{"list keys", "/keys", nil, p.listKeys},
		{"get key", "/keys/k", []string{"key", "k"}, p.getKey},
		{"list batches", "/batches", nil, p.listBatches},
		{"get batch", "/batches/1", []string{"uid", "1"}, p.getBatch},
	}
	e := echo.New()
	for _, r := range reads {
		t.Run(r.name, func(t *testing.T) {
			c := e.NewContext(httptest.NewRequest(http.MethodGet, r.path, nil), httptest.NewRecorder())
			c.SetPath(r.path)
			for i := 0; i+1 < len(r.params); i += 2 {
				c.SetParamNames(r.params[i])
				c.SetParamValues(r.params[i+1])
			}
			err := r.handler(c)
			var me *meili.Error
			if !errors.As(err, &me) || me.Code != meili.CodeMiroirNoLeader {
				t.Fatalf("%s with no reachable leader: %v, want miroir_no_leader", r.path, err)
			}
		})
	}
}
