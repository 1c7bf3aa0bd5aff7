package history

import (
	"fmt"
	"strings"
)

// maxDetails bounds the examples a verdict keeps; the count is always exact.
const maxDetails = 20

// Verdict is one checker's conclusion.
type Verdict struct {
	Name       string   `json:"name"`
	OK         bool     `json:"ok"`
	Skipped    string   `json:"skipped,omitempty"` // why the checker could not run
	Violations int      `json:"violations"`
	Details    []string `json:"details,omitempty"` // the first violations, then notes
	Notes      []string `json:"notes,omitempty"`   // facts that are not violations
	// Known, when set on a failed verdict, names an accepted, documented
	// weakness: the failure is reported but does not fail the run.
	Known string `json:"known,omitempty"`
}

// Fatal reports whether the verdict fails the run.
func (v Verdict) Fatal() bool { return !v.OK && v.Known == "" }

func newVerdict(name string) *Verdict { return &Verdict{Name: name, OK: true} }

func (v *Verdict) fail(format string, args ...any) {
	v.OK = false
	v.Violations++
	if len(v.Details) < maxDetails {
		v.Details = append(v.Details, fmt.Sprintf(format, args...))
	}
}

func (v *Verdict) note(format string, args ...any) {
	v.Notes = append(v.Notes, fmt.Sprintf(format, args...))
}

// Skip marks a verdict as not run, with the reason.
func Skip(name, reason string) Verdict {
	return Verdict{Name: name, OK: true, Skipped: reason}
}

// Summary is a one-line verdict for reports.
func (v Verdict) Summary() string {
	switch {
	case v.Skipped != "":
		return "skipped: " + v.Skipped
	case v.OK:
		if len(v.Notes) > 0 {
			return "ok (" + strings.Join(v.Notes, "; ") + ")"
		}
		return "ok"
	case v.Known != "":
		return fmt.Sprintf("FAIL (known: %s): %d violation(s), e.g. %s", v.Known, v.Violations, strings.Join(first(v.Details, 3), "; "))
	default:
		return fmt.Sprintf("FAIL: %d violation(s), e.g. %s", v.Violations, strings.Join(first(v.Details, 3), "; "))
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
