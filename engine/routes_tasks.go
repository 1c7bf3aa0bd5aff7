package engine

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
	bolt "go.etcd.io/bbolt"
)

// cursorPage is the {results, total, limit, from, next} envelope of /tasks
// and /batches.
type cursorPage[T any] struct {
	Results []T     `json:"results"`
	Total   int     `json:"total"`
	Limit   int     `json:"limit"`
	From    *uint64 `json:"from"`
	Next    *uint64 `json:"next"`
}

// cursor pages items (in uid order) newest first, or oldest first when
// reverse, starting at from (inclusive).
func cursor[T any](items []T, uidOf func(T) uint64, f *taskFilter) cursorPage[T] {
	if !f.reverse {
		slices.Reverse(items)
	}
	p := cursorPage[T]{Results: []T{}, Total: len(items), Limit: f.limit}
	start := 0
	if f.from != nil {
		start = len(items)
		for i, it := range items {
			if (!f.reverse && uidOf(it) <= *f.from) || (f.reverse && uidOf(it) >= *f.from) {
				start = i
				break
			}
		}
	}
	end := min(len(items), start+f.limit)
	if start < end {
		p.Results = items[start:end]
		first := uidOf(items[start])
		p.From = &first
	}
	if end < len(items) {
		n := uidOf(items[end])
		p.Next = &n
	}
	return p
}

func (s *Server) listTasks(c echo.Context) error {
	f, err := parseTaskFilter(c.QueryParams(), true)
	if err != nil {
		return err
	}
	g := grantOf(c)
	return c.JSON(http.StatusOK, s.q.page(func(t *task) bool { return f.match(t) && g.allowsTask(t) }, f))
}

func (s *Server) getTask(c echo.Context) error {
	uid, err := strconv.ParseUint(c.Param("taskUid"), 10, 32)
	if err != nil {
		return reqErr(meili.CodeInvalidTaskUIDs, "Invalid value in parameter `taskUid`: could not parse `%s` as a positive integer", c.Param("taskUid"))
	}
	t, ok := s.q.get(uid)
	if !ok || !grantOf(c).allowsTask(&t) {
		return meili.Errorf(meili.CodeTaskNotFound, "Task `%d` not found.", uid)
	}
	return c.JSON(http.StatusOK, t)
}

// taskCommand enqueues a taskCancelation or taskDeletion. The matched tasks
// are resolved now, as Meilisearch resolves them at registration.
func (s *Server) taskCommand(c echo.Context, kind string, eligible func(*task) bool, verb string) error {
	f, err := parseTaskFilter(c.QueryParams(), false)
	if err != nil {
		return err
	}
	if f.set == 0 {
		return meili.Errorf(meili.CodeMissingTaskFilters, "Query parameters to filter the tasks to %s are missing. Available query parameters are: `uids`, `indexUids`, `statuses`, `types`, `canceledBy`, `beforeEnqueuedAt`, `afterEnqueuedAt`, `beforeStartedAt`, `afterStartedAt`, `beforeFinishedAt`, `afterFinishedAt`.", verb)
	}
	g := grantOf(c)
	var matched []uint64
	for _, t := range s.q.snapshot(func(t *task) bool { return f.match(t) && g.allowsTask(t) && eligible(t) }) {
		matched = append(matched, t.UID)
	}
	orig := "?" + c.Request().URL.RawQuery
	countKey := "canceledTasks"
	if kind == kindTaskDeletion {
		countKey = "deletedTasks"
	}
	d := details("matchedTasks", len(matched), countKey, nil, "originalFilter", orig)
	t := &task{Type: kind, Details: d, CustomMetadata: customMetadata(c)}
	saved, err := s.q.enqueue(t, &payload{Query: orig, Matched: matched})
	if err != nil {
		return internalErr(err)
	}
	// Meilisearch answers these two routes 200, not 202.
	return c.JSON(http.StatusOK, saved.summary())
}

func (s *Server) cancelTasks(c echo.Context) error {
	return s.taskCommand(c, kindTaskCancelation, func(t *task) bool { return !t.finished() }, "cancel")
}

func (s *Server) deleteTasks(c echo.Context) error {
	return s.taskCommand(c, kindTaskDeletion, func(*task) bool { return true }, "delete")
}

func (s *Server) execCancel(t *task, p *payload) outcome {
	now := time.Now().UTC()
	var canceled []task
	for _, uid := range p.Matched {
		ct, ok := s.q.get(uid)
		if !ok || ct.Status != statusEnqueued {
			continue
		}
		ct.CanceledBy = &t.UID
		ct.finish(statusCanceled, now)
		canceled = append(canceled, ct)
	}
	d := details("matchedTasks", len(p.Matched), "canceledTasks", len(canceled), "originalFilter", p.Query)
	return outcome{details: d, commit: func(tx *bolt.Tx) error {
		for i := range canceled {
			if err := putTask(tx, &canceled[i]); err != nil {
				return err
			}
			if err := deletePayload(tx, canceled[i].UID); err != nil {
				return err
			}
		}
		return nil
	}, publish: func() {
		s.q.publish(canceled)
		for _, ct := range canceled {
			s.hooks.finished(ct)
		}
	}}
}

func (s *Server) execDeleteTasks(t *task, p *payload) outcome {
	var del []uint64
	for _, uid := range p.Matched {
		if dt, ok := s.q.get(uid); ok && dt.finished() && uid != t.UID {
			del = append(del, uid)
		}
	}
	d := details("matchedTasks", len(p.Matched), "deletedTasks", len(del), "originalFilter", p.Query)
	return outcome{details: d, commit: func(tx *bolt.Tx) error {
		for _, u := range del {
			if err := tx.Bucket(bucketTasks).Delete(be64(u)); err != nil {
				return err
			}
		}
		return nil
	}, publish: func() { s.q.forget(del) }}
}

// batchView is a batch as GET /batches shows it; the engine runs one task
// per batch.
type batchView struct {
	UID           uint64          `json:"uid"`
	Progress      *struct{}       `json:"progress"`
	Details       json.RawMessage `json:"details"`
	Stats         batchStats      `json:"stats"`
	Duration      *string         `json:"duration"`
	StartedAt     *time.Time      `json:"startedAt"`
	FinishedAt    *time.Time      `json:"finishedAt"`
	BatchStrategy string          `json:"batchStrategy"`
}

type batchStats struct {
	TotalNbTasks int            `json:"totalNbTasks"`
	Status       map[string]int `json:"status"`
	Types        map[string]int `json:"types"`
	IndexUIDs    map[string]int `json:"indexUids"`
}

// batchOf summarises the tasks of one batch (uid order).
func batchOf(ts []task) batchView {
	first, last := ts[0], ts[len(ts)-1]
	b := batchView{UID: *first.BatchUID, Details: first.Details, Duration: last.Duration,
		StartedAt: first.StartedAt, FinishedAt: last.FinishedAt, BatchStrategy: "unspecified",
		Stats: batchStats{TotalNbTasks: len(ts), Status: map[string]int{}, Types: map[string]int{}, IndexUIDs: map[string]int{}}}
	received, indexed := 0, 0
	for _, t := range ts {
		b.Stats.Status[t.Status]++
		b.Stats.Types[t.Type]++
		if t.IndexUID != nil {
			b.Stats.IndexUIDs[*t.IndexUID]++
		}
		var d struct{ ReceivedDocuments, IndexedDocuments int }
		_ = json.Unmarshal(t.Details, &d)
		received, indexed = received+d.ReceivedDocuments, indexed+d.IndexedDocuments
	}
	if len(ts) > 1 && first.Type == kindDocumentAdditionOrUpdate {
		b.Details = details("receivedDocuments", received, "indexedDocuments", indexed)
		b.BatchStrategy = "batched all enqueued tasks for index `" + first.index() + "`"
	}
	if b.Details == nil {
		b.Details = json.RawMessage("{}")
	}
	return b
}

// batches groups the tasks keep accepts by batch uid, in batch order.
func (s *Server) batches(keep func(*task) bool) []batchView {
	ts := s.q.snapshot(func(t *task) bool { return t.BatchUID != nil && keep(t) })
	groups := map[uint64][]task{}
	var order []uint64
	for _, t := range ts {
		if _, ok := groups[*t.BatchUID]; !ok {
			order = append(order, *t.BatchUID)
		}
		groups[*t.BatchUID] = append(groups[*t.BatchUID], t)
	}
	slices.Sort(order)
	out := make([]batchView, len(order))
	for i, u := range order {
		out[i] = batchOf(groups[u])
	}
	return out
}

func (s *Server) listBatches(c echo.Context) error {
	f, err := parseTaskFilter(c.QueryParams(), true)
	if err != nil {
		return err
	}
	// On /batches, uids names batch uids.
	batchUIDs := f.uids
	f.uids = nil
	g := grantOf(c)
	bs := s.batches(func(t *task) bool {
		return f.match(t) && g.allowsTask(t) && (batchUIDs == nil || batchUIDs[*t.BatchUID])
	})
	return c.JSON(http.StatusOK, cursor(bs, func(b batchView) uint64 { return b.UID }, f))
}

func (s *Server) getBatch(c echo.Context) error {
	uid, err := strconv.ParseUint(c.Param("batchUid"), 10, 32)
	if err != nil {
		return reqErr("invalid_batch_uids", "Invalid value in parameter `batchUid`: could not parse `%s` as a positive integer", c.Param("batchUid"))
	}
	g := grantOf(c)
	bs := s.batches(func(t *task) bool { return *t.BatchUID == uid && g.allowsTask(t) })
	if len(bs) == 0 {
		return meili.Errorf(meili.CodeBatchNotFound, "Batch `%d` not found.", uid)
	}
	return c.JSON(http.StatusOK, bs[0])
}
