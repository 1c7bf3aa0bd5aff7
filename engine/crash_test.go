package engine

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// procNode is an engine node running as a child process (engine/internal/testnode).
type procNode struct {
	cmd  *exec.Cmd
	base string
}

func buildTestNode(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "testnode")
	out, err := exec.Command("go", "build", "-o", bin, "./internal/testnode").CombinedOutput()
	if err != nil {
		t.Fatalf("build testnode: %v\n%s", err, out)
	}
	return bin
}

func startProc(t *testing.T, bin, dir string) *procNode {
	t.Helper()
	cmd := exec.Command(bin, "-http-addr", "127.0.0.1:0", "-data-dir", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("testnode did not start: %v", err)
	}
	return &procNode{cmd: cmd, base: "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening on "))}
}

func (p *procNode) call(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, p.base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

// TestSucceededTasksSurviveKill9 kills the node while it indexes, restarts
// it, and checks that every task reported succeeded before the kill still
// has all of its documents, and that every accepted task completes.
func TestSucceededTasksSurviveKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a child process")
	}
	bin, dir := buildTestNode(t), t.TempDir()
	p := startProc(t, bin, dir)
	const perBatch = 200
	accepted := map[int][]int{} // task uid -> document ids
	var succeeded []int
	for b := 0; len(succeeded) < 5 || b < 10; b++ {
		if b > 400 {
			t.Fatal("tasks never succeeded")
		}
		docs := make([]map[string]any, perBatch)
		ids := make([]int, perBatch)
		for i := range docs {
			ids[i] = b*perBatch + i
			docs[i] = map[string]any{"id": ids[i], "title": fmt.Sprintf("document %d of batch %d", i, b)}
		}
		code, raw, err := p.call(http.MethodPost, "/indexes/crash/documents", docs)
		if err != nil || code != http.StatusAccepted {
			t.Fatalf("enqueue: %d %v %s", code, err, raw)
		}
		var sum summary
		_ = json.Unmarshal(raw, &sum)
		accepted[int(sum.TaskUID)] = ids
		succeeded = succeededTasks(t, p)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
	t.Logf("killed with %d tasks accepted, %d reported succeeded", len(accepted), len(succeeded))

	p2 := startProc(t, bin, dir)
	for _, uid := range succeeded {
		assertDocuments(t, p2, uid, accepted[uid])
	}
	waitFor(t, 60*time.Second, func() bool { return len(succeededTasks(t, p2)) == len(accepted) })
	for uid, ids := range accepted {
		assertDocuments(t, p2, uid, ids)
	}
}

func succeededTasks(t *testing.T, p *procNode) []int {
	t.Helper()
	code, raw, err := p.call(http.MethodGet, "/tasks?statuses=succeeded&limit=1000", nil)
	if err != nil || code != http.StatusOK {
		t.Fatalf("list tasks: %d %v", code, err)
	}
	var page struct{ Results []task }
	_ = json.Unmarshal(raw, &page)
	out := make([]int, len(page.Results))
	for i, tk := range page.Results {
		out[i] = int(tk.UID)
	}
	return out
}

func assertDocuments(t *testing.T, p *procNode, uid int, ids []int) {
	t.Helper()
	code, raw, err := p.call(http.MethodPost, "/indexes/crash/documents/fetch", map[string]any{"ids": ids, "limit": len(ids) + 1})
	if err != nil || code != http.StatusOK {
		t.Fatalf("fetch: %d %v %s", code, err, raw)
	}
	var page struct{ Total int }
	_ = json.Unmarshal(raw, &page)
	if page.Total != len(ids) {
		t.Fatalf("task %d: %d of its %d documents survived", uid, page.Total, len(ids))
	}
}
