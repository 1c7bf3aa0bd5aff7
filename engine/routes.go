package engine

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/miroir-search/miroir/meili"
)

// Key actions, as Meilisearch names them. Every route names the one action a
// key must grant.
const (
	actSearch         = "search"
	actDocumentsAdd   = "documents.add"
	actDocumentsGet   = "documents.get"
	actDocumentsDel   = "documents.delete"
	actIndexesCreate  = "indexes.create"
	actIndexesGet     = "indexes.get"
	actIndexesUpdate  = "indexes.update"
	actIndexesDelete  = "indexes.delete"
	actIndexesSwap    = "indexes.swap"
	actIndexesCompact = "indexes.compact"
	actTasksGet       = "tasks.get"
	actTasksCancel    = "tasks.cancel"
	actTasksDelete    = "tasks.delete"
	actSettingsGet    = "settings.get"
	actSettingsUpdate = "settings.update"
	actStatsGet       = "stats.get"
	actDumpsCreate    = "dumps.create"
	actSnapshots      = "snapshots.create"
	actVersion        = "version"
	actKeysGet        = "keys.get"
	actKeysCreate     = "keys.create"
	actKeysUpdate     = "keys.update"
	actKeysDelete     = "keys.delete"
	actExperimentalG  = "experimental.get"
	actExperimentalU  = "experimental.update"
	actMetricsGet     = "metrics.get"
	actNetworkGet     = "network.get"
	actNetworkUpdate  = "network.update"
	actExport         = "export"
	actPublic         = "" // no key needed
)

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorHandler
	e.Use(s.logRequests)
	e.Use(middleware.Recover())
	e.Use(meili.CompressResponse)
	// Meilisearch answers any origin, so browser dashboards work.
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{AllowOrigins: []string{"*"}, MaxAge: 86400}))
	e.Use(s.bodyLimit)
	e.Use(decompress)
	s.routeCore(e)
	s.routeDocuments(e)
	s.routeSearch(e)
	s.routeSettings(e)
	s.routeTasks(e)
	s.routeKeys(e)
	s.routeWebhooks(e)
	s.routeUnsupported(e)
	notFound := func(echo.Context) error { return withStatus(http.StatusNotFound, "not_found", "Not found.") }
	e.RouteNotFound("/*", notFound)
	return e
}

// handle registers h behind the auth check for action.
func (s *Server) handle(e *echo.Echo, method, path, action string, h echo.HandlerFunc) {
	e.Add(method, path, h, s.authorize(action))
}

func (s *Server) routeCore(e *echo.Echo) {
	s.handle(e, http.MethodGet, "/health", actPublic, s.health)
	s.handle(e, http.MethodGet, "/version", actVersion, s.version)
	s.handle(e, http.MethodGet, "/stats", actStatsGet, s.globalStats)
	s.handle(e, http.MethodGet, "/indexes", actIndexesGet, s.listIndexes)
	s.handle(e, http.MethodPost, "/indexes", actIndexesCreate, s.createIndex)
	s.handle(e, http.MethodGet, "/indexes/:uid", actIndexesGet, s.getIndex)
	s.handle(e, http.MethodPatch, "/indexes/:uid", actIndexesUpdate, s.updateIndex)
	s.handle(e, http.MethodDelete, "/indexes/:uid", actIndexesDelete, s.deleteIndex)
	s.handle(e, http.MethodGet, "/indexes/:uid/stats", actStatsGet, s.indexStats)
	s.handle(e, http.MethodPost, "/indexes/:uid/compact", actIndexesCompact, s.compactIndex)
	s.handle(e, http.MethodPost, "/swap-indexes", actIndexesSwap, s.swapIndexes)
	s.handle(e, http.MethodGet, "/experimental-features", actExperimentalG, s.getFeatures)
	s.handle(e, http.MethodPatch, "/experimental-features", actExperimentalU, s.patchFeatures)
	s.handle(e, http.MethodPost, "/dumps", actDumpsCreate, s.createDump)
	s.handle(e, http.MethodPost, "/snapshots", actSnapshots, s.createSnapshot)
}

func (s *Server) routeTasks(e *echo.Echo) {
	s.handle(e, http.MethodGet, "/tasks", actTasksGet, s.listTasks)
	s.handle(e, http.MethodGet, "/tasks/:taskUid", actTasksGet, s.getTask)
	s.handle(e, http.MethodPost, "/tasks/cancel", actTasksCancel, s.cancelTasks)
	s.handle(e, http.MethodDelete, "/tasks", actTasksDelete, s.deleteTasks)
	s.handle(e, http.MethodGet, "/batches", actTasksGet, s.listBatches)
	s.handle(e, http.MethodGet, "/batches/:batchUid", actTasksGet, s.getBatch)
	s.handle(e, http.MethodGet, "/tasks/:taskUid/documents", actTasksGet, s.getTaskDocuments)
	s.handle(e, http.MethodPost, "/export", actExport, s.export)
	s.handle(e, http.MethodGet, "/network", actNetworkGet, s.getNetwork)
}

func (s *Server) routeKeys(e *echo.Echo) {
	s.handle(e, http.MethodGet, "/keys", actKeysGet, s.listKeys)
	s.handle(e, http.MethodPost, "/keys", actKeysCreate, s.createKey)
	s.handle(e, http.MethodGet, "/keys/:key", actKeysGet, s.getKey)
	s.handle(e, http.MethodPatch, "/keys/:key", actKeysUpdate, s.updateKey)
	s.handle(e, http.MethodDelete, "/keys/:key", actKeysDelete, s.deleteKey)
}

// routeUnsupported answers the features the engine does not implement with
// a clear error instead of a 404 that SDKs would misreport.
func (s *Server) routeUnsupported(e *echo.Echo) {
	unsupported := func(what string) echo.HandlerFunc {
		return func(echo.Context) error { return notImplemented(what) }
	}
	for _, r := range []struct{ method, path, action, what string }{
		{http.MethodPost, "/indexes/:uid/documents/edit", actDocumentsAdd, "Editing documents by function"},
		{http.MethodGet, "/indexes/:uid/similar", actSearch, "Similar-documents search (vector search)"},
		{http.MethodPost, "/indexes/:uid/similar", actSearch, "Similar-documents search (vector search)"},
		{http.MethodPost, "/indexes/:uid/fields", actIndexesGet, "The fields route"},
		{http.MethodPatch, "/network", actNetworkUpdate, "The network (remote sharding) API"},
		{http.MethodGet, "/metrics", actMetricsGet, "The Prometheus metrics route"},
		{http.MethodPost, "/tasks/compact", "tasks.compact", "Task queue compaction"},
		{http.MethodPost, "/render-template", actSearch, "Template rendering"},
	} {
		s.handle(e, r.method, r.path, r.action, unsupported(r.what))
	}
	for _, prefix := range []string{"/chats", "/dynamic-search-rules", "/logs"} {
		what := "The " + prefix[1:] + " API"
		e.Any(prefix, s.authorize(actPublic)(unsupported(what)))
		e.Any(prefix+"/*", s.authorize(actPublic)(unsupported(what)))
	}
}
