package engine

import (
	"errors"
	"net/url"
	"testing"

	"github.com/miroir-search/miroir/meili"
)

// FuzzParseTaskFilter checks that no query string makes the task filter
// parser panic and that every refusal is a Meilisearch error.
func FuzzParseTaskFilter(f *testing.F) {
	for _, seed := range []string{
		"uids=1,2&statuses=succeeded", "types=*&limit=3&from=9&reverse=true", "afterEnqueuedAt=2024-01-01",
		"beforeFinishedAt=2024-01-01T00:00:00Z&canceledBy=4", "indexUids=a,b&batchUids=x", "limit=-1", "nope=1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, listing := range []bool{true, false} {
			flt, err := parseTaskFilter(v, listing)
			if err != nil {
				var me *meili.Error
				if !errors.As(err, &me) {
					t.Fatalf("non-Meilisearch error %T %v", err, err)
				}
				continue
			}
			_ = flt.match(&task{Status: statusEnqueued, Type: kindIndexCreation})
		}
	})
}
