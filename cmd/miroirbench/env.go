package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// benchEnv is what every subcommand shares: flags common to all, the
// scratch directory, the miroir binary, the corpus and every process
// started (close kills what is left, so no process outlives the run).
type benchEnv struct {
	name           string
	stdout, stderr io.Writer

	corpusPath string
	binPath    string
	repo       string
	ref        string
	workDir    string
	mdPath     string
	keep       bool
	runs       int
	logLevel   string

	tmp     string
	binDesc string // what the measured binary was built from
	srcDir  string // the exported -ref tree
	procs   []*proc
	docs    [][]byte
}

// flags returns a FlagSet for a subcommand with the common flags bound.
func (e *benchEnv) flags() *flag.FlagSet {
	fs := flag.NewFlagSet("miroirbench "+e.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&e.corpusPath, "corpus", "/work/shared/data/debian-packages.ndjson.gz", "NDJSON corpus (gzip or plain)")
	fs.StringVar(&e.binPath, "bin", "", "prebuilt miroir binary (default: go build ./cmd/miroir into the work dir)")
	fs.StringVar(&e.repo, "repo", ".", "repository root, where ./cmd/miroir is built from")
	fs.StringVar(&e.ref, "ref", "", "build a commit (git archive of e.g. HEAD) instead of the working tree")
	fs.StringVar(&e.workDir, "work-dir", "", "scratch directory for binaries, data and logs (default: a new temp dir)")
	fs.StringVar(&e.mdPath, "md", "", "markdown file whose generated blocks are rewritten (e.g. docs/benchmarks.md)")
	fs.BoolVar(&e.keep, "keep", false, "keep the scratch directory (logs, data) after the run")
	fs.IntVar(&e.runs, "runs", 3, "repetitions; figures are medians over them")
	fs.StringVar(&e.logLevel, "log-level", "warn", "log level of the processes started (logs are in <work-dir>/logs)")
	return fs
}

// parse parses args and prepares the scratch directory.
func (e *benchEnv) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if e.runs < 1 {
		return fmt.Errorf("-runs must be at least 1")
	}
	return e.prepare()
}

func (e *benchEnv) prepare() error {
	if e.tmp != "" {
		return nil
	}
	dir := e.workDir
	if dir == "" {
		d, err := os.MkdirTemp("", "miroirbench-")
		if err != nil {
			return err
		}
		dir = d
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o750); err != nil {
		return err
	}
	e.tmp = dir
	return nil
}

// miroir returns the path of the miroir binary, building it once.
func (e *benchEnv) miroir() (string, error) {
	if e.binPath != "" {
		if e.binDesc == "" {
			e.binDesc = "prebuilt " + e.binPath
		}
		return e.binPath, nil
	}
	out := filepath.Join(e.tmp, "miroir")
	start := time.Now()
	src, err := e.source()
	if err != nil {
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", out, "./cmd/miroir")
	cmd.Dir = src
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/miroir: %v\n%s", err, b)
	}
	e.logf("built %s from %s in %s", out, cmp.Or(e.ref, "the working tree"), time.Since(start).Round(time.Millisecond))
	e.binPath = out
	e.binDesc = "working tree at " + gitHead(e.repo, "HEAD")
	if e.ref != "" {
		e.binDesc = "commit " + gitHead(e.repo, e.ref)
	}
	return out, nil
}

// source is the tree measured: the working tree, or with -ref the
// exported commit (exported once).
func (e *benchEnv) source() (string, error) {
	if e.ref == "" {
		return e.repo, nil
	}
	if e.srcDir == "" {
		dir, err := e.export(e.ref)
		if err != nil {
			return "", err
		}
		e.srcDir = dir
	}
	return e.srcDir, nil
}

// export writes the tree of a commit into the scratch directory, so the
// binary measured is exactly that commit, whatever the working tree holds.
func (e *benchEnv) export(ref string) (string, error) {
	dst, err := e.dir("src")
	if err != nil {
		return "", err
	}
	archive := exec.Command("git", "archive", "--format=tar", ref)
	archive.Dir = e.repo
	untar := exec.Command("tar", "-x", "-C", dst)
	pipe, err := archive.StdoutPipe()
	if err != nil {
		return "", err
	}
	untar.Stdin = pipe
	var stderr strings.Builder
	archive.Stderr = &stderr
	if err := untar.Start(); err != nil {
		return "", err
	}
	if err := archive.Run(); err != nil {
		_ = untar.Wait()
		return "", fmt.Errorf("git archive %s: %v %s", ref, err, stderr.String())
	}
	if err := untar.Wait(); err != nil {
		return "", fmt.Errorf("untar %s: %w", ref, err)
	}
	return dst, nil
}

// dir returns a fresh directory under the scratch directory.
func (e *benchEnv) dir(parts ...string) (string, error) {
	d := filepath.Join(append([]string{e.tmp}, parts...)...)
	if err := os.RemoveAll(d); err != nil {
		return "", err
	}
	return d, os.MkdirAll(d, 0o750)
}

func (e *benchEnv) logf(format string, args ...any) {
	fmt.Fprintf(e.stderr, "%s %s\n", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// close kills every process still running and removes the scratch
// directory unless -keep or -work-dir was given.
func (e *benchEnv) close() {
	for _, p := range e.procs {
		p.kill()
	}
	if e.tmp != "" && !e.keep && e.workDir == "" {
		os.RemoveAll(e.tmp)
	} else if e.tmp != "" {
		e.logf("scratch directory kept: %s", e.tmp)
	}
}

// finish prints the sections and rewrites their blocks in -md.
func (e *benchEnv) finish(secs []section) error {
	for _, s := range secs {
		fmt.Fprintln(e.stdout, s.markdown())
	}
	if e.mdPath == "" || len(secs) == 0 {
		return nil
	}
	if err := updateMarkdown(e.mdPath, secs, machineBlock(e.binDesc)); err != nil {
		return err
	}
	e.logf("updated %s", e.mdPath)
	return nil
}

// machineBlock describes where the figures were taken.
func machineBlock(binDesc string) section {
	var b strings.Builder
	fmt.Fprintf(&b, "| | |\n|---|---|\n")
	fmt.Fprintf(&b, "| CPU | %d x %s |\n", runtime.NumCPU(), cpuModel())
	fmt.Fprintf(&b, "| memory | %s |\n", memTotal())
	fmt.Fprintf(&b, "| Go | %s %s/%s |\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&b, "| miroir binary | %s |\n", cmp.Or(binDesc, "not used (package benchmarks of the working tree at "+gitHead(".", "HEAD")+")"))
	fmt.Fprintf(&b, "| generated | %s |\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	return section{id: "machine", title: "Machine", body: b.String()}
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "MemTotal:") {
			var kb int64
			fmt.Sscanf(strings.TrimPrefix(line, "MemTotal:"), "%d", &kb)
			return fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
		}
	}
	return "unknown"
}

func gitHead(repo, ref string) string {
	cmd := exec.Command("git", "rev-parse", "--short", ref)
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// loadAvg is the 1-minute load average, the measure of how shared the
// machine was while a figure was taken.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}
