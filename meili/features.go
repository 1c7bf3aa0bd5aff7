package meili

import (
	"encoding/json"
	"slices"
)

// ExperimentalFeatures is the body of GET/PATCH /experimental-features.
type ExperimentalFeatures struct {
	Metrics                    bool `json:"metrics"`
	LogsRoute                  bool `json:"logsRoute"`
	EditDocumentsByFunction    bool `json:"editDocumentsByFunction"`
	ContainsFilter             bool `json:"containsFilter"`
	DynamicSearchRules         bool `json:"dynamicSearchRules"`
	Network                    bool `json:"network"`
	GetTaskDocumentsRoute      bool `json:"getTaskDocumentsRoute"`
	TaskQueueCompactionRoute   bool `json:"taskQueueCompactionRoute"`
	CompositeEmbedders         bool `json:"compositeEmbedders"`
	ChatCompletions            bool `json:"chatCompletions"`
	Multimodal                 bool `json:"multimodal"`
	ForeignKeys                bool `json:"foreignKeys"`
	DisableDocumentsFetchQueue bool `json:"disableDocumentsFetchQueue"`
	LegacySearch               bool `json:"legacySearch"`
	RenderRoute                bool `json:"renderRoute"`
}

var experimentalFeatureNames = []string{"metrics", "logsRoute", "editDocumentsByFunction", "containsFilter",
	"dynamicSearchRules", "network", "getTaskDocumentsRoute", "taskQueueCompactionRoute", "compositeEmbedders",
	"chatCompletions", "multimodal", "foreignKeys", "disableDocumentsFetchQueue", "legacySearch", "renderRoute"}

// PatchFeatures applies a PATCH /experimental-features body to cur: the
// flags present (true/false) change, absent or null ones stay. Unknown
// fields and non-booleans are bad_request, as in Meilisearch.
func PatchFeatures(cur ExperimentalFeatures, body []byte) (ExperimentalFeatures, error) {
	v, err := decodeJSONBody(body)
	if err != nil {
		return cur, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return cur, Errorf(CodeBadRequest, "%s", typeMismatch("", "an object", v))
	}
	for _, k := range sortedKeys(m) {
		if !slices.Contains(experimentalFeatureNames, k) {
			return cur, Errorf(CodeBadRequest, "%s", unknownMember("", k, experimentalFeatureNames))
		}
		if m[k] != nil {
			if msg := checkBool("."+k, m[k]); msg != "" {
				return cur, Errorf(CodeBadRequest, "%s", msg)
			}
		}
	}
	merged := map[string]any{}
	enc, _ := json.Marshal(cur)
	_ = json.Unmarshal(enc, &merged)
	for k, val := range m {
		if val != nil {
			merged[k] = val
		}
	}
	enc, _ = json.Marshal(merged)
	var out ExperimentalFeatures
	if err := json.Unmarshal(enc, &out); err != nil {
		return cur, Errorf(CodeBadRequest, "%v", err)
	}
	return out, nil
}

// Experimental features as Meilisearch names them in feature_not_enabled
// errors.
const (
	FeatureContainsFilter          = "contains filter"
	FeatureChatCompletions         = "chat completions"
	FeatureForeignKeys             = "foreign_keys"
	FeatureEditDocumentsByFunction = "edit documents by function"
	FeatureNetwork                 = "network"
	FeatureMetrics                 = "metrics"
	FeatureLogsRoute               = "logs route"
	FeatureCompositeEmbedders      = "composite embedders"
	FeatureDynamicSearchRules      = "dynamic search rules"
	FeatureGetTaskDocumentsRoute   = "get task documents route"
	FeatureTaskQueueCompaction     = "task queue compaction route"
)

func featureLink(feature string) string {
	switch feature {
	case FeatureContainsFilter:
		return "https://github.com/orgs/meilisearch/discussions/763"
	case FeatureChatCompletions:
		return "https://github.com/orgs/meilisearch/discussions/835"
	case FeatureForeignKeys:
		return "https://github.com/orgs/meilisearch/discussions/873"
	case FeatureEditDocumentsByFunction:
		return "https://github.com/orgs/meilisearch/discussions/762"
	case FeatureNetwork:
		return "https://github.com/orgs/meilisearch/discussions/805"
	case FeatureMetrics:
		return "https://github.com/meilisearch/product/discussions/625"
	case FeatureLogsRoute:
		return "https://github.com/orgs/meilisearch/discussions/721"
	case FeatureCompositeEmbedders:
		return "https://github.com/orgs/meilisearch/discussions/816"
	case FeatureDynamicSearchRules:
		return "https://github.com/orgs/meilisearch/discussions/884"
	case FeatureGetTaskDocumentsRoute:
		return "https://github.com/orgs/meilisearch/discussions/808"
	case FeatureTaskQueueCompaction:
		return "https://github.com/orgs/meilisearch/discussions/883"
	}
	return "https://github.com/orgs/meilisearch/discussions"
}

// FeatureNotEnabled is Meilisearch's feature_not_enabled error, e.g.
// FeatureNotEnabled("Using `CONTAINS` in a filter", FeatureContainsFilter).
func FeatureNotEnabled(disabledAction, feature string) *Error {
	return Errorf(CodeFeatureNotEnabled, "%s requires enabling the `%s` experimental feature. See %s",
		disabledAction, feature, featureLink(feature))
}

// UsesContains reports the first CONTAINS condition (not STARTS WITH), so
// callers can require the containsFilter feature as Meilisearch does.
func (f *Filter) UsesContains() (Pos, bool) {
	var at Pos
	found := false
	f.Walk(func(n Node) bool {
		if c, ok := n.(*Condition); ok && c.Op == OpContains && !found {
			at, found = c.Field.At, true
		}
		return !found
	})
	return at, found
}

// ForDisplay hides the settings Meilisearch shows only with their
// experimental feature on: chat (chatCompletions) and foreignKeys (shown
// as [] when unset and the feature is on).
func (s Settings) ForDisplay(f ExperimentalFeatures) Settings {
	if !f.ChatCompletions {
		s.Chat = Opt[ChatSettings]{}
	}
	switch {
	case !f.ForeignKeys:
		s.ForeignKeys = Opt[[]ForeignKey]{}
	case !s.ForeignKeys.Set || s.ForeignKeys.Reset:
		s.ForeignKeys = Some([]ForeignKey{})
	}
	return s
}
