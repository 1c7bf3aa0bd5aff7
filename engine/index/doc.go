// Package index is the storage and search library of the engine: one Index
// per Meilisearch index, persisted under its own directory with bleve
// (scorch), searched with Meilisearch's bucket-sort ranking rules and score
// arithmetic. It owns documents, their search structures and the applied
// task watermark; it never owns tasks, keys or HTTP (package engine does).
//
// # Contract with package engine
//
//	settings, err := index.SettingsFromJSON(meiliSettings) // Meilisearch settings JSON, or a value marshalling to it
//	idx, err := index.Open(dir, primaryKey, settings)     // primaryKey may be "" (set or inferred by the first batch)
//	res, err := idx.Apply(ctx, index.Batch{TaskUID: uid, Kind: index.KindUpsert, Documents: docs}) // BatchResult{IndexedDocuments, DeletedDocuments, PrimaryKey}
//	uid := idx.AppliedTaskUID()                 // replay every task with a larger uid after a restart
//	pk := idx.PrimaryKey()
//	doc, err := idx.Get(id, fields)             // json.RawMessage; *meili.Error document_not_found when absent
//	page, err := idx.Fetch(index.FetchQuery{Offset, Limit, Fields, Filter, IDs, Sort}) // *FetchResult{Results, Total}
//	sr, err := idx.Search(q *meili.SearchQuery) // *meili.SearchResult
//	rr, err := idx.SearchRanked(q)              // *RankedResult: Search plus what Federate needs
//	fed := index.Federate(parts []index.FederatedPart, f *meili.Federation) // federated multi-search merge
//	fr, err := idx.FacetSearch(q *meili.FacetSearchQuery)
//	st := idx.Stats()                           // Stats{NumberOfDocuments, RawDocumentDBSize, IsIndexing, FieldDistribution}
//	s := idx.Settings()
//	err = idx.UpdateSettings(taskUID, s)        // durable with the task uid; re-indexes in memory
//	err = idx.Close(); err = idx.Destroy()      // Destroy closes and removes dir
//
// # Storage and search structures
//
// Every document is stored whole, byte for byte, in a bleve scorch index
// under dir (a stored, unindexed field), with the applied task uid, the
// primary key and the settings in bleve's internal store, all written in
// the same batch. Search runs on an in-memory positional inverted index
// (term -> document, attribute, word position) and per-document flattened
// values, rebuilt from the stored documents at Open and updated by Apply
// after the write is durable. Candidate retrieval is exact, never capped:
// every dictionary word within the typo budget or sharing the prefix of
// the last query word contributes all its postings.
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
