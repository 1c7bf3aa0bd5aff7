package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// section is one block of the report; its id names the generated block
// `<!-- bench:id -->...<!-- /bench:id -->` in the markdown file, so a run
// of one subcommand rewrites only its own figures and leaves the hand
// written analysis around them alone.
type section struct {
	id, title string
	body      string
}

func (s section) markdown() string {
	return fmt.Sprintf("### %s\n\n%s", s.title, strings.TrimRight(s.body, "\n")+"\n")
}

// stamp is the line under every measured table: when, and how loaded the
// machine was (2 shared cores: a high load inflates latencies).
func stamp(start time.Time, loadBefore string) string {
	return fmt.Sprintf("\n_Measured %s UTC, load average %s before / %s after._\n",
		start.UTC().Format("2006-01-02 15:04"), loadBefore, loadAvg())
}

// table renders a markdown table.
func table(header []string, rows [][]string) string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(header, " | ") + " |\n|")
	for range header {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	for _, r := range rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	return b.String()
}

// verdict marks a figure against its budget.
func verdict(ok bool) string {
	if ok {
		return "ok"
	}
	return "**missed**"
}

func f1(v float64) string { return fmt.Sprintf("%.1f", v) }
func f2(v float64) string { return fmt.Sprintf("%.2f", v) }
func f0(v float64) string { return fmt.Sprintf("%.0f", v) }

// updateMarkdown rewrites the generated blocks of path for secs (and the
// machine block), appending blocks that are not there yet.
func updateMarkdown(path string, secs []section, machine section) error {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	doc := string(b)
	if doc == "" {
		doc = "# Benchmarks\n"
	}
	for _, s := range append([]section{machine}, secs...) {
		doc = replaceBlock(doc, s)
	}
	return os.WriteFile(path, []byte(doc), 0o644)
}

func replaceBlock(doc string, s section) string {
	open, end := "<!-- bench:"+s.id+" -->", "<!-- /bench:"+s.id+" -->"
	block := open + "\n" + s.markdown() + end
	i := strings.Index(doc, open)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		return strings.TrimRight(doc, "\n") + "\n\n" + block + "\n"
	}
	return doc[:i] + block + doc[j+len(end):]
}
