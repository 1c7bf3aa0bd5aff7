package proxy

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
	"github.com/miroir-search/miroir/store"
)

// batchView is Meilisearch's batch object. miroir batches each client task
// alone, so a batch has the uid of its task and exists once the task started.
type batchView struct {
	UID           uint64          `json:"uid"`
	Progress      any             `json:"progress"`
	Details       json.RawMessage `json:"details"`
	Stats         batchStats      `json:"stats"`
	Duration      *string         `json:"duration"`
	StartedAt     time.Time       `json:"startedAt"`
	FinishedAt    *time.Time      `json:"finishedAt"`
	BatchStrategy string          `json:"batchStrategy"`
}

type batchStats struct {
	TotalNbTasks int            `json:"totalNbTasks"`
	Status       map[string]int `json:"status"`
	Types        map[string]int `json:"types"`
	IndexUIDs    map[string]int `json:"indexUids"`
}

func viewBatch(t store.Task) batchView {
	v := viewTask(t)
	b := batchView{UID: t.UID, Details: t.Details, Duration: v.Duration, StartedAt: t.StartedAt, FinishedAt: v.FinishedAt,
		BatchStrategy: "miroir batches each task on its own",
		Stats: batchStats{TotalNbTasks: 1, Status: map[string]int{string(t.Status): 1}, Types: map[string]int{t.Type: 1},
			IndexUIDs: map[string]int{}}}
	if t.IndexUID != "" {
		b.Stats.IndexUIDs[t.IndexUID] = 1
	}
	if b.Details == nil {
		b.Details = json.RawMessage(`{}`)
	}
	return b
}

// listBatches serves GET /batches from the tasks that started.
func (p *Proxy) listBatches(c echo.Context) error {
	q := c.QueryParams()
	if b := q.Get("batchUids"); b != "" && q.Get("uids") == "" {
		q.Set("uids", b)
	}
	f, err := parseTaskFilter(q)
	if err != nil {
		return err
	}
	pg, err := parseTaskPage(q)
	if err != nil {
		return err
	}
	if err := p.readBarrier(c.Request().Context()); err != nil {
		return err
	}
	var list store.TaskList
	p.state.Read(func(s *store.State) { list = s.ListTasks(f, pg) })
	out := struct {
		Results []batchView `json:"results"`
		Total   int         `json:"total"`
		Limit   int         `json:"limit"`
		From    *uint64     `json:"from"`
		Next    *uint64     `json:"next"`
	}{Results: []batchView{}, Total: list.Total, Limit: list.Limit, From: list.From, Next: list.Next}
	for _, t := range list.Results {
		if !t.StartedAt.IsZero() {
			out.Results = append(out.Results, viewBatch(t))
		}
	}
	return c.JSON(http.StatusOK, out)
}

func (p *Proxy) getBatch(c echo.Context) error {
	uid, err := strconv.ParseUint(c.Param("uid"), 10, 64)
	if err != nil {
		return meili.Errorf(meili.Code("invalid_batch_uids"), "Invalid value in parameter `batchUid`: could not parse `%s` as a positive integer", c.Param("uid"))
	}
	if err := p.readBarrier(c.Request().Context()); err != nil {
		return err
	}
	var t store.Task
	var ok bool
	p.state.Read(func(s *store.State) { t, ok = s.Task(uid) })
	if !ok || t.StartedAt.IsZero() {
		return meili.Errorf(meili.CodeBatchNotFound, "Batch `%d` not found.", uid)
	}
	return c.JSON(http.StatusOK, viewBatch(t))
}
