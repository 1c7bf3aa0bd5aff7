package meili

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

var byteSize = regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMGT]?I?B?)\s*$`)

// ParseByteSize reads a size as Meilisearch's byte_unit does (the export
// route's payloadSize): "1MB" is 10^6 bytes, "1MiB" 2^20, a bare number
// or "B" is bytes; units are case-insensitive. Sizes below one byte are
// refused.
func ParseByteSize(s string) (int, error) {
	m := byteSize.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		return 0, fmt.Errorf("`%s` is not a valid size", s)
	}
	n, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, fmt.Errorf("`%s` is not a valid size", s)
	}
	unit := strings.TrimSuffix(m[2], "B")
	base := 1000.0
	if strings.HasSuffix(unit, "I") {
		base, unit = 1024, strings.TrimSuffix(unit, "I")
	}
	if unit != "" { // strings.Index("KMGT", "") is 0, which would count "" as K
		for range strings.Index("KMGT", unit) + 1 {
			n *= base
		}
	}
	if n < 1 {
		return 0, fmt.Errorf("`%s` is too small", s)
	}
	return int(n), nil
}
