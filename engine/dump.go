package engine

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/miroir-search/miroir/engine/index"
)

// Dumps and snapshots are logical exports: one JSON Lines file with, per
// index, a header line {"index","primaryKey","settings"} followed by one
// {"document"} line per document. They are not importable by Meilisearch
// and the engine has no import; they exist so that operators (and SDK
// suites) can ask for a copy of the data and get a real one.

func (s *Server) createDump(c echo.Context) error {
	t := &task{Type: kindDumpCreation, Details: details("dumpUid", nil), CustomMetadata: customMetadata(c)}
	return s.accepted(c, t, nil)
}

func (s *Server) createSnapshot(c echo.Context) error {
	t := &task{Type: kindSnapshotCreation, CustomMetadata: customMetadata(c)}
	return s.accepted(c, t, nil)
}

func (s *Server) execExport(t *task) outcome {
	name := time.Now().UTC().Format("20060102-150405000")
	dir, ext := "dumps", ".dump.jsonl"
	if t.Type == kindSnapshotCreation {
		dir, ext = "snapshots", ".snapshot.jsonl"
	}
	path := filepath.Join(s.cfg.DataDir, dir, name+ext)
	if err := s.writeExport(path); err != nil {
		return outcome{err: internalErr(err)}
	}
	if t.Type == kindDumpCreation {
		return outcome{details: details("dumpUid", name)}
	}
	return outcome{}
}

func (s *Server) writeExport(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	err = s.exportAll(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path + ".tmp")
		return err
	}
	return os.Rename(path+".tmp", path)
}

func (s *Server) exportAll(w *bufio.Writer) error {
	enc := json.NewEncoder(w)
	for _, m := range s.idx.list() {
		idx, _, ok := s.idx.get(m.UID)
		if !ok {
			continue
		}
		head := map[string]any{"index": m.UID, "primaryKey": idx.PrimaryKey(), "settings": m.Settings.full(nil)}
		if err := enc.Encode(head); err != nil {
			return err
		}
		for off := 0; ; off += 1000 {
			page, err := idx.Fetch(index.FetchQuery{Offset: off, Limit: 1000})
			if err != nil {
				return fmt.Errorf("export %s: %w", m.UID, err)
			}
			for _, d := range page.Results {
				if err := enc.Encode(map[string]json.RawMessage{"document": d}); err != nil {
					return err
				}
			}
			if len(page.Results) < 1000 {
				break
			}
		}
	}
	return nil
}
