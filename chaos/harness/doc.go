// Package harness runs the real miroir binaries on loopback and controls them
// for the chaos suite: peers (`miroir serve`) and engine nodes (`miroir node`),
// each with its own free ports, data dir and log file.
//
// A Proc can be SIGKILLed, SIGSTOPped and SIGCONTed, restarted on the same data
// dir, or restarted on a wiped one (a rejoin). Every process a harness starts is
// killed when the test ends (t.Cleanup), whether the test passed or not, and the
// processes are also tied to the test process with PDEATHSIG so a crashed test
// leaves nothing behind.
//
// The harness never sleeps to let things settle: Wait* helpers poll the peers'
// admin API (`GET /_miroir/ready`, `GET /_miroir/cluster`) until a condition
// holds or a deadline passes.
package harness
