package proxy

// object reads one object of a hit (the hit itself when m is set, else a
// nested _formatted or _matchesPosition value), fills m and records the
// spans of the members sp drops, relative to base (the hit's first byte).
//
// A dropped member's span takes the comma before it when a kept member
// precedes it in the object, else the comma after it, so cutting every
// span out of the hit leaves well-formed JSON: stripHit's output, with the
// node's own spacing.
func (p *answerParser) object(s *scanner, base int, sp *stripSpec, m *hitMeta) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		return nil
	}
	kept := false
	prevEnd := s.i
	for {
		s.ws()
		kstart := s.i
		raw, esc, err := s.str()
		if err != nil {
			return err
		}
		key := raw
		if esc {
			key = unquote(raw, esc)
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		drop := sp.drop(key)
		if err := p.value(s, base, sp, key, drop, m); err != nil {
			return err
		}
		vend := s.i
		next := s.peek()
		if drop {
			switch {
			case kept:
				p.spans = append(p.spans, span{int32(prevEnd - base), int32(vend - base)})
			case next == ',':
				p.spans = append(p.spans, span{int32(kstart - base), int32(s.i + 1 - base)})
			default:
				p.spans = append(p.spans, span{int32(kstart - base), int32(vend - base)})
			}
		} else {
			kept = true
		}
		prevEnd = vend
		switch next {
		case ',':
			s.i++
		case '}':
			s.i++
			return nil
		default:
			return errSyntax
		}
	}
}

// value reads one member's value: the fields the merge compares when m is
// set, nested objects whose members may be dropped, and skips the rest.
func (p *answerParser) value(s *scanner, base int, sp *stripSpec, key []byte, drop bool, m *hitMeta) error {
	var err error
	reserved := len(key) > 0 && key[0] == '_' // _rankingScore*, _formatted, ...
	if m != nil {
		switch {
		case !reserved:
		case string(key) == "_rankingScore":
			m.global, _, err = s.number()
			return err
		case string(key) == "_rankingScoreDetails":
			m.details, err = s.skip()
			return err
		}
		switch {
		case p.f.primaryKey != "" && string(key) == p.f.primaryKey:
			return decodeID(s, &m.id)
		case p.f.distinct != "" && string(key) == p.f.distinct:
			m.distinct, err = s.skip()
			return err
		}
	}
	if reserved && !drop && isNested(key) && s.peek() == '{' {
		if p.inner == nil {
			p.inner = sp.nested()
		}
		return p.object(s, base, p.inner, nil)
	}
	_, err = s.skip()
	return err
}

// isNested names the members that mirror a document's fields.
func isNested(key []byte) bool {
	return string(key) == "_formatted" || string(key) == "_matchesPosition"
}

// spliceHit appends hit to dst without the drops spans.
func spliceHit(dst, hit []byte, drops []span) []byte {
	at := 0
	for _, d := range drops {
		dst = append(dst, hit[at:d.lo]...)
		at = int(d.hi)
	}
	return append(dst, hit[at:]...)
}
