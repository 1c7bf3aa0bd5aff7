package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
)

// corpusSettings makes the fields the query set filters, facets and sorts
// on usable; the same settings go to the single node and through miroir.
const corpusSettings = `{
 "filterableAttributes":["section","priority","tags","architecture","installed_size_kb","depends_count"],
 "sortableAttributes":["name","installed_size_kb","size_bytes"]
}`

// corpus returns the corpus documents, one JSON object per element,
// loaded once.
func (e *benchEnv) corpus() ([][]byte, error) {
	if e.docs != nil {
		return e.docs, nil
	}
	f, err := os.Open(e.corpusPath)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(e.corpusPath, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		r = gz
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var docs [][]byte
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			docs = append(docs, append([]byte(nil), line...))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	e.docs = docs
	return docs, nil
}

// scaled returns factor copies of docs; copy k > 0 has "-k" appended to
// every id, so the copies are distinct documents with the same text.
func scaled(docs [][]byte, factor int) [][]byte { return copiesOf(docs, 0, factor) }

// copiesOf returns copies from to to-1 of docs (copy 0 is docs itself), so
// a corpus grows from one multiple to the next without reloading.
func copiesOf(docs [][]byte, from, to int) [][]byte {
	if from == 0 && to <= 1 {
		return docs
	}
	out := make([][]byte, 0, len(docs)*max(to-from, 0))
	for k := from; k < to; k++ {
		if k == 0 {
			out = append(out, docs...)
			continue
		}
		suffix := fmt.Sprintf("-%d\"", k)
		for _, d := range docs {
			out = append(out, suffixID(d, suffix))
		}
	}
	return out
}

// suffixID rewrites `"id": "x"` to `"id": "x-k"`; the corpus writes the
// id first, as a string.
func suffixID(doc []byte, suffix string) []byte {
	i := bytes.Index(doc, []byte(`"id"`))
	if i < 0 {
		return doc
	}
	j := bytes.IndexByte(doc[i+4:], '"') // opening quote of the value
	if j < 0 {
		return doc
	}
	start := i + 4 + j + 1
	k := bytes.IndexByte(doc[start:], '"')
	if k < 0 {
		return doc
	}
	end := start + k
	out := make([]byte, 0, len(doc)+len(suffix))
	out = append(out, doc[:end]...)
	out = append(out, suffix...)
	return append(out, doc[end+1:]...)
}

// batches cuts docs into NDJSON bodies of size documents.
func batches(docs [][]byte, size int) [][]byte {
	var out [][]byte
	for i := 0; i < len(docs); i += size {
		var b bytes.Buffer
		for _, d := range docs[i:min(i+size, len(docs))] {
			b.Write(d)
			b.WriteByte('\n')
		}
		out = append(out, b.Bytes())
	}
	return out
}
