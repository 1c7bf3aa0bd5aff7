package proxy

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/miroir-search/miroir/store"
)

// Webhook delivery, on the leader only (the TaskWatcher owns a notifier):
// each watcher cycle finds the client tasks that reached a terminal status
// since the last cycle and queues one delivery, which POSTs them to every
// webhook as Meilisearch does: gzip-compressed NDJSON of full task objects
// (Content-Encoding: gzip, Content-Type: application/x-ndjson) with the
// webhook's headers. Best effort, like Meilisearch: no retry; a failure is
// logged and counted (miroir_proxy_webhook_deliveries_total), a full
// queue drops the delivery (result "dropped"). Tasks that finish while no
// peer leads, or before a new leader's first cycle, are not delivered.

const (
	// webhookQueue bounds the deliveries waiting for the sender.
	webhookQueue = 64
	// webhookTimeout bounds one POST (Meilisearch's global timeout).
	webhookTimeout = 30 * time.Second
	// webhookScanMax bounds the new tasks one cycle reads.
	webhookScanMax = 10000
)

type delivery struct {
	hooks []store.Webhook
	tasks []store.Task
}

type notifier struct {
	p      *Proxy
	client *http.Client
	queue  chan delivery

	// Touched only by the watcher loop (tick).
	primed bool
	next   uint64              // first task uid not seen yet
	open   map[uint64]struct{} // seen while not terminal
}

func newNotifier(p *Proxy) *notifier {
	return &notifier{p: p, client: &http.Client{Timeout: webhookTimeout},
		queue: make(chan delivery, webhookQueue), open: map[uint64]struct{}{}}
}

// run sends queued deliveries until ctx ends.
func (n *notifier) run(ctx context.Context, wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case d := <-n.queue:
			n.deliver(ctx, d)
		}
	}
}

// tick queues the tasks that finished since the last tick, if any webhook
// exists. It never blocks.
func (n *notifier) tick() {
	var d delivery
	n.p.state.Read(func(s *store.State) { d = n.scan(s) })
	if len(d.tasks) == 0 || len(d.hooks) == 0 {
		return
	}
	select {
	case n.queue <- d:
	default:
		n.p.metrics.webhooks.WithLabelValues("dropped").Inc()
		n.p.log.Warn("webhook queue full, dropping a notification", "tasks", len(d.tasks))
	}
}

// scan moves the cursor over s and returns what to deliver. Without
// webhooks it only forgets its position; the first scan with webhooks (a
// new leader's, or after the first webhook is created) takes the current
// position and the open tasks, so no history is replayed. Only that scan
// reads the whole task list; later ones read the new tasks and the open
// ones they saw.
func (n *notifier) scan(s *store.State) delivery {
	if s.WebhookCount() == 0 {
		n.primed = false
		return delivery{}
	}
	if !n.primed {
		n.primed, n.next = true, s.NextTaskUID()
		clear(n.open)
		for _, t := range s.OpenTasks() {
			n.open[t.UID] = struct{}{}
		}
		return delivery{}
	}
	var d delivery
	for uid := range n.open {
		t, ok := s.Task(uid)
		if ok && !t.Status.Terminal() {
			continue
		}
		delete(n.open, uid)
		if ok {
			d.tasks = append(d.tasks, t)
		}
	}
	for _, t := range s.TasksFrom(n.next, webhookScanMax) {
		n.next = t.UID + 1
		if t.Status.Terminal() {
			d.tasks = append(d.tasks, t)
		} else {
			n.open[t.UID] = struct{}{}
		}
	}
	if len(d.tasks) > 0 {
		d.hooks = s.Webhooks()
	}
	return d
}

func (n *notifier) deliver(ctx context.Context, d delivery) {
	body, err := notificationBody(d.tasks)
	if err != nil {
		n.p.log.Error("encoding a webhook notification failed", "err", err)
		return
	}
	for _, w := range d.hooks {
		err := n.post(ctx, w, body)
		result := "ok"
		if err != nil {
			result = "error"
			if ctx.Err() == nil {
				n.p.log.Warn("webhook delivery failed", "webhook", w.UUID, "tasks", len(d.tasks), "err", err)
			}
		}
		n.p.metrics.webhooks.WithLabelValues(result).Inc()
	}
}

func (n *notifier) post(ctx context.Context, w store.Webhook, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Content-Type", "application/x-ndjson")
	for k, v := range w.Headers {
		req.Header.Set(k, v)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 {
		return fmt.Errorf("answered %s", resp.Status)
	}
	return nil
}

// notificationBody is the gzip-compressed NDJSON of the tasks' full views, in
// uid order.
func notificationBody(tasks []store.Task) ([]byte, error) {
	sortTasks(tasks)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := json.NewEncoder(zw)
	enc.SetEscapeHTML(false)
	for _, t := range tasks {
		if err := enc.Encode(viewTask(t)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func sortTasks(ts []store.Task) {
	slices.SortFunc(ts, func(a, b store.Task) int { return cmp.Compare(a.UID, b.UID) })
}
