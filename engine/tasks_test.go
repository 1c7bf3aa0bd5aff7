package engine

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestTaskListFiltersAndPaging(t *testing.T) {
	n := startNode(t, "")
	for _, uid := range []string{"a", "b", "c"} {
		n.succeed(n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": uid}))
	}
	_, page := n.do(http.MethodGet, "/tasks?limit=2", nil)
	if len(page["results"].([]any)) != 2 || page["total"] != 3.0 || page["next"] != 0.0 || page["from"] != 2.0 {
		t.Fatalf("page 1: %v", page)
	}
	_, page = n.do(http.MethodGet, "/tasks?limit=2&from=0", nil)
	if len(page["results"].([]any)) != 1 || page["next"] != nil {
		t.Fatalf("page 2: %v", page)
	}
	_, page = n.do(http.MethodGet, "/tasks?reverse=true&limit=1", nil)
	if first := page["results"].([]any)[0].(map[string]any); first["uid"] != 0.0 || page["next"] != 1.0 {
		t.Fatalf("reverse: %v", page)
	}
	_, page = n.do(http.MethodGet, "/tasks?indexUids=b&statuses=succeeded&types=indexCreation", nil)
	if page["total"] != 1.0 {
		t.Fatalf("filtered: %v", page)
	}
	code, out := n.do(http.MethodGet, "/tasks?types=nope", nil)
	if code != http.StatusBadRequest || errCode(t, out) != "invalid_task_types" {
		t.Fatalf("invalid type: %d %v", code, out)
	}
	code, out = n.do(http.MethodPost, "/tasks/cancel", nil)
	if code != http.StatusBadRequest || errCode(t, out) != "missing_task_filters" {
		t.Fatalf("cancel without filters: %d %v", code, out)
	}
	task := n.succeed(n.mustEnqueue(http.MethodDelete, "/tasks?uids=0,1", nil))
	if d := task["details"].(map[string]any); d["deletedTasks"] != 2.0 || d["originalFilter"] != "?uids=0,1" {
		t.Fatalf("deletion details: %v", d)
	}
	if code, _ := n.do(http.MethodGet, "/tasks/0", nil); code != http.StatusNotFound {
		t.Fatalf("deleted task still there: %d", code)
	}
	_, batches := n.do(http.MethodGet, "/batches", nil)
	if len(batches["results"].([]any)) == 0 {
		t.Fatalf("batches: %v", batches)
	}
}

// stopWorker parks the task worker so tests can observe enqueued tasks.
func stopWorker(n *node) {
	n.srv.stop()
	n.srv.workerWG.Wait()
}

func TestCancelMarksEnqueuedTasksCanceled(t *testing.T) {
	n := startNode(t, "")
	stopWorker(n)
	first := n.mustEnqueue(http.MethodPost, "/indexes", map[string]any{"uid": "a"})
	cancel := n.mustEnqueue(http.MethodPost, "/tasks/cancel?uids=0", nil)
	// The cancelation runs first (priority), so task 0 never runs.
	next, ok := n.srv.q.next()
	if !ok || next.UID != uint64(cancel) {
		t.Fatalf("next task = %v, %v; want the cancelation first", next.UID, ok)
	}
	if err := n.srv.processTask(context.Background(), next); err != nil {
		t.Fatal(err)
	}
	if next, ok := n.srv.q.next(); ok {
		t.Fatalf("task %d still enqueued", next.UID)
	}
	_, ct := n.do(http.MethodGet, "/tasks/0", nil)
	if ct["status"] != statusCanceled || ct["canceledBy"] != float64(cancel) {
		t.Fatalf("task %d: %v", first, ct)
	}
	_, c := n.do(http.MethodGet, "/tasks/1", nil)
	if d := c["details"].(map[string]any); d["canceledTasks"] != 1.0 || d["matchedTasks"] != 1.0 {
		t.Fatalf("cancelation: %v", c)
	}
}

func TestRestartResumesEnqueuedTasks(t *testing.T) {
	dir := t.TempDir()
	n := startNodeAt(t, dir, "")
	stopWorker(n)
	uid := n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books)
	if err := n.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	n2 := startNodeAt(t, dir, "")
	n2.succeed(uid)
	if _, st := n2.do(http.MethodGet, "/indexes/books/stats", nil); st["numberOfDocuments"] != 5.0 {
		t.Fatalf("stats after restart: %v", st)
	}
}

func TestTaskDocumentsAreServedUntilTheTaskFinishes(t *testing.T) {
	n := startNode(t, "")
	stopWorker(n)
	uid := n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books)
	path := "/tasks/" + strconv.Itoa(uid) + "/documents"
	if code, out := n.do(http.MethodGet, path, nil); code != http.StatusBadRequest || errCode(t, out) != "feature_not_enabled" {
		t.Fatalf("without the feature: %d %v", code, out)
	}
	n.do(http.MethodPatch, "/experimental-features", map[string]any{"getTaskDocumentsRoute": true})
	code, raw := n.raw(http.MethodGet, path, nil)
	if code != http.StatusOK || strings.Count(string(raw), "\n") != len(books) {
		t.Fatalf("task documents: %d %s", code, raw)
	}
}

// processNext runs the worker's next step by hand (the worker is stopped).
func processNext(t *testing.T, n *node) {
	t.Helper()
	next, ok := n.srv.q.next()
	if !ok {
		t.Fatal("queue empty")
	}
	if err := n.srv.processTask(context.Background(), next); err != nil {
		t.Fatal(err)
	}
}

func TestConsecutiveDocumentTasksAreBatchedAndFailTogether(t *testing.T) {
	n := startNode(t, "")
	stopWorker(n)
	a := n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books[:2])
	b := n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books[2:])
	other := n.mustEnqueue(http.MethodPut, "/indexes/books/documents", books[:1])
	processNext(t, n)
	ta, tb := n.wait(a), n.wait(b)
	if ta["batchUid"] != tb["batchUid"] || ta["status"] != statusSucceeded || tb["details"].(map[string]any)["indexedDocuments"] != 3.0 {
		t.Fatalf("batch: %v / %v", ta, tb)
	}
	if _, st := n.do(http.MethodGet, fmt.Sprintf("/tasks/%d", other), nil); st["status"] != statusEnqueued {
		t.Fatalf("a task with other options joined the batch: %v", st)
	}
	_, batch := n.do(http.MethodGet, fmt.Sprintf("/batches/%v", ta["batchUid"]), nil)
	if batch["stats"].(map[string]any)["totalNbTasks"] != 2.0 {
		t.Fatalf("batch view: %v", batch)
	}
	processNext(t, n)
	good := n.mustEnqueue(http.MethodPost, "/indexes/books/documents", books[:1])
	bad := n.mustEnqueue(http.MethodPost, "/indexes/books/documents", []map[string]any{{"title": "no id"}})
	processNext(t, n)
	if n.wait(good)["status"] != statusFailed || n.wait(bad)["status"] != statusFailed {
		t.Fatal("one invalid document must fail its whole batch")
	}
}
