package proxy

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock measures the CPU time (user+system, every thread of the process,
// the collector's included) a benchmark loop used, so its figure holds on a
// shared machine where wall time per op swings with the other jobs.
type cpuClock time.Duration

func startCPU() cpuClock { return cpuClock(processCPU()) }

// report adds cpu-ns/op; call it right after the b.Loop loop.
func (c cpuClock) report(b *testing.B) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-time.Duration(c))/float64(b.N), "cpu-ns/op")
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
