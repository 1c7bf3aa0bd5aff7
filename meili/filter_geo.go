package meili

import (
	"math"
	"strconv"
)

// Geo argument checks. Meilisearch makes them while evaluating (milli
// index_filter.rs); miroir makes them while parsing, with the same messages
// and positions, so proxy and engine reject the same filters.

func (p *filterParser) checkPoint(pt GeoPoint, lat, lng floatTok) *parseErr {
	if pt.Lat < -90 || pt.Lat > 90 {
		return &parseErr{kind: fkExternal, start: lat.start, end: lat.end, text: "Bad latitude `" +
			rustFloat(pt.Lat) + "`. Latitude must be contained between -90 and 90 degrees."}
	}
	if pt.Lng < -180 || pt.Lng > 180 {
		normalized := math.Mod(pt.Lng+180, 360)
		if normalized < 0 {
			normalized += 360
		}
		return &parseErr{kind: fkExternal, start: lng.start, end: lng.end, text: "Bad longitude `" +
			rustFloat(pt.Lng) + "`. Longitude must be contained between -180 and 180 degrees. Hint: try using `" +
			rustFloat(normalized-180) + "` instead."}
	}
	return nil
}

// resolution applies Rust's saturating `f as usize` and the 3..=1000 range.
func (p *filterParser) resolution(f float64, tok floatTok) (int, *parseErr) {
	var r uint64
	switch {
	case f <= 0:
		r = 0
	case f >= math.MaxUint64:
		r = math.MaxUint64
	default:
		r = uint64(f)
	}
	if r < 3 || r > 1000 {
		return 0, &parseErr{kind: fkExternal, start: tok.start, end: tok.end, text: "Invalid resolution `" +
			strconv.FormatUint(r, 10) + "`. Resolution must be between 3 and 1000."}
	}
	return int(r), nil
}

// rustFloat formats like Rust's `{}` for f64: shortest round-trip digits,
// never an exponent.
func rustFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
