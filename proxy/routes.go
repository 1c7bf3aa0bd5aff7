package proxy

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/miroir-search/miroir/meili"
)

// Register mounts every Meilisearch route on g. Handlers return
// *meili.Error values; the group's echo error handler renders them.
func (p *Proxy) Register(g *echo.Group) {
	g.GET("/health", p.health)
	// Document payloads kept by this peer for GET /tasks/{uid}/documents.
	kept := newTaskDocsCache(p)
	r := func(method, path, action string, h echo.HandlerFunc) {
		g.Add(method, path, p.guard(action, h))
	}
	r(http.MethodGet, "/version", "version", p.version)
	r(http.MethodGet, "/stats", "stats.get", p.globalStats)

	r(http.MethodGet, "/indexes", "indexes.get", p.listIndexes)
	r(http.MethodPost, "/indexes", "indexes.create", p.createIndex)
	r(http.MethodGet, "/indexes/:uid", "indexes.get", p.getIndex)
	r(http.MethodPatch, "/indexes/:uid", "indexes.update", p.updateIndex)
	r(http.MethodDelete, "/indexes/:uid", "indexes.delete", p.deleteIndex)
	r(http.MethodGet, "/indexes/:uid/stats", "stats.get", p.indexStats)
	r(http.MethodPost, "/swap-indexes", "indexes.swap", p.swapIndexes)
	r(http.MethodPost, "/indexes/:uid/compact", "indexes.compact", p.instantTask("indexCompaction", true, nil))
	r(http.MethodPost, "/dumps", "dumps.create", p.nodeExport("dumpCreation", "/dumps"))
	r(http.MethodPost, "/snapshots", "snapshots.create", p.nodeExport("snapshotCreation", "/snapshots"))
	r(http.MethodPost, "/export", "export", p.export)

	r(http.MethodPost, "/indexes/:uid/documents", "documents.add", kept.keep(p.addDocuments))
	r(http.MethodPut, "/indexes/:uid/documents", "documents.add", kept.keep(p.addDocuments))
	r(http.MethodGet, "/indexes/:uid/documents", "documents.get", p.browseDocuments)
	r(http.MethodPost, "/indexes/:uid/documents/fetch", "documents.get", p.browseDocuments)
	r(http.MethodGet, "/indexes/:uid/documents/:id", "documents.get", p.getDocument)
	r(http.MethodDelete, "/indexes/:uid/documents/:id", "documents.delete", p.deleteDocument)
	r(http.MethodPost, "/indexes/:uid/documents/delete-batch", "documents.delete", p.deleteDocumentBatch)
	r(http.MethodPost, "/indexes/:uid/documents/delete", "documents.delete", p.deleteDocumentsByFilter)
	r(http.MethodDelete, "/indexes/:uid/documents", "documents.delete", p.clearDocuments)

	r(http.MethodGet, "/indexes/:uid/search", "search", p.searchIndex)
	r(http.MethodPost, "/indexes/:uid/search", "search", p.searchIndex)
	r(http.MethodPost, "/indexes/:uid/facet-search", "search", p.facetSearch)
	r(http.MethodPost, "/multi-search", "search", p.multiSearch)

	r(http.MethodGet, "/indexes/:uid/settings", "settings.get", p.getSettings)
	r(http.MethodPatch, "/indexes/:uid/settings", "settings.update", p.updateSettings)
	r(http.MethodDelete, "/indexes/:uid/settings", "settings.update", p.updateSettings)
	r(http.MethodGet, "/indexes/:uid/settings/:name", "settings.get", p.getSettings)
	r(http.MethodPut, "/indexes/:uid/settings/:name", "settings.update", p.updateSettings)
	r(http.MethodPatch, "/indexes/:uid/settings/:name", "settings.update", p.updateSettings)
	r(http.MethodDelete, "/indexes/:uid/settings/:name", "settings.update", p.updateSettings)

	r(http.MethodGet, "/tasks", "tasks.get", p.listTasks)
	r(http.MethodGet, "/tasks/:uid", "tasks.get", p.getTask)
	r(http.MethodGet, "/tasks/:uid/documents", "tasks.get", p.taskDocuments(kept))
	r(http.MethodPost, "/tasks/cancel", "tasks.cancel", p.cancelTasks)
	r(http.MethodDelete, "/tasks", "tasks.delete", p.deleteTasks)
	r(http.MethodGet, "/batches", "tasks.get", p.listBatches)
	r(http.MethodGet, "/batches/:uid", "tasks.get", p.getBatch)
	r(http.MethodGet, "/experimental-features", "experimental.get", p.getFeatures)
	r(http.MethodPatch, "/experimental-features", "experimental.update", kept.featuresChanged(p.patchFeatures))
	r(http.MethodGet, "/network", "network.get", p.getNetwork)
	r(http.MethodPatch, "/network", "network.update", p.patchNetwork)

	r(http.MethodGet, "/keys", "keys.get", p.listKeys)
	r(http.MethodPost, "/keys", "keys.create", p.createKey)
	r(http.MethodGet, "/keys/:key", "keys.get", p.getKey)
	r(http.MethodPatch, "/keys/:key", "keys.update", p.updateKey)
	r(http.MethodDelete, "/keys/:key", "keys.delete", p.deleteKey)

	r(http.MethodGet, "/webhooks", "webhooks.get", p.listWebhooks)
	r(http.MethodPost, "/webhooks", "webhooks.create", p.createWebhook)
	r(http.MethodGet, "/webhooks/:uuid", "webhooks.get", p.getWebhook)
	r(http.MethodPatch, "/webhooks/:uuid", "webhooks.update", p.updateWebhook)
	r(http.MethodDelete, "/webhooks/:uuid", "webhooks.delete", p.deleteWebhook)
}

// guard authenticates the caller for action on the route's index, with
// Meilisearch's request and response compression around the handler.
func (p *Proxy) guard(action string, h echo.HandlerFunc) echo.HandlerFunc {
	return meili.CompressResponse(decompressRequest(func(c echo.Context) error {
		if err := p.authenticate(c, action, c.Param("uid")); err != nil {
			return err
		}
		return h(c)
	}))
}

func (p *Proxy) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "available"})
}

// EmulatedVersion is the Meilisearch version whose API miroir serves.
const EmulatedVersion = "1.53.0"

func (p *Proxy) version(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{
		"commitSha": "miroir", "commitDate": "2026-01-01T00:00:00Z", "pkgVersion": EmulatedVersion,
	})
}
