package scenario

import (
	"strings"
	"testing"
	"time"

	"github.com/miroir-search/miroir/chaos/history"
)

func TestMarkdownShowsVerdictsLossesAndSkips(t *testing.T) {
	reps := []Report{
		{Name: "ok-run", Mode: "data", RF: "2", Writes: history.Counts{Attempted: 3, OK: 2, Unknown: 1},
			Verdicts: []history.Verdict{{Name: "digests", OK: true}}, WriteRecovery: time.Second},
		{Name: "bad-run", Mode: "data", Lost: 2, Verdicts: []history.Verdict{{Name: "docs", OK: false, Violations: 2, Details: []string{"get i/a: absent"}}}},
		{Name: "known-run", Mode: "admin", Verdicts: []history.Verdict{{Name: "reads", OK: false, Known: "stale"}}},
		{Name: "skipped-run", Skipped: "needs hooks"},
	}
	var b strings.Builder
	if err := WriteMarkdown(&b, reps, time.Unix(0, 0), "notes here"); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"| ok-run | data | 2/0/1 |", "all pass", "| bad-run | data |", "| 2 | **FAIL** |",
		"| known-run | admin |", "| skipped-run | skipped |", "needs hooks", "FAIL (known: stale)",
		"notes here", "## Findings", "get i/a: absent",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}
