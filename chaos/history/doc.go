// Package history records what the chaos workload did and saw, and checks it.
//
// A History is a list of operations in the Jepsen sense: each is invoked at
// one time and completes later as ok (it took effect: for writes, the task
// reached `succeeded`), fail (it definitely did not take effect: the request
// was rejected before anything was touched) or unknown (it may or may not
// have taken effect: timeouts, 5xx, a failed or unfinished task). An unknown
// operation is treated as concurrent with everything after its invocation.
//
// The checkers are pure functions of a History and, for the final-state
// checks, of an Observation gathered from the healed cluster. They never talk
// to the system under test, so they are unit-tested on hand-written histories.
package history
