package main

import (
	"context"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// loadResult is one closed-loop load run.
type loadResult struct {
	lat     []time.Duration   // every successful request, sorted
	byItem  [][]time.Duration // per item index, unsorted
	errs    int
	firstEr error
	elapsed time.Duration
}

func (r loadResult) rps() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(len(r.lat)) / r.elapsed.Seconds()
}

// drive runs conc workers in a closed loop for d, and at least until every
// item was sent once; item i of items is sent by request number modulo
// items, so every item is covered evenly. Requests in flight at the end
// complete and count.
func drive(ctx context.Context, conc, items int, d time.Duration, do func(ctx context.Context, item int) error) loadResult {
	var next atomic.Int64
	var mu sync.Mutex
	res := loadResult{byItem: make([][]time.Duration, items)}
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([][]time.Duration, items)
			errs := 0
			var firstErr error
			for ctx.Err() == nil {
				n := next.Add(1) - 1
				if n >= int64(items) && time.Now().After(deadline) {
					break
				}
				item := int(n % int64(items))
				t0 := time.Now()
				if err := do(ctx, item); err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				mine[item] = append(mine[item], time.Since(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			for i, l := range mine {
				res.byItem[i] = append(res.byItem[i], l...)
				res.lat = append(res.lat, l...)
			}
			res.errs += errs
			if res.firstEr == nil {
				res.firstEr = firstErr
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.lat)
	return res
}

// pct is the p-th percentile (nearest rank) of sorted durations.
func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func sortedCopy(d []time.Duration) []time.Duration {
	c := slices.Clone(d)
	slices.Sort(c)
	return c
}

// median of float figures from repeated runs.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	c := slices.Clone(v)
	sort.Float64s(c)
	if len(c)%2 == 1 {
		return c[len(c)/2]
	}
	return (c[len(c)/2-1] + c[len(c)/2]) / 2
}

// ms converts a duration to float milliseconds for reports.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// driveCount runs total requests over conc workers; do gets the request
// number.
func driveCount(ctx context.Context, conc, total int, do func(ctx context.Context, i int) error) loadResult {
	var next atomic.Int64
	var mu sync.Mutex
	var res loadResult
	start := time.Now()
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			var errs int
			var firstErr error
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= total {
					break
				}
				t0 := time.Now()
				if err := do(ctx, i); err != nil {
					errs++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			defer mu.Unlock()
			res.lat = append(res.lat, mine...)
			res.errs += errs
			if res.firstEr == nil {
				res.firstEr = firstErr
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	slices.Sort(res.lat)
	return res
}
