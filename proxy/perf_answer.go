package proxy

import (
	"encoding/json"
	"strconv"
)

// This file is the search path's one pass over a node's answer. The answer
// is not validated or decoded by encoding/json: a scanner walks it once,
// cuts each hit out as a slice of the body and records, per hit, the few
// values the merge compares and where the members the client must not see
// are, so the merge never scans a hit again and stripping is a copy of the
// bytes between those places.

// span is a byte range [lo, hi) of one hit.
type span struct{ lo, hi int32 }

// hitMeta is what the pass over a node answer learned about one hit.
type hitMeta struct {
	global   float64
	id       idKey
	distinct []byte // raw JSON of the distinct attribute, nil when absent
	details  []byte // raw _rankingScoreDetails object, nil when absent
	// drops are the members stripping removes (the stripSpec the answer
	// was parsed with), in order, each with the comma that separated it.
	drops []span
	// dropLo, dropHi index the parser's spans until the answer is read
	// (the spans array may still move while it grows).
	dropLo, dropHi int32
}

// answerParser carries what parsing one node answer needs.
type answerParser struct {
	f     keyFields
	sp    *stripSpec
	inner *stripSpec // sp.nested(), made on first use
	spans []span     // every hit's drops, in one allocation per answer
}

// parseNodeSearch reads a node's search answer in one pass into out: the
// hits as slices of body with their hitMeta (out.meta), the totals, the
// facets (decoded by encoding/json: they are small) and the timings. sizeHint
// is the number of hits the node was asked for. Nodes are trusted to send
// valid JSON; malformed input gives errSyntax or garbage, never a panic.
func parseNodeSearch(body []byte, f keyFields, sp *stripSpec, sizeHint int, out *nodeSearchResult) error {
	p := answerParser{f: f, sp: sp}
	s := scanner{b: body}
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		return nil
	}
	for {
		s.ws()
		raw, esc, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		if err := p.member(&s, unquote(raw, esc), sizeHint, out); err != nil {
			return err
		}
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			p.finish(out)
			out.strip = sp
			return nil
		default:
			return errSyntax
		}
	}
}

// member reads one top-level member of a node answer.
func (p *answerParser) member(s *scanner, key []byte, sizeHint int, out *nodeSearchResult) error {
	var err error
	switch string(key) {
	case "hits":
		return p.hits(s, sizeHint, out)
	case "query":
		if s.peek() != '"' {
			_, err = s.skip()
			return err
		}
		raw, esc, err := s.str()
		out.Query = string(unquote(raw, esc))
		return err
	case "processingTimeMs":
		var n *int64
		if n, err = optInt(s); n != nil {
			out.ProcessingTimeMs = *n
		}
	case "estimatedTotalHits":
		out.EstimatedTotalHits, err = optInt(s)
	case "totalHits":
		out.TotalHits, err = optInt(s)
	case "semanticHitCount":
		out.SemanticHitCount, err = optInt(s)
	case "facetDistribution":
		err = decodeRaw(s, &out.FacetDistribution)
	case "facetStats":
		err = decodeRaw(s, &out.FacetStats)
	case "performanceDetails":
		var raw []byte
		raw, err = s.skip()
		out.PerformanceDetails = raw
	default:
		_, err = s.skip()
	}
	return err
}

// decodeRaw skips one value and decodes it with encoding/json.
func decodeRaw(s *scanner, v any) error {
	raw, err := s.skip()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return errSyntax
	}
	return nil
}

// optInt reads an integer or null.
func optInt(s *scanner) (*int64, error) {
	raw, err := s.skip()
	if err != nil || string(raw) == "null" {
		return nil, err
	}
	n, ok := parseInt(raw)
	if !ok {
		f, perr := strconv.ParseFloat(string(raw), 64)
		if perr != nil {
			return nil, errSyntax
		}
		n = int64(f)
	}
	return &n, nil
}

// parseInt parses a plain decimal integer of at most 18 digits.
func parseInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// hits reads the hits array.
func (p *answerParser) hits(s *scanner, sizeHint int, out *nodeSearchResult) error {
	if s.peek() == 'n' {
		_, err := s.skip()
		return err
	}
	if err := s.expect('['); err != nil {
		return err
	}
	if s.peek() == ']' {
		s.i++
		return nil
	}
	sizeHint = min(max(sizeHint, 1), 1000)
	out.Hits = make([]json.RawMessage, 0, sizeHint)
	out.meta = make([]hitMeta, 0, sizeHint)
	p.spans = make([]span, 0, 2*sizeHint)
	for {
		s.ws()
		start := s.i
		out.meta = append(out.meta, hitMeta{})
		m := &out.meta[len(out.meta)-1]
		lo := len(p.spans)
		if err := p.object(s, start, p.sp, m); err != nil {
			return err
		}
		m.dropLo, m.dropHi = int32(lo), int32(len(p.spans))
		out.Hits = append(out.Hits, s.b[start:s.i:s.i])
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// finish points every hit's drops at the final spans array.
func (p *answerParser) finish(out *nodeSearchResult) {
	for i := range out.meta {
		m := &out.meta[i]
		m.drops = p.spans[m.dropLo:m.dropHi:m.dropHi]
	}
}
