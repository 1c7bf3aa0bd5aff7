package workload

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// docState is what a client knows of one of its documents.
type docState struct {
	version int64
	retired bool // an unknown outcome touched it: never written again
}

type client struct {
	id   int
	w    *Workload
	rng  *rand.Rand
	docs map[string]map[string]*docState // index -> id -> state
	ids  map[string][]string             // index -> ids in creation order
	next int

	lastPeer string        // peer of the last request (see pick)
	mix      Mix           // this client's operation weights
	interval time.Duration // pause between this client's operations
}

func (w *Workload) newClient(id int) *client {
	return &client{
		id: id, w: w,
		rng: rand.New(rand.NewPCG(w.cfg.Seed, uint64(id))),
		mix: w.cfg.Mix, interval: w.cfg.Interval,
		docs: map[string]map[string]*docState{},
		ids:  map[string][]string{},
	}
}

// loop runs operations until ctx ends. An operation in flight then runs to
// its end (bounded by the request and task timeouts), so the end of a run
// does not turn finished writes into unknown ones.
func (c *client) loop(ctx context.Context) {
	for ctx.Err() == nil {
		c.step(context.WithoutCancel(ctx))
		if c.interval > 0 {
			t := time.NewTimer(c.interval)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
	}
}

// step runs one operation chosen by the mix.
func (c *client) step(ctx context.Context) {
	m := c.mix
	ops := []struct {
		weight int
		run    func(context.Context)
	}{
		{m.Upsert, c.upsert}, {m.Update, c.update}, {m.Delete, c.deleteDocs},
		{m.Get, c.get}, {m.Search, c.search},
		{m.CreateIndex, func(ctx context.Context) { c.createIndex(ctx, c.metaIndex()) }},
		{m.DeleteIndex, func(ctx context.Context) { c.dropIndex(ctx, c.metaIndex()) }},
		{m.SetSettings, c.setSynonyms}, {m.ReadSettings, c.readSynonyms},
		{m.CreateKey, c.createKey}, {m.ReadKey, c.readKey},
		{m.RegisterNode, c.registerNode}, {m.ReadNode, c.readNode},
	}
	total := 0
	for _, o := range ops {
		total += o.weight
	}
	if total == 0 {
		return
	}
	n := c.rng.IntN(total)
	for _, o := range ops {
		if n < o.weight {
			o.run(ctx)
			return
		}
		n -= o.weight
	}
}

func (c *client) docIndex() string {
	idx := c.w.DocIndexes()
	return idx[c.rng.IntN(len(idx))]
}

// readIndex is a doc index, or now and then the doomed one.
func (c *client) readIndex() string {
	if d := c.w.DoomedIndex(); d != "" && c.rng.IntN(4) == 0 {
		return d
	}
	return c.docIndex()
}

func (c *client) metaIndex() string {
	idx := c.w.MetaIndexes()
	if len(idx) == 0 {
		return c.w.cfg.Name + "-meta0"
	}
	return idx[c.rng.IntN(len(idx))]
}

// newID allocates a document id owned by this client.
func (c *client) newID(index string) string {
	c.next++
	id := fmt.Sprintf("c%d-%d", c.id, c.next)
	if c.docs[index] == nil {
		c.docs[index] = map[string]*docState{}
	}
	c.docs[index][id] = &docState{}
	c.ids[index] = append(c.ids[index], id)
	return id
}

// liveIDs returns up to n distinct writable ids of index.
func (c *client) liveIDs(index string, n int) []string {
	var out []string
	ids := c.ids[index]
	for tries := 0; tries < 4*n && len(ids) > 0 && len(out) < n; tries++ {
		id := ids[c.rng.IntN(len(ids))]
		if !c.docs[index][id].retired && !contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// anyID returns a random id this client ever wrote in index, or a fresh
// one that was never written.
func (c *client) anyID(index string) string {
	ids := c.ids[index]
	if len(ids) == 0 {
		return fmt.Sprintf("c%d-never", c.id)
	}
	return ids[c.rng.IntN(len(ids))]
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

var vocabulary = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}

func (c *client) word() string { return vocabulary[c.rng.IntN(len(vocabulary))] }
