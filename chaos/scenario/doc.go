// Package scenario runs the named, seeded chaos scenarios: it starts a
// cluster of real miroir processes (chaos/harness), drives it with the
// workload (chaos/workload) while a scenario injects its faults, heals
// everything, reads the final state and runs every checker
// (chaos/history). Each run yields a Report; the test runner writes the
// reports of a run to docs/chaos.md when MIROIR_CHAOS_REPORT names it.
//
// Until the data path exists (Meilisearch routes on the peers and
// `miroir node`), scenarios that only need peers run in admin mode: the
// workload registers and reads nodes through the admin API, so the harness,
// the faults and the metadata checkers are proven on real processes.
package scenario
