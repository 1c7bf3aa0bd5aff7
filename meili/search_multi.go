package meili

import (
	"encoding/json"
	"fmt"
)

// DecodeMultiSearchRequest decodes a POST /multi-search body. Each query is
// decoded like a search body (defaults filled) plus indexUid and
// federationOptions (weight defaults to 1.0). Under federation, per-query
// offset/limit/page/hitsPerPage are refused as Meilisearch does.
func DecodeMultiSearchRequest(body []byte) (*MultiSearchRequest, error) {
	fields, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	req := &MultiSearchRequest{}
	for key, raw := range fields {
		switch key {
		case "queries":
			var list []json.RawMessage
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, Errorf(CodeBadRequest, "Invalid value type at `.queries`: expected an array, but found %s: `%s`", jsonKind(raw), compact(raw))
			}
			for i, item := range list {
				mq, err := decodeMultiQuery(i, item)
				if err != nil {
					return nil, err
				}
				req.Queries = append(req.Queries, *mq)
			}
		case "federation":
			if isNull(raw) {
				continue
			}
			fed, err := decodeFederation(raw)
			if err != nil {
				return nil, err
			}
			req.Federation = fed
		default:
			return nil, unknownField(key, []string{"federation", "queries"})
		}
	}
	if req.Federation != nil {
		if err := checkFederatedQueries(body, req); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func decodeMultiQuery(i int, item json.RawMessage) (*MultiSearchQuery, error) {
	fields, err := decodeObject(item)
	if err != nil {
		return nil, err
	}
	mq := &MultiSearchQuery{SearchQuery: *NewSearchQuery()}
	if err := applySearchFields(&mq.SearchQuery, fields, []string{"indexUid", "federationOptions"}); err != nil {
		if e, ok := err.(*Error); ok {
			e.Message = fmt.Sprintf("Inside `.queries[%d]`: %s", i, e.Message)
		}
		return nil, err
	}
	raw, ok := fields["indexUid"]
	if !ok || json.Unmarshal(raw, &mq.IndexUID) != nil || mq.IndexUID == "" {
		return nil, Errorf(CodeInvalidIndexUID, "Inside `.queries[%d]`: Missing field `indexUid`", i)
	}
	if raw, ok := fields["federationOptions"]; ok && !isNull(raw) {
		opts := FederationOptions{Weight: 1}
		if err := json.Unmarshal(raw, &opts); err != nil || opts.Weight < 0 {
			return nil, searchError("invalid_multi_search_weight",
				"Inside `.queries[%d]`: Invalid value at `.federationOptions.weight`: the weight must be a positive number", i)
		}
		mq.FederationOptions = &opts
	}
	return mq, nil
}

func decodeFederation(raw json.RawMessage) (*Federation, error) {
	fed := &Federation{Limit: DefaultSearchLimit}
	if err := json.Unmarshal(raw, fed); err != nil {
		return nil, Errorf(CodeBadRequest, "Invalid value at `.federation`: %v", err)
	}
	return fed, nil
}

// checkFederatedQueries refuses per-query paging under federation.
func checkFederatedQueries(body []byte, req *MultiSearchRequest) error {
	var raw struct {
		Queries []map[string]json.RawMessage `json:"queries"`
	}
	_ = json.Unmarshal(body, &raw)
	for i, q := range raw.Queries {
		for _, k := range []string{"offset", "limit", "page", "hitsPerPage"} {
			if _, ok := q[k]; ok {
				return Errorf(CodeInvalidMultiSearchQueryPagination,
					"Inside `.queries[%d]`: Using pagination options is not allowed in federated queries.\n - Hint: remove `%s` from query #%d or remove `federation` from the request\n - Hint: pass `federation.limit` and `federation.offset` for pagination in federated search", i, k, i)
			}
		}
	}
	for i := range req.Queries {
		if req.Queries[i].FederationOptions == nil {
			req.Queries[i].FederationOptions = &FederationOptions{Weight: 1}
		}
	}
	return nil
}

// DecodeFacetSearchQuery decodes a POST /indexes/{uid}/facet-search body.
func DecodeFacetSearchQuery(body []byte) (*FacetSearchQuery, error) {
	fields, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	known := []string{"facetName", "facetQuery", "q", "filter", "matchingStrategy",
		"attributesToSearchOn", "exhaustiveFacetCount", "locales", "hybrid", "vector", "rankingScoreThreshold"}
	for key := range fields {
		if !contains(known, key) {
			return nil, unknownField(key, known)
		}
	}
	q := &FacetSearchQuery{MatchingStrategy: MatchingStrategyLast}
	if err := json.Unmarshal(body, q); err != nil {
		return nil, Errorf(CodeBadRequest, "Invalid facet search body: %v", err)
	}
	if q.FacetName == "" {
		return nil, Errorf(CodeInvalidSearchFacetName, "Missing field `facetName`")
	}
	return q, nil
}
