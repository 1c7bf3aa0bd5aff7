package meili

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lexical rules of Meilisearch's filter-parser (value.rs): words are runs of
// alphanumerics, '_', '-' and '.'; keywords are case-sensitive; values may be
// quoted with ' or " and then go through a Rust-style unescaper.

func isFilterKeyword(s string) bool {
	switch s {
	case "AND", "OR", "IN", "NOT", "TO", "EXISTS", "IS", "NULL", "EMPTY",
		"CONTAINS", "STARTS", "WITH", "_geoRadius", "_geoBoundingBox":
		return true
	}
	return false
}

func isValueComponent(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Other_Alphabetic, r)
}

func isSyntaxComponent(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("()=<>!", r)
}

// skipMS skips nom's multispace0: ASCII space, tab, CR, LF.
func skipMS(s string, pos int) int {
	for pos < len(s) && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\r' || s[pos] == '\n') {
		pos++
	}
	return pos
}

// ms1 is multispace1: it reports the end and whether anything was skipped.
func ms1(s string, pos int) (int, bool) {
	end := skipMS(s, pos)
	return end, end > pos
}

func skipUnicodeSpace(s string, pos int) int {
	for pos < len(s) {
		r, n := utf8.DecodeRuneInString(s[pos:])
		if !unicode.IsSpace(r) {
			break
		}
		pos += n
	}
	return pos
}

// wordAt returns the end of the run of value components starting at pos
// (pos itself when there is none).
func wordAt(s string, pos int) int {
	for pos < len(s) {
		r, n := utf8.DecodeRuneInString(s[pos:])
		if r == utf8.RuneError && n <= 1 || !isValueComponent(r) {
			break
		}
		pos += n
	}
	return pos
}

// wordIs is nom's word_exact: the whole word at pos equals w.
func wordIs(s string, pos int, w string) (int, bool) {
	end := wordAt(s, pos)
	return end, end > pos && s[pos:end] == w
}

// errorWordEnd is the span Meilisearch shows for an unparseable value: up
// to the next whitespace or syntax character.
func errorWordEnd(s string, pos int) int {
	for pos < len(s) {
		r, n := utf8.DecodeRuneInString(s[pos:])
		if isSyntaxComponent(r) {
			break
		}
		pos += n
	}
	return pos
}

// recognizeFloat is nom's recognize_float: [+-]? (digits (. digits?)? | . digits) ([eE] [+-]? digits)?.
// It returns the end of the number, or -1.
func recognizeFloat(s string, pos int) int {
	i := pos
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	d := digitsEnd(s, i)
	switch {
	case d > i:
		i = d
		if i < len(s) && s[i] == '.' {
			i = digitsEnd(s, i+1)
		}
	case i < len(s) && s[i] == '.' && digitsEnd(s, i+1) > i+1:
		i = digitsEnd(s, i+1)
	default:
		return -1
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if e := digitsEnd(s, j); e > j {
			i = e
		} else {
			return -1
		}
	}
	return i
}

func digitsEnd(s string, i int) int {
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i
}

// parseFiniteNumber parses s the way Rust's f64::from_str does (no hex, no
// underscores, no leading/trailing spaces) and rejects non-finite results.
func parseFiniteNumber(s string) (float64, bool) {
	if s == "" || strings.ContainsAny(s, "xXpP_ \t\n\r") {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f-f != 0 {
		return 0, false
	}
	return f, true
}

type unescapeErr int

const (
	unescapeOK unescapeErr = iota
	unescapeIncomplete
	unescapeBadNumber
	unescapeBadChar
)

// unescape decodes the Rust-style escapes the unescaper crate accepts:
// \b \f \n \r \t \0 \' \" \\ \/, \xHH, \uHHHH and \u{H..}.
func unescape(s string) (string, unescapeErr) {
	if !strings.Contains(s, `\`) {
		return s, unescapeOK
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 >= len(s) {
			return "", unescapeIncomplete
		}
		i++
		if r, ok := simpleEscape(s[i]); ok {
			b.WriteRune(r)
			continue
		}
		r, next, e := hexEscape(s, i)
		if e != unescapeOK {
			return "", e
		}
		b.WriteRune(r)
		i = next - 1
	}
	return b.String(), unescapeOK
}

func simpleEscape(c byte) (rune, bool) {
	switch c {
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case '0':
		return 0, true
	case '\'', '"', '\\', '/':
		return rune(c), true
	}
	return 0, false
}

// hexEscape decodes \x.. and \u.. starting at s[i] (the letter); it returns
// the rune and the index after the sequence.
func hexEscape(s string, i int) (rune, int, unescapeErr) {
	var digits string
	next := 0
	switch {
	case s[i] == 'x':
		if i+3 > len(s) {
			return 0, 0, unescapeIncomplete
		}
		digits, next = s[i+1:i+3], i+3
	case s[i] == 'u' && i+1 < len(s) && s[i+1] == '{':
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return 0, 0, unescapeIncomplete
		}
		digits, next = s[i+2:i+end], i+end+1
	case s[i] == 'u':
		if i+5 > len(s) {
			return 0, 0, unescapeIncomplete
		}
		digits, next = s[i+1:i+5], i+5
	default:
		return 0, 0, unescapeBadChar
	}
	v, err := strconv.ParseUint(digits, 16, 32)
	if err != nil || digits == "" {
		return 0, 0, unescapeBadNumber
	}
	if v > unicode.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return 0, 0, unescapeBadChar
	}
	return rune(v), next, unescapeOK
}
