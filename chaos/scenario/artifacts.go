package scenario

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/miroir-search/miroir/chaos/history"
)

// SaveArtifacts writes a run's history (one JSON op per line, then the
// events) and copies every process log into dir/<scenario>, so a finding
// can be studied after the test's temporary directory is gone.
func SaveArtifacts(dir string, r *Run) error {
	out := filepath.Join(dir, r.Sc.Name)
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := writeHistory(filepath.Join(out, "history.jsonl"), r.H); err != nil {
		return err
	}
	for _, p := range r.C.Procs() {
		if err := copyFile(p.LogPath, filepath.Join(out, p.Name+".log")); err != nil {
			return err
		}
	}
	return nil
}

func writeHistory(path string, h *history.History) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, op := range h.Ops() {
		if err := enc.Encode(op); err != nil {
			return err
		}
	}
	for _, e := range h.Events() {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return fmt.Errorf("artifacts: %w", err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	defer out.Close()
	_, err = io.Copy(out, in)
	return err
}
