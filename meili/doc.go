// Package meili is the Meilisearch protocol shared by miroir's proxy and
// engine: everything both sides must agree on byte for byte, and nothing
// else. It imports no other miroir package and keeps no state.
//
// What it owns:
//
//   - Errors: *Error is the only error type that crosses an HTTP boundary;
//     Errorf takes status and type from the code tables (codes.go for the
//     codes miroir names, codes_meilisearch.go for every other code a
//     Meilisearch server answers, with Meilisearch's statuses).
//   - Filters: ParseFilter/ParseFilterWithCode parse Meilisearch's filter
//     grammar (string or nested arrays) into an AST (*And, *Or, *Not,
//     *Condition, *GeoRadius, *GeoBoundingBox, *GeoPolygon, *VectorExists)
//     with positions;
//     errors reproduce Meilisearch's messages ("…\n1:8 title hello").
//     Filter.String renders canonical syntax that parses back to the same
//     tree; AndFilters combines raw filter values without parsing them (the
//     proxy ANDs `_miroir_shard IN [..]` and tenant-token filters into
//     client filters). The depth limit is Meilisearch's (MaxFilterDepth).
//     Geo ranges are checked by Filter.CheckGeo at evaluation time, as
//     Meilisearch does. Not supported: `_foreign(..)` (experimental
//     foreignKeys) is rejected as an invalid operation.
//   - Documents: ParseDocuments reads JSON (array or object), NDJSON and
//     CSV payloads into Documents that keep raw JSON values, and
//     ParseDocumentsRaw keeps each document's JSON text (field order);
//     DecodeContentEncoding undoes gzip/deflate/br request bodies;
//     InferPrimaryKey, CanonicalID (1 and "1" are one document),
//     DocumentID (nested keys with dots), CheckReserved (`_miroir_*`),
//     ParseDocumentsQuery/DecodeDocumentsFetch (browsing),
//     DecodeDeleteByFilter and DecodeDeleteBatch.
//   - Settings: Settings with Opt fields (absent / null = reset / value) so
//     PATCH semantics are exact; DefaultSettings, Merge, Normalize,
//     DecodeSettings and SettingsRoute.Decode (deserr-shaped errors with the
//     invalid_settings_* codes), SettingsRoutes for routers.
//   - Indexes, tasks, batches, stats, version, health, swaps: wire types,
//     DecodeCreateIndex/DecodeUpdateIndex/DecodeSwapIndexes, ParsePage,
//     FormatDuration (ISO-8601 like Meilisearch), ParseTaskQuery and
//     TaskQuery.Matches, BatchOf.
//   - Experimental features: ExperimentalFeatures, PatchFeatures,
//     FeatureNotEnabled, Settings.ForDisplay (chat and foreignKeys are
//     shown only with their feature on).
//   - Keys and tenant tokens: Key, Action (with wildcard Grants), KeyAllows,
//     DeriveKey (hex HMAC-SHA256 of the uid under the master key),
//     DefaultKeys, DecodeCreateKey/DecodeUpdateKey, ValidateTenantToken and
//     TenantClaims.FilterFor.
//
// Search request and response types (search.go, search_*.go) belong to
// the engine-index engineer.
//
// Contracts: functions that depend on the current time take it as an
// argument (now); messages follow Meilisearch v1.5x wording, checked
// against its source and test snapshots; when they differ, Meilisearch
// wins and the tests here should be fixed.
package meili
