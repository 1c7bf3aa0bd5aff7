package proxy

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/bits"
	"strconv"
)

// errSyntax reports a hit or response that is not well-formed JSON where the
// merge needed to read it. Nodes are trusted to produce valid JSON; this is a
// guard, not a validator.
var errSyntax = errors.New("proxy: malformed JSON from node")

// scanner walks raw JSON without building values, so merging reads only the
// few fields it needs from each hit and leaves the rest as bytes.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end. Nodes send
// compact JSON, so the next byte is checked before any space is skipped.
func (s *scanner) peek() byte {
	if s.i < len(s.b) && s.b[s.i] > ' ' {
		return s.b[s.i]
	}
	s.ws()
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *scanner) expect(c byte) error {
	if s.peek() != c {
		return errSyntax
	}
	s.i++
	return nil
}

// str reads a string and returns its raw content (between the quotes) and
// whether it holds escapes (then unquote before comparing). It looks at 8
// bytes at a time for a quote or a backslash (stopAt); a long string jumps
// to its closing quote with IndexByte and checks the bytes before it for
// backslashes.
func (s *scanner) str() (raw []byte, escaped bool, err error) {
	if s.peek() != '"' {
		return nil, false, errSyntax
	}
	b := s.b
	start := s.i + 1
	i := start
	for {
		j := stopAt(b, i, 32)
		if j == i+32 {
			q := bytes.IndexByte(b[j:], '"')
			if q < 0 {
				return nil, false, errSyntax
			}
			q += j
			e := bytes.IndexByte(b[j:q], '\\')
			if e < 0 {
				s.i = q + 1
				return b[start:q], escaped, nil
			}
			j += e
		}
		switch {
		case j >= len(b):
			return nil, false, errSyntax
		case b[j] == '"':
			s.i = j + 1
			return b[start:j], escaped, nil
		}
		// A backslash: the next byte is escaped, whatever it is.
		escaped = true
		i = j + 2
		if i > len(b) {
			return nil, false, errSyntax
		}
	}
}

const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// stopAt returns the index of the first quote or backslash in b[i:i+limit],
// i+limit when there is none within limit bytes, or len(b) at the end.
func stopAt(b []byte, i, limit int) int {
	end := min(i+limit, len(b))
	for ; i+8 <= end; i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, bs := x^(swarOnes*'"'), x^(swarOnes*'\\')
		// A byte of q or bs is zero where x holds a quote or a backslash;
		// the lowest flagged byte is always a true one.
		if m := ((q-swarOnes)&^q | (bs-swarOnes)&^bs) & swarHigh; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < end; i++ {
		if b[i] == '"' || b[i] == '\\' {
			return i
		}
	}
	if end == len(b) {
		return len(b)
	}
	return end
}

// unquote returns the decoded value of a string scanned by str.
func unquote(raw []byte, escaped bool) []byte {
	if !escaped {
		return raw
	}
	q := make([]byte, 0, len(raw)+2)
	q = append(q, '"')
	q = append(q, raw...)
	q = append(q, '"')
	var out string
	if json.Unmarshal(q, &out) != nil {
		return raw
	}
	return []byte(out)
}

// number reads a JSON number as float64 and returns its raw text too.
func (s *scanner) number() (float64, []byte, error) {
	raw := s.numberRaw()
	f, err := parseNumber(raw)
	return f, raw, err
}

// parseNumber parses the text of a JSON number.
func parseNumber(raw []byte) (float64, error) {
	if f, ok := fastFloat(raw); ok {
		return f, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, errSyntax
	}
	return f, nil
}

// numberRaw reads the text of a number without parsing it.
func (s *scanner) numberRaw() []byte {
	s.ws()
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		if (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			s.i++
			continue
		}
		break
	}
	return s.b[start:s.i]
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// fastFloat parses plain decimals ("-12.375") exactly, the way scores and
// distances look. It is Clinger's fast path: a mantissa below 2^53 divided by
// an exact power of ten is correctly rounded, so the result equals
// strconv.ParseFloat's. Anything else (exponents, long mantissas) reports
// false and takes the slow path.
func fastFloat(b []byte) (float64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var m uint64
	frac, dot := 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if m >= 1<<53 || frac >= len(pow10) || (dot && frac == 0) {
		return 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}

// skip moves past one value of any kind and returns its raw bytes.
func (s *scanner) skip() ([]byte, error) {
	c := s.peek()
	start := s.i
	switch c {
	case '"':
		_, _, err := s.str()
		return s.b[start:s.i], err
	case '{', '[':
		return s.skipNested()
	case 0:
		return nil, errSyntax
	default:
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return s.b[start:s.i], nil
			}
			s.i++
		}
		return s.b[start:s.i], nil
	}
}

// structural marks the bytes skipNested must look at; everything else in a
// nested value (digits, letters, spaces, punctuation) is stepped over.
var structural = [256]bool{'"': true, '{': true, '[': true, '}': true, ']': true}

// skipNested skips an object or array: it jumps 8 bytes at a time to the
// next structural byte (nextStructural) and over strings with str, so long
// text fields and runs of numbers cost little.
func (s *scanner) skipNested() ([]byte, error) {
	start := s.i
	depth := 0
	b := s.b
	for i := s.i; i < len(b); i++ {
		i = nextStructural(b, i)
		if i >= len(b) {
			break
		}
		switch b[i] {
		case '"':
			s.i = i
			if _, _, err := s.str(); err != nil {
				return nil, err
			}
			i = s.i - 1
		case '{', '[':
			depth++
		default:
			depth--
			if depth == 0 {
				s.i = i + 1
				return b[start:s.i], nil
			}
		}
	}
	return nil, errSyntax
}

// nextStructural returns the index of the first quote, brace or bracket in
// b[i:], or len(b). A byte ORed with 0x20 is '{' only for '[' and '{', and
// '}' only for ']' and '}'.
func nextStructural(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		y := x | swarOnes*0x20
		q, o, c := x^(swarOnes*'"'), y^(swarOnes*'{'), y^(swarOnes*'}')
		if m := ((q-swarOnes)&^q | (o-swarOnes)&^o | (c-swarOnes)&^c) & swarHigh; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if structural[b[i]] {
			return i
		}
	}
	return len(b)
}

// members iterates an object's members. fn gets the unquoted key, the offset
// where the member starts (at the key's quote) and must consume the value
// (with s.skip or a typed read). It stops early when fn returns false.
func (s *scanner) members(fn func(key []byte, start int) (bool, error)) error {
	if err := s.expect('{'); err != nil {
		return err
	}
	if s.peek() == '}' {
		s.i++
		return nil
	}
	for {
		s.ws()
		start := s.i
		raw, esc, err := s.str()
		if err != nil {
			return err
		}
		if err := s.expect(':'); err != nil {
			return err
		}
		cont, err := fn(unquote(raw, esc), start)
		if err != nil || !cont {
			return err
		}
		switch s.peek() {
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
