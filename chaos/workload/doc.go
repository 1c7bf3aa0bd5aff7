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
//
// Every request goes to a random peer among those whose /health answered
// the last probe (every HealthInterval, 250 ms), as behind a load balancer
// with health checks; task polls give up after PollTimeout (500 ms) and the
// next poll picks again. A paused peer thus costs a client at most one
// request, and availability measures what the surviving peers serve.
package workload
