package meili

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MaxIndexUIDLength is the longest accepted index uid, in bytes.
const MaxIndexUIDLength = 400

// Index is a catalog entry as GET /indexes/{uid} shows it.
type Index struct {
	UID        string    `json:"uid"`
	PrimaryKey *string   `json:"primaryKey"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

// Page is the offset/limit list envelope of /indexes, /keys and document
// browsing.
type Page[T any] struct {
	Results []T `json:"results"`
	Offset  int `json:"offset"`
	Limit   int `json:"limit"`
	Total   int `json:"total"`
}

// IndexList is the body of GET /indexes.
type IndexList = Page[Index]

// CreateIndexRequest is the body of POST /indexes.
type CreateIndexRequest struct {
	UID        string  `json:"uid"`
	PrimaryKey *string `json:"primaryKey,omitempty"`
}

// UpdateIndexRequest is the body of PATCH /indexes/{uid}: a new primary
// key and/or a new uid (rename).
type UpdateIndexRequest struct {
	PrimaryKey *string `json:"primaryKey,omitempty"`
	UID        *string `json:"uid,omitempty"`
}

// ValidIndexUID reports whether uid is a valid index uid: 1 to 400 bytes of
// ASCII letters, digits, '-' and '_'.
func ValidIndexUID(uid string) bool {
	if uid == "" || len(uid) > MaxIndexUIDLength {
		return false
	}
	for i := 0; i < len(uid); i++ {
		c := uid[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func indexUIDMessage(uid string) string {
	return fmt.Sprintf("`%s` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 512 bytes.", uid)
}

// ValidateIndexUID checks an index uid from a URL path (invalid_index_uid).
func ValidateIndexUID(uid string) error {
	if ValidIndexUID(uid) {
		return nil
	}
	return Errorf(CodeInvalidIndexUID, "%s", indexUIDMessage(uid))
}

// ValidateIndexUIDAt checks an index uid found in a JSON body at path
// (e.g. ".uid", ".queries[0].indexUid"): "Invalid value at `.uid`: ...".
func ValidateIndexUIDAt(uid, path string) error {
	if ValidIndexUID(uid) {
		return nil
	}
	return Errorf(CodeInvalidIndexUID, "Invalid value at `%s`: %s", path, indexUIDMessage(uid))
}

// ValidateIndexUIDParam checks an index uid found in query parameter
// param: "Invalid value in parameter `indexUids`: ...".
func ValidateIndexUIDParam(uid, param string) error {
	if ValidIndexUID(uid) {
		return nil
	}
	return Errorf(CodeInvalidIndexUID, "Invalid value in parameter `%s`: %s", param, indexUIDMessage(uid))
}

// ValidIndexPattern reports whether p is an index uid pattern: "*", an
// index uid, or an index uid prefix followed by '*'.
func ValidIndexPattern(p string) bool {
	if prefix, ok := strings.CutSuffix(p, "*"); ok {
		return prefix == "" || ValidIndexUID(prefix)
	}
	return ValidIndexUID(p)
}

// IndexPatternMatches reports whether pattern ("*", "prefix*" or an exact
// uid) matches uid.
func IndexPatternMatches(pattern, uid string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(uid, prefix)
	}
	return pattern == uid
}

// SwapIndexes is one element of POST /swap-indexes.
type SwapIndexes struct {
	Indexes []string `json:"indexes"`
	Rename  bool     `json:"rename"`
}

// ValidateSwaps checks a swap-indexes request: two valid uids per swap
// (invalid_swap_indexes) and no index in two swaps
// (invalid_swap_duplicate_index_found).
func ValidateSwaps(swaps []SwapIndexes) error {
	seen := map[string]bool{}
	var dups []string
	for i, s := range swaps {
		if len(s.Indexes) != 2 {
			return Errorf(CodeInvalidSwapIndexes, "Two indexes must be given for each swap. The list `[%s]` contains %d indexes.",
				debugList(s.Indexes), len(s.Indexes))
		}
		for j, uid := range s.Indexes {
			if err := ValidateIndexUIDAt(uid, fmt.Sprintf("[%d].indexes[%d]", i, j)); err != nil {
				return err
			}
			if seen[uid] && !containsString(dups, uid) {
				dups = append(dups, uid)
			}
			seen[uid] = true
		}
	}
	switch len(dups) {
	case 0:
	case 1:
		return Errorf(CodeInvalidSwapDuplicateIndexFound, "Indexes must be declared only once during a swap. `%s` was specified several times.", dups[0])
	default:
		return Errorf(CodeInvalidSwapDuplicateIndexFound, "Indexes must be declared only once during a swap. %s were specified several times.", quotedList(dups))
	}
	return nil
}

// debugList renders items like Rust's {:?} of a Vec<String>, without brackets.
func debugList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

func quotedList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}

// IndexStats is GET /indexes/{uid}/stats.
type IndexStats struct {
	NumberOfDocuments         uint64            `json:"numberOfDocuments"`
	RawDocumentDbSize         uint64            `json:"rawDocumentDbSize"`
	AvgDocumentSize           uint64            `json:"avgDocumentSize"`
	IsIndexing                bool              `json:"isIndexing"`
	NumberOfEmbeddings        *uint64           `json:"numberOfEmbeddings,omitempty"`
	NumberOfEmbeddedDocuments *uint64           `json:"numberOfEmbeddedDocuments,omitempty"`
	FieldDistribution         map[string]uint64 `json:"fieldDistribution"`
}

// Stats is GET /stats.
type Stats struct {
	DatabaseSize     uint64                `json:"databaseSize"`
	UsedDatabaseSize uint64                `json:"usedDatabaseSize"`
	LastUpdate       *time.Time            `json:"lastUpdate"`
	Indexes          map[string]IndexStats `json:"indexes"`
}

// EmulatedVersion is the Meilisearch version whose API miroir speaks, as
// GET /version reports it (clients gate features on pkgVersion).
const EmulatedVersion = "1.53.0"

// Version is GET /version.
type Version struct {
	CommitSha  string `json:"commitSha"`
	CommitDate string `json:"commitDate"`
	PkgVersion string `json:"pkgVersion"`
}

// Health is GET /health.
type Health struct {
	Status string `json:"status"`
}

// HealthAvailable is the body of a healthy GET /health.
func HealthAvailable() Health { return Health{Status: "available"} }

// DefaultPageLimit is the limit of offset/limit lists when absent.
const DefaultPageLimit = 20

// ParsePage reads the offset and limit of GET /indexes (codes
// CodeInvalidIndexOffset, CodeInvalidIndexLimit) or GET /keys
// (CodeInvalidAPIKeyOffset, CodeInvalidAPIKeyLimit); any other parameter is
// bad_request, as in Meilisearch.
func ParsePage(values url.Values, offsetCode, limitCode Code) (offset, limit int, err error) {
	allowed := []string{"offset", "limit"}
	for _, k := range sortedParamNames(values) {
		if !containsString(allowed, k) {
			return 0, 0, Errorf(CodeBadRequest, "Unknown parameter `%s`: expected one of %s", k, backquoteList(allowed))
		}
	}
	limit = DefaultPageLimit
	for _, p := range []struct {
		name string
		code Code
		dst  *int
	}{{"offset", offsetCode, &offset}, {"limit", limitCode, &limit}} {
		if !values.Has(p.name) {
			continue
		}
		n, perr := strconv.ParseUint(values.Get(p.name), 10, 31)
		if perr != nil {
			return 0, 0, Errorf(p.code, "Invalid value in parameter `%s`: could not parse `%s` as a positive integer", p.name, values.Get(p.name))
		}
		*p.dst = int(n)
	}
	return offset, limit, nil
}

// PageOf cuts items to the page [offset, offset+limit) with the total.
func PageOf[T any](items []T, offset, limit int) Page[T] {
	start := min(offset, len(items))
	end := min(start+limit, len(items))
	return Page[T]{Results: append([]T{}, items[start:end]...), Offset: offset, Limit: limit, Total: len(items)}
}
