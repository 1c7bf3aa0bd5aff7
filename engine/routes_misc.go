package engine

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/meili"
	bolt "go.etcd.io/bbolt"
)

// indexStatsView is the JSON of GET /indexes/{uid}/stats.
type indexStatsView struct {
	NumberOfDocuments         int            `json:"numberOfDocuments"`
	RawDocumentDBSize         int64          `json:"rawDocumentDbSize"`
	AvgDocumentSize           int64          `json:"avgDocumentSize"`
	IsIndexing                bool           `json:"isIndexing"`
	NumberOfEmbeddings        int            `json:"numberOfEmbeddings"`
	NumberOfEmbeddedDocuments int            `json:"numberOfEmbeddedDocuments"`
	FieldDistribution         map[string]int `json:"fieldDistribution"`
}

func (s *Server) statsOf(uid string) (indexStatsView, error) {
	idx, _, err := s.idx.mustGet(uid)
	if err != nil {
		return indexStatsView{}, err
	}
	st := idx.Stats()
	v := indexStatsView{
		NumberOfDocuments: st.NumberOfDocuments,
		RawDocumentDBSize: st.RawDocumentDBSize,
		FieldDistribution: st.FieldDistribution,
		IsIndexing:        s.isIndexing(uid),
	}
	if v.FieldDistribution == nil {
		v.FieldDistribution = map[string]int{}
	}
	if v.NumberOfDocuments > 0 {
		v.AvgDocumentSize = v.RawDocumentDBSize / int64(v.NumberOfDocuments)
	}
	return v, nil
}

// isIndexing reports whether uid has a task being processed.
func (s *Server) isIndexing(uid string) bool {
	return s.q.indexing(uid)
}

func (s *Server) indexStats(c echo.Context) error {
	v, err := s.statsOf(c.Param("uid"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, v)
}

func (s *Server) globalStats(c echo.Context) error {
	g := grantOf(c)
	out := struct {
		DatabaseSize     int64                     `json:"databaseSize"`
		UsedDatabaseSize int64                     `json:"usedDatabaseSize"`
		LastUpdate       *time.Time                `json:"lastUpdate"`
		Indexes          map[string]indexStatsView `json:"indexes"`
	}{Indexes: map[string]indexStatsView{}}
	out.DatabaseSize = dirSize(s.cfg.DataDir)
	out.UsedDatabaseSize = out.DatabaseSize
	for _, m := range s.idx.list() {
		if !g.allowsIndex(m.UID) {
			continue
		}
		if v, err := s.statsOf(m.UID); err == nil {
			out.Indexes[m.UID] = v
		}
		if out.LastUpdate == nil || m.UpdatedAt.After(*out.LastUpdate) {
			u := m.UpdatedAt
			out.LastUpdate = &u
		}
	}
	return c.JSON(http.StatusOK, out)
}

func dirSize(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// experimentalFlags are Meilisearch's runtime-togglable features. The engine
// stores them so SDKs can toggle them, but the features behind them answer
// not_implemented (see docs/engine.md), except containsFilter, which the
// filter evaluator supports.
var experimentalFlags = []string{
	"metrics", "logsRoute", "editDocumentsByFunction", "containsFilter", "network",
	"getTaskDocumentsRoute", "compositeEmbedders", "chatCompletions", "multimodal",
	"vectorStoreSetting", "foreignKeys", "dynamicSearchRules", "taskQueueCompactionRoute",
	"disableDocumentsFetchQueue", "legacySearch", "renderRoute", "tasksStreamingRoute",
}

func (s *Server) features() map[string]bool {
	f := map[string]bool{}
	for _, k := range experimentalFlags {
		f[k] = false
	}
	_ = s.st.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketMeta).Get(metaFeatures); b != nil {
			_ = json.Unmarshal(b, &f)
		}
		return nil
	})
	return f
}

func (s *Server) getFeatures(c echo.Context) error {
	return c.JSON(http.StatusOK, orderedFlags(s.features()))
}

func (s *Server) patchFeatures(c echo.Context) error {
	var patch map[string]*bool
	if err := decodeJSON(c, &patch, true); err != nil {
		return err
	}
	f := s.features()
	for k, v := range patch {
		if _, ok := f[k]; !ok {
			return reqErr(meili.CodeBadRequest, "Unknown field `%s`: expected one of `%s`", k, joinTicks(experimentalFlags))
		}
		if v != nil {
			f[k] = *v
		}
	}
	err := s.st.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bucketMeta, metaFeatures, f) })
	if err != nil {
		return internalErr(err)
	}
	return c.JSON(http.StatusOK, orderedFlags(f))
}

func orderedFlags(f map[string]bool) json.RawMessage {
	kv := make([]any, 0, 2*len(experimentalFlags))
	for _, k := range experimentalFlags {
		kv = append(kv, k, f[k])
	}
	return details(kv...)
}

func joinTicks(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += "`, `"
		}
		out += s
	}
	return out
}

// getNetwork answers GET /network for a standalone node: no self, no
// leader, no remotes. Configuring a network (PATCH) is Meilisearch's
// sharding, which the engine does not do (miroir is the network).
func (s *Server) getNetwork(c echo.Context) error {
	if !s.features()["network"] {
		return meili.Errorf(meili.CodeFeatureNotEnabled, "Using the /network route requires enabling the `network` experimental feature. See https://github.com/orgs/meilisearch/discussions/805")
	}
	return c.JSON(http.StatusOK, map[string]any{"self": nil, "leader": nil, "remotes": map[string]any{}, "version": s.networkVersion})
}
