package meili

import (
	"math"
	"slices"
	"strconv"
)

// CheckGeo range-checks the geo filters with Meilisearch's messages and
// positions: latitudes in [-90, 90], longitudes in [-180, 180], a radius
// resolution in [3, 1000], a bounding box whose top is not below its
// bottom. Meilisearch makes these checks while evaluating (milli
// index_filter.rs), so evaluators call CheckGeo then, with their error code
// (invalid_search_filter or invalid_document_filter).
func (f *Filter) CheckGeo(code Code) error {
	var err error
	f.Walk(func(n Node) bool {
		if err == nil {
			err = f.checkGeoNode(n, code)
		}
		return err == nil
	})
	return err
}

func (f *Filter) checkGeoNode(n Node, code Code) error {
	switch g := n.(type) {
	case *GeoRadius:
		if err := f.checkPoint(g.Center, g.args[0], g.args[1], code); err != nil {
			return err
		}
		if len(g.args) == 4 {
			return f.checkResolution(g.rawResolution, g.args[3], code)
		}
	case *GeoBoundingBox:
		for i, pt := range []GeoPoint{g.TopRight, g.BottomLeft} {
			if err := f.checkPoint(pt, g.args[2*i], g.args[2*i+1], code); err != nil {
				return err
			}
		}
		if g.TopRight.Lat < g.BottomLeft.Lat {
			return f.ErrorAt(code, g.args[3], "The top latitude `"+rustFloat(g.TopRight.Lat)+
				"` is below the bottom latitude `"+rustFloat(g.BottomLeft.Lat)+"`.")
		}
	case *GeoPolygon:
		for i, pt := range g.Points {
			if err := f.checkPoint(pt, g.args[2*i], g.args[2*i+1], code); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *Filter) checkPoint(pt GeoPoint, lat, lng Pos, code Code) error {
	if pt.Lat < -90 || pt.Lat > 90 {
		return f.ErrorAt(code, lat, "Bad latitude `"+rustFloat(pt.Lat)+"`. Latitude must be contained between -90 and 90 degrees.")
	}
	if pt.Lng < -180 || pt.Lng > 180 {
		normalized := math.Mod(pt.Lng+180, 360)
		if normalized < 0 {
			normalized += 360
		}
		return f.ErrorAt(code, lng, "Bad longitude `"+rustFloat(pt.Lng)+
			"`. Longitude must be contained between -180 and 180 degrees. Hint: try using `"+rustFloat(normalized-180)+"` instead.")
	}
	return nil
}

// checkResolution applies Rust's saturating `f as usize` and the 3..=1000
// range.
func (f *Filter) checkResolution(res float64, at Pos, code Code) error {
	var r uint64
	switch {
	case res <= 0:
		r = 0
	case res >= math.MaxUint64:
		r = math.MaxUint64
	default:
		r = uint64(res)
	}
	if r < 3 || r > 1000 {
		return f.ErrorAt(code, at, "Invalid resolution `"+strconv.FormatUint(r, 10)+"`. Resolution must be between 3 and 1000.")
	}
	return nil
}

// rustFloat formats like Rust's `{}` for f64: shortest round-trip digits,
// never an exponent.
func rustFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// NotFilterableMessage is Meilisearch's message for a filter on an
// attribute that matches no filterable pattern; patterns are listed sorted,
// each in backquotes. Locate it with Filter.ErrorAt(code, field.At, msg).
func NotFilterableMessage(attribute string, patterns []string) string {
	msg := "Attribute `" + attribute + "` is not filterable."
	if len(patterns) == 0 {
		return msg + " This index does not have configured filterable attributes."
	}
	sorted := slices.Clone(patterns)
	slices.Sort(sorted)
	sorted = slices.Compact(sorted)
	return msg + " Available filterable attribute patterns are: " + quotedList(sorted) + "."
}
