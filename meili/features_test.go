package meili

import (
	"errors"
	"strings"
	"testing"
)

func TestPatchFeaturesChangesOnlyGivenFlags(t *testing.T) {
	f, err := PatchFeatures(ExperimentalFeatures{Metrics: true}, []byte(`{"containsFilter":true,"network":null}`))
	if err != nil || !f.Metrics || !f.ContainsFilter || f.Network {
		t.Fatalf("%+v %v", f, err)
	}
	want := `{"metrics":true,"logsRoute":false,"editDocumentsByFunction":false,"containsFilter":true,"dynamicSearchRules":false,"network":false,"getTaskDocumentsRoute":false,"taskQueueCompactionRoute":false,"compositeEmbedders":false,"chatCompletions":false,"multimodal":false,"foreignKeys":false,"disableDocumentsFetchQueue":false,"legacySearch":false,"renderRoute":false}`
	if got := mustJSON(t, f); got != want {
		t.Fatalf("got %s", got)
	}
	_, err = PatchFeatures(f, []byte(`{"doggo":true}`))
	var me *Error
	if !errors.As(err, &me) || me.Code != CodeBadRequest || !strings.HasPrefix(me.Message, "Unknown field `doggo`: expected one of `metrics`, `logsRoute`") {
		t.Fatalf("unknown field: %v", err)
	}
	_, err = PatchFeatures(f, []byte(`{"metrics":"yes"}`))
	if !errors.As(err, &me) || me.Message != "Invalid value type at `.metrics`: expected a boolean, but found a string: `\"yes\"`" {
		t.Fatalf("bad type: %v", err)
	}
}

func TestFeatureNotEnabledMatchesMeilisearch(t *testing.T) {
	e := FeatureNotEnabled("Using `CONTAINS` in a filter", FeatureContainsFilter)
	if e.Code != CodeFeatureNotEnabled || e.Message != "Using `CONTAINS` in a filter requires enabling the `contains filter` experimental feature. See https://github.com/orgs/meilisearch/discussions/763" {
		t.Fatalf("%+v", e)
	}
	f, _ := ParseFilter("a STARTS WITH x OR (b = 1 AND c CONTAINS y)")
	if at, ok := f.UsesContains(); !ok || at.Start != 30 {
		t.Fatalf("UsesContains = %+v %v", at, ok)
	}
	f, _ = ParseFilter("a STARTS WITH x")
	if _, ok := f.UsesContains(); ok {
		t.Fatal("STARTS WITH is not CONTAINS")
	}
}

func TestSettingsForDisplayHidesFeatureGatedFields(t *testing.T) {
	s := DefaultSettings().ForDisplay(ExperimentalFeatures{})
	got := mustJSON(t, s)
	if strings.Contains(got, `"chat"`) || strings.Contains(got, `"foreignKeys"`) {
		t.Fatalf("hidden fields shown: %s", got)
	}
	var m map[string]any
	if err := jsonUnmarshalString(got, &m); err != nil || len(m) != 20 {
		t.Fatalf("%d keys (Meilisearch shows 20): %v", len(m), err)
	}
	s = DefaultSettings().ForDisplay(ExperimentalFeatures{ChatCompletions: true, ForeignKeys: true})
	if got := mustJSON(t, s); !strings.Contains(got, `"chat":{`) || !strings.Contains(got, `"foreignKeys":[]`) {
		t.Fatalf("gated fields missing: %s", got)
	}
}
