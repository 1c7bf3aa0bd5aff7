package meili

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"
	"time"
)

func FuzzDecodeSettings(f *testing.F) {
	for _, s := range []string{`{"rankingRules":["words"]}`, `{"typoTolerance":{"minWordSizeForTypos":{"oneTypo":1}}}`,
		`{"filterableAttributes":["a",{"attributePatterns":["b"]}]}`, `{"pagination":null}`, `[]`, `{"x":1}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		patch, err := DecodeSettings([]byte(body))
		if err != nil {
			var me *Error
			if !errors.As(err, &me) || me.Status != 400 {
				t.Fatalf("error %v is not a 400 *Error", err)
			}
			return
		}
		merged := DefaultSettings().Merge(patch)
		enc, err := json.Marshal(merged)
		if err != nil {
			t.Fatalf("merged settings do not marshal: %v", err)
		}
		if _, err := DecodeSettings(enc); err != nil {
			t.Fatalf("merged settings %s do not decode: %v", enc, err)
		}
	})
}

func FuzzParseTaskQuery(f *testing.F) {
	f.Add("uids=1,2&statuses=*&afterEnqueuedAt=2026-01-01&limit=3")
	f.Add("indexUids=a,b&types=indexCreation&reverse=true")
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		for _, kind := range []TaskQueryKind{TaskQueryList, TaskQueryCancel, TaskQueryDelete} {
			q, err := ParseTaskQuery(v, kind)
			if err != nil {
				var me *Error
				if !errors.As(err, &me) || me.Status != 400 {
					t.Fatalf("error %v is not a 400 *Error", err)
				}
				continue
			}
			q.Matches(&Task{EnqueuedAt: time.Unix(0, 0)})
		}
	})
}

func FuzzValidateTenantToken(f *testing.F) {
	f.Add("eyJhbGciOiJIUzI1NiJ9.eyJhcGlLZXlVaWQiOiI3NmNmOGI4Ny1mZDEyLTQ2ODgtYWQzNC0yNjBkOTMwY2E0ZjQiLCJzZWFyY2hSdWxlcyI6WyIqIl19.x")
	key := parentKey([]Action{ActionSearch}, []string{"*"})
	f.Fuzz(func(t *testing.T, token string) {
		tc, err := ValidateTenantToken(token, lookupOf(key), testNow)
		if err == nil {
			tc.FilterFor("movies")
		}
	})
}
