// Package engine is one Meilisearch-compatible search node: the HTTP API
// (labstack/echo), a durable asynchronous task queue in bbolt, the index
// catalog, API keys and tenant tokens, settings validation, webhooks,
// dumps and exports. Storage and search of one index are engine/index's.
//
// It is the node miroir runs in development and tests (`miroir node`,
// `miroir dev`); production puts real Meilisearch behind miroir, so the
// engine must answer like Meilisearch, and refuse with a Meilisearch-shaped
// error what it cannot do, never silently answer something else.
//
// Contract:
//
//	srv, err := engine.New(cfg, logger) // opens cfg.DataDir, resumes interrupted tasks, starts the worker
//	srv.Handler()                       // every route; usable without Serve (in-process tests)
//	srv.Serve(ln)                       // blocks until Shutdown
//	srv.Shutdown(ctx)                   // stops HTTP, the worker (after its current batch), closes files
//
// Durability: a write is answered 202 only once its task and payload are
// committed to bbolt (fsync). One worker applies tasks in uid order
// (cancelation and deletion first); a task is reported succeeded only after
// its index write is durable (engine/index records the task uid with it), so
// it survives kill -9; on restart, tasks found processing are run again and
// engine/index skips batches it already applied.
//
// The engine never imports proxy, cluster or admin code: only meili (the
// shared protocol) and engine/index.
package engine
