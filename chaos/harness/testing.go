package harness

import (
	"context"
	"testing"
)

// StartT builds a cluster from cfg, starts it and registers a cleanup that
// kills every process (and, when the test failed, logs each process's log
// tail), whatever happens in between.
func StartT(t testing.TB, ctx context.Context, cfg Config) *Cluster {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Close()
		if t.Failed() {
			for _, p := range c.Procs() {
				t.Logf("---- %s log tail (%s)\n%s", p.Name, p.LogPath, Tail(p, 40))
			}
		}
	})
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}
