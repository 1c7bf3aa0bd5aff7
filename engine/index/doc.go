// Package index is the storage and search library of the engine: one Index
// per Meilisearch index, persisted under its own directory with bleve
// (scorch), searched with Meilisearch's bucket-sort ranking rules and score
// arithmetic. It owns documents, their search structures and the applied
// task watermark; it never owns tasks, keys or HTTP (package engine does).
//
// # Contract with package engine
//
//	settings, err := index.SettingsFromJSON(meiliSettings) // any value with Meilisearch's settings JSON
//	idx, err := index.Open(dir, primaryKey, settings)     // primaryKey may be "" (set by the first batch)
//	res, err := idx.Apply(ctx, index.Batch{TaskUID: uid, Kind: index.KindUpsert, Documents: docs})
//	uid := idx.AppliedTaskUID()  // replay every task with a larger uid after a restart
//	doc, err := idx.Get(id, fields)            // ErrDocumentNotFound (a *meili.Error document_not_found)
//	page, err := idx.Fetch(index.FetchQuery{Offset, Limit, Fields, Filter, IDs, Sort})
//	sr, err := idx.Search(q *meili.SearchQuery) // (*meili.SearchResult, error)
//	fr, err := idx.FacetSearch(q *meili.FacetSearchQuery)
//	st := idx.Stats()                           // NumberOfDocuments, FieldDistribution, IsIndexing, RawDocumentDBSize
//	s := idx.Settings()
//	err = idx.UpdateSettings(taskUID, s)        // durable; re-indexes in memory
//	err = idx.Close(); err = idx.Destroy()      // Destroy closes and removes dir
//	fed := index.Federate(parts, fed)          // federated multi-search merge, see federate.go
//
// Apply semantics:
//   - A Batch is one task: TaskUID plus exactly one Kind (KindUpsert replaces
//     whole documents, KindUpdate merges top-level fields into existing ones,
//     KindDelete removes IDs, KindDeleteByFilter removes what Filter matches,
//     KindClear removes everything). Documents are raw JSON objects, kept
//     byte-for-byte (field order and number spelling round-trip exactly).
//   - Apply is all-or-nothing and durable when it returns: the documents and
//     the task uid are written in one bleve batch (SetInternal), and bleve's
//     scorch waits for persistence. AppliedTaskUID is then >= TaskUID.
//   - A batch that fails validation (missing or invalid primary key value,
//     invalid filter, primary key mismatch) changes no document, still
//     records TaskUID as applied, and returns a *meili.Error for the task.
//     A replayed batch (TaskUID <= AppliedTaskUID) is a no-op that returns
//     the zero BatchResult.
//   - Batch.PrimaryKey sets the primary key when the index has none; when it
//     is empty too, Apply infers it (first field ending in "id").
//   - Within one batch, a later document with the same id wins (upsert) or
//     merges (update), as Meilisearch does.
//   - Apply, UpdateSettings, Search and the readers are safe for concurrent
//     use; writes are serialised internally (the server processes tasks in
//     uid order anyway).
//
// Ranking: every matching document is ranked (never a capped candidate
// list), equal hits are ordered by primary key (integers numerically before
// strings in byte order), and _rankingScore depends only on the document,
// the query and the settings, so a sharded cluster merging by
// _rankingScoreDetails then primary key reproduces one node's order.
//
// Errors are *meili.Error values with Meilisearch's codes (invalid_search_*,
// document_not_found, ...), so the server can return them as they are.
package index
