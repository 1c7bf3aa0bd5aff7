package cluster_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/miroir-search/miroir/cluster/clustertest"
)

func TestClosedClusterLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	c := clustertest.MakeCluster(t, 3)
	apply(t, c.WaitForLeader(t, leaderWait), "k", "v")
	c.EnsureSame(t)
	c.Close()
	clustertest.WaitFor(t, 10*time.Second, func() error {
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<20)
			stacks := string(buf[:runtime.Stack(buf, true)])
			var ours []string
			for _, g := range strings.Split(stacks, "\n\n") {
				if strings.Contains(g, "hashicorp") || strings.Contains(g, "miroir") {
					ours = append(ours, g)
				}
			}
			return fmt.Errorf("%d goroutines, %d before:\n%s", n, before, strings.Join(ours, "\n\n"))
		}
		return nil
	})
}
