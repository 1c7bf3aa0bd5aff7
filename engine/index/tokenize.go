package index

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Positions follow milli: a soft separator (space, dash, quote...) moves the
// word position by 1, a hard separator (sentence punctuation) by 8, and
// consecutive values of an array are separated like a hard separator.
const (
	hardGap       = 8
	maxFieldWords = 65535
)

// token is one word of a text with its byte span in the original string.
type token struct {
	term  string // normalised: lowercase, diacritics removed
	pos   int    // word position inside the field
	start int    // byte offset in the original text
	end   int
}

// tokenize splits s into normalised words. firstPos is the position of the
// first word; next is the position a following array value starts at.
func tokenize(s string, firstPos int) (toks []token, next int) {
	pos, gap, first := firstPos, 1, true
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			if isHardSeparator(r) {
				gap = hardGap
			}
			i += w
			continue
		}
		j := i + w
		for j < len(s) {
			r2, w2 := utf8.DecodeRuneInString(s[j:])
			if !isWordRune(r2) {
				break
			}
			j += w2
		}
		if !first {
			pos += gap
		}
		first, gap = false, 1
		if pos > maxFieldWords {
			break
		}
		toks = append(toks, token{term: normalize(s[i:j]), pos: pos, start: i, end: j})
		i = j
	}
	if first {
		return nil, firstPos
	}
	return toks, pos + hardGap
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func isHardSeparator(r rune) bool {
	switch r {
	case '.', '!', '?', ';', ':', '\n', '\r', '(', ')', '[', ']', '{', '}', '|', '…', '。':
		return true
	}
	return false
}

// normalize lowercases and strips diacritics (é -> e), as Meilisearch's
// tokenizer does for Latin scripts. It never stems.
func normalize(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// normalizeFacet is Meilisearch's normalize_facet: trim, NFKD, lowercase.
func normalizeFacet(s string) string {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') {
			return strings.ToLower(norm.NFKD.String(s))
		}
	}
	return s // already normal: share the bytes
}
