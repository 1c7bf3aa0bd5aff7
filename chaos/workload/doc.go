// Package workload drives a miroir cluster with concurrent clients built on
// the stock meilisearch-go SDK (retries disabled: one operation is one
// request) and records every operation in a history.History.
//
// Each client owns its document ids ("c<client>-<n>") and gives every write
// of a document the next value of that document's version counter, so the
// intended final state of each document is known. A document whose write
// ended with an unknown outcome is retired: it is never written again, so a
// late-landing write cannot be mistaken for a lost one.
//
// Index classes: doc indexes are created at setup and only written and
// searched; a doomed index is created with documents at setup and deleted
// once during the run (searches keep hitting it); meta indexes are created,
// deleted and have their synonyms changed, never written. Keys are created
// with client-chosen uids and read back. In admin-only mode (before the data
// path exists) the metadata operations are node registrations and reads on
// the admin API.
package workload
