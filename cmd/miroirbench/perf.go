package main

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// perfProfile samples a running process with Linux perf for d while load
// runs, and returns the top symbols by self time. The peers have no pprof
// endpoint, so this is how the hottest path of a peer under load is seen.
func perfProfile(ctx context.Context, env *benchEnv, pid int, d time.Duration, load func(ctx context.Context)) (string, error) {
	if _, err := exec.LookPath("perf"); err != nil {
		return "", fmt.Errorf("perf is not installed")
	}
	data := filepath.Join(env.tmp, "perf-"+strconv.Itoa(pid)+".data")
	rec := exec.CommandContext(ctx, "perf", "record", "-F", "997", "-g", "-o", data, "-p", strconv.Itoa(pid), "--", "sleep", strconv.Itoa(int(d.Seconds())))
	if err := rec.Start(); err != nil {
		return "", err
	}
	lctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		load(lctx)
	}()
	err := rec.Wait()
	cancel()
	<-done
	if err != nil {
		return "", fmt.Errorf("perf record: %w", err)
	}
	self, err := perfReport(ctx, data, "--no-children", "--percent-limit", "1")
	if err != nil {
		return "", err
	}
	cum, err := perfReport(ctx, data, "--children", "--percent-limit", "5")
	if err != nil {
		return "", err
	}
	return "self time:\n" + self + "\n\nwith callees (children):\n" + cum, nil
}

// perfReport renders the top symbols of a perf.data file, one per line.
func perfReport(ctx context.Context, data string, args ...string) (string, error) {
	args = append([]string{"report", "-i", data, "--stdio", "--sort", "symbol", "-g", "none"}, args...)
	out, err := exec.CommandContext(ctx, "perf", args...).Output()
	if err != nil {
		return "", fmt.Errorf("perf report: %w", err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		t := strings.TrimSpace(l)
		for strings.HasSuffix(t, "-") { // empty parent/child columns
			t = strings.TrimSpace(strings.TrimSuffix(t, "-"))
		}
		if t != "" && !strings.HasPrefix(t, "#") {
			lines = append(lines, t)
		}
	}
	if len(lines) == 0 {
		return "", fmt.Errorf("perf report printed nothing for %s", data)
	}
	if len(lines) > 30 {
		lines = lines[:30]
	}
	return strings.Join(lines, "\n"), nil
}
