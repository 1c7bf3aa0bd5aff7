package meili

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// filterErrKind mirrors the error kinds of Meilisearch's filter-parser so
// messages match its wording (crates/filter-parser/src/error.rs).
type filterErrKind int

const (
	fkExpectedValue filterErrKind = iota
	fkMalformedValue
	fkMissingClosingDelimiter
	fkInvalidPrimary
	fkInvalidEscapedNumber
	fkExpectedEOF
	fkIncomplete
	fkGeoRadius
	fkGeoRadiusArgumentCount
	fkGeoBoundingBox
	fkGeoPolygon
	fkGeoPolygonNotEnoughPoints
	fkGeoCoordinatesNotPair
	fkReservedGeo
	fkMisusedGeoRadius
	fkMisusedGeoBoundingBox
	fkInOpeningBracket
	fkInClosingBracket
	fkInExpectedValue
	fkNonFiniteFloat
	fkDepthLimit
	fkExternal
)

// parseErr is a parser failure. fatal is nom's Failure (no backtracking):
// alternatives are tried only after a non-fatal error. [start, end) is the
// context shown in the message, as byte offsets into the source.
type parseErr struct {
	kind       filterErrKind
	start, end int
	fatal      bool
	reserved   bool   // fkExpectedValue: the word is a keyword
	ch         byte   // fkMissingClosingDelimiter
	n          int    // argument and point counts
	text       string // fkReservedGeo name, fkExternal message
}

func (e *parseErr) cut() *parseErr {
	if e != nil {
		e.fatal = true
	}
	return e
}

func (e *parseErr) message(src string) string {
	frag := escapeDebug(src[e.start:e.end])
	blank := strings.TrimSpace(src[e.start:e.end]) == ""
	switch e.kind {
	case fkExpectedValue:
		if blank {
			return "Was expecting a value but instead got nothing."
		}
		if e.reserved {
			return fmt.Sprintf("Was expecting a value but instead got `%s`, which is a reserved keyword. To use `%s` as a field name or a value, surround it by quotes.", frag, frag)
		}
		return fmt.Sprintf("Was expecting a value but instead got `%s`.", frag)
	case fkMalformedValue:
		return fmt.Sprintf("Malformed value: `%s`.", frag)
	case fkMissingClosingDelimiter:
		return fmt.Sprintf("Expression `%s` is missing the following closing delimiter: `%c`.", frag, e.ch)
	case fkInvalidPrimary:
		text := "at `" + frag + "`."
		if blank {
			text = "but instead got nothing."
		}
		return "Was expecting an operation `=`, `!=`, `>=`, `>`, `<=`, `<`, `IN`, `NOT IN`, `TO`, `EXISTS`, `NOT EXISTS`, `IS NULL`, `IS NOT NULL`, `IS EMPTY`, `IS NOT EMPTY`, `CONTAINS`, `NOT CONTAINS`, `STARTS WITH`, `NOT STARTS WITH`, `_geoRadius`, `_geoBoundingBox` or `_geoPolygon` " + text
	case fkInvalidEscapedNumber:
		return fmt.Sprintf("Found an invalid escaped sequence number: `%s`.", frag)
	case fkExpectedEOF:
		return fmt.Sprintf("Found unexpected characters at the end of the filter: `%s`. You probably forgot an `OR` or an `AND` rule.", frag)
	case fkIncomplete:
		return "The filter is incomplete and requires Unknown additional bytes to be parsed."
	}
	return e.geoMessage(frag)
}

func (e *parseErr) geoMessage(frag string) string {
	switch e.kind {
	case fkGeoRadius:
		return "The `_geoRadius` filter must be in the form: `_geoRadius(latitude, longitude, radius, optionalResolution)`."
	case fkGeoRadiusArgumentCount:
		return fmt.Sprintf("Was expecting 3 or 4 arguments for `_geoRadius`, but instead found %d.", e.n)
	case fkGeoBoundingBox:
		return "The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`."
	case fkGeoPolygon:
		return "The `_geoPolygon` filter doesn't match the expected format: `_geoPolygon([latitude, longitude], [latitude, longitude])`."
	case fkGeoPolygonNotEnoughPoints:
		return fmt.Sprintf("The `_geoPolygon` filter expects at least 3 points but only %d were specified", e.n)
	case fkGeoCoordinatesNotPair:
		return fmt.Sprintf("Was expecting 2 coordinates but instead found %d.", e.n)
	case fkReservedGeo:
		return fmt.Sprintf("`%s` is a reserved keyword and thus can't be used as a filter expression. Use the `_geoRadius(latitude, longitude, distance)` or `_geoBoundingBox([latitude, longitude], [latitude, longitude])` built-in rules to filter on `_geo` coordinates.", e.text)
	case fkMisusedGeoRadius:
		return "The `_geoRadius` filter is an operation and can't be used as a value."
	case fkMisusedGeoBoundingBox:
		return "The `_geoBoundingBox` filter is an operation and can't be used as a value."
	case fkInOpeningBracket:
		return "Expected `[` after `IN` keyword."
	case fkInClosingBracket:
		return "Expected matching `]` after the list of field names given to `IN[`"
	case fkInExpectedValue:
		return fmt.Sprintf("Expected only comma-separated field names inside `IN[..]` but instead found `%s`.", frag)
	case fkNonFiniteFloat:
		return "Non finite floats are not supported"
	case fkDepthLimit:
		return "The filter exceeded the maximum depth limit. Try rewriting the filter so that it contains fewer nested conditions."
	}
	return e.text
}

// toError renders e as Meilisearch does: the diagnostic, a newline, then
// "<start col>:<end col> <whole filter>" with 1-based columns counted in
// characters from the last newline.
func (e *parseErr) toError(src string, code Code) *Error {
	return Errorf(code, "%s\n%s", e.message(src), locate(src, e.start, e.end))
}

func locate(src string, start, end int) string {
	start = min(max(start, 0), len(src))
	end = min(max(end, start), len(src))
	line := strings.LastIndexByte(src[:start], '\n') + 1
	col := utf8.RuneCountInString(src[line:start]) + 1
	return fmt.Sprintf("%d:%d %s", col, col+utf8.RuneCountInString(src[start:end]), src)
}

// escapeDebug approximates Rust's str::escape_debug, which Meilisearch uses
// to quote the offending fragment.
func escapeDebug(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\t':
			b.WriteString(`\t`)
		case '\r':
			b.WriteString(`\r`)
		case '\n':
			b.WriteString(`\n`)
		case '\\', '\'', '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case 0:
			b.WriteString(`\0`)
		default:
			if unicode.IsPrint(r) || r == ' ' {
				b.WriteRune(r)
			} else {
				b.WriteString(`\u{` + strconv.FormatInt(int64(r), 16) + `}`)
			}
		}
	}
	return b.String()
}
