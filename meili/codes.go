package meili

import "net/http"

// Meilisearch error codes used by the engine and the proxy. Add codes here,
// with their status and type in codeTable, never inline elsewhere.
const (
	CodeInternal                            Code = "internal"
	CodeBadRequest                          Code = "bad_request"
	CodeMalformedPayload                    Code = "malformed_payload"
	CodeMissingPayload                      Code = "missing_payload"
	CodeInvalidContentType                  Code = "invalid_content_type"
	CodeMissingContentType                  Code = "missing_content_type"
	CodeInvalidDocumentCSVDelimiter         Code = "invalid_document_csv_delimiter"
	CodePayloadTooLarge                     Code = "payload_too_large"
	CodeMissingAuthorizationHeader          Code = "missing_authorization_header"
	CodeInvalidAPIKey                       Code = "invalid_api_key"
	CodeMissingMasterKey                    Code = "missing_master_key"
	CodeIndexNotFound                       Code = "index_not_found"
	CodeIndexAlreadyExists                  Code = "index_already_exists"
	CodeInvalidIndexUID                     Code = "invalid_index_uid"
	CodeIndexPrimaryKeyAlreadyExists        Code = "index_primary_key_already_exists"
	CodeIndexPrimaryKeyNoCandidate          Code = "index_primary_key_no_candidate_found"
	CodeIndexPrimaryKeyMultipleCandidates   Code = "index_primary_key_multiple_candidates_found"
	CodeInvalidIndexPrimaryKey              Code = "invalid_index_primary_key"
	CodeMissingDocumentID                   Code = "missing_document_id"
	CodeInvalidDocumentID                   Code = "invalid_document_id"
	CodeDocumentNotFound                    Code = "document_not_found"
	CodeInvalidDocumentFields               Code = "invalid_document_fields"
	CodeInvalidDocumentFilter               Code = "invalid_document_filter"
	CodeInvalidDocumentOffset               Code = "invalid_document_offset"
	CodeInvalidDocumentLimit                Code = "invalid_document_limit"
	CodeInvalidDocumentSort                 Code = "invalid_document_sort"
	CodeInvalidDocumentIDs                  Code = "invalid_document_ids"
	CodeInvalidSearchQ                      Code = "invalid_search_q"
	CodeInvalidSearchOffset                 Code = "invalid_search_offset"
	CodeInvalidSearchLimit                  Code = "invalid_search_limit"
	CodeInvalidSearchPage                   Code = "invalid_search_page"
	CodeInvalidSearchHitsPerPage            Code = "invalid_search_hits_per_page"
	CodeInvalidSearchFilter                 Code = "invalid_search_filter"
	CodeInvalidSearchSort                   Code = "invalid_search_sort"
	CodeInvalidSearchFacets                 Code = "invalid_search_facets"
	CodeInvalidSearchDistinct               Code = "invalid_search_distinct"
	CodeInvalidSearchAttributesToRetrieve   Code = "invalid_search_attributes_to_retrieve"
	CodeInvalidSearchAttributesToSearchOn   Code = "invalid_search_attributes_to_search_on"
	CodeInvalidSearchMatchingStrategy       Code = "invalid_search_matching_strategy"
	CodeInvalidSearchRankingScoreThreshold  Code = "invalid_search_ranking_score_threshold"
	CodeInvalidSearchFacetName              Code = "invalid_facet_search_facet_name"
	CodeInvalidMultiSearchFederated         Code = "invalid_multi_search_query_federated"
	CodeInvalidMultiSearchQueryPagination   Code = "invalid_multi_search_query_pagination"
	CodeInvalidSettingsFilterableAttributes Code = "invalid_settings_filterable_attributes"
	CodeInvalidSettingsSortableAttributes   Code = "invalid_settings_sortable_attributes"
	CodeInvalidSettingsRankingRules         Code = "invalid_settings_ranking_rules"
	CodeInvalidSettingsTypoTolerance        Code = "invalid_settings_typo_tolerance"
	CodeInvalidSettingsPagination           Code = "invalid_settings_pagination"
	CodeInvalidSettingsFaceting             Code = "invalid_settings_faceting"
	CodeInvalidSettingsSynonyms             Code = "invalid_settings_synonyms"
	CodeInvalidSettingsDistinctAttribute    Code = "invalid_settings_distinct_attribute"
	CodeInvalidSettingsSearchableAttributes Code = "invalid_settings_searchable_attributes"
	CodeInvalidSettingsDisplayedAttributes  Code = "invalid_settings_displayed_attributes"
	CodeInvalidSettingsStopWords            Code = "invalid_settings_stop_words"
	CodeInvalidSettingsEmbedders            Code = "invalid_settings_embedders"
	CodeTaskNotFound                        Code = "task_not_found"
	CodeBatchNotFound                       Code = "batch_not_found"
	CodeInvalidTaskUIDs                     Code = "invalid_task_uids"
	CodeInvalidTaskStatuses                 Code = "invalid_task_statuses"
	CodeInvalidTaskTypes                    Code = "invalid_task_types"
	CodeInvalidTaskLimit                    Code = "invalid_task_limit"
	CodeInvalidTaskFrom                     Code = "invalid_task_from"
	CodeMissingTaskFilters                  Code = "missing_task_filters"
	CodeAPIKeyNotFound                      Code = "api_key_not_found"
	CodeAPIKeyAlreadyExists                 Code = "api_key_already_exists"
	CodeInvalidAPIKeyActions                Code = "invalid_api_key_actions"
	CodeInvalidAPIKeyIndexes                Code = "invalid_api_key_indexes"
	CodeInvalidAPIKeyExpiresAt              Code = "invalid_api_key_expires_at"
	CodeInvalidAPIKeyUID                    Code = "invalid_api_key_uid"
	CodeInvalidAPIKeyName                   Code = "invalid_api_key_name"
	CodeInvalidAPIKeyDescription            Code = "invalid_api_key_description"
	CodeImmutableAPIKeyField                Code = "immutable_api_key_uid"
	CodeImmutableAPIKeyUID                       = CodeImmutableAPIKeyField
	CodeMissingAPIKeyActions                Code = "missing_api_key_actions"
	CodeMissingAPIKeyIndexes                Code = "missing_api_key_indexes"
	CodeMissingAPIKeyExpiresAt              Code = "missing_api_key_expires_at"
	CodeInvalidSwapIndexes                  Code = "invalid_swap_indexes"
	CodeInvalidSwapDuplicateIndexFound      Code = "invalid_swap_duplicate_index_found"
	CodeFeatureNotEnabled                   Code = "feature_not_enabled"
	CodeNotImplemented                      Code = "not_implemented"
	CodeNoSpaceLeftOnDevice                 Code = "no_space_left_on_device"

	// miroir's own codes (prior-art §6), plus cluster-level ones.
	CodeMiroirPrimaryKeyRequired    Code = "miroir_primary_key_required"
	CodeMiroirNoQuorum              Code = "miroir_no_quorum"
	CodeMiroirShardUnavailable      Code = "miroir_shard_unavailable"
	CodeMiroirReservedField         Code = "miroir_reserved_field"
	CodeMiroirIdempotencyKeyReused  Code = "miroir_idempotency_key_reused"
	CodeMiroirSettingsVersionStale  Code = "miroir_settings_version_stale"
	CodeMiroirMultiAliasNotWritable Code = "miroir_multi_alias_not_writable"
	CodeMiroirJWTInvalid            Code = "miroir_jwt_invalid"
	CodeMiroirJWTScopeDenied        Code = "miroir_jwt_scope_denied"
	CodeMiroirInvalidAuth           Code = "miroir_invalid_auth"
	CodeMiroirNoLeader              Code = "miroir_no_leader"
	CodeMiroirNodeNotFound          Code = "miroir_node_not_found"
	CodeMiroirNodeExists            Code = "miroir_node_already_exists"
	CodeMiroirInvalidNodeState      Code = "miroir_invalid_node_state"
	CodeMiroirPeerNotFound          Code = "miroir_peer_not_found"
	CodeMiroirInvalidRequest        Code = "miroir_invalid_request"
	CodeMiroirTimeout               Code = "miroir_timeout"

	// Domain codes the FSM returns as Apply errors (fsm.ResultError.Code).
	CodeMiroirGroupNotFound           Code = "miroir_group_not_found"
	CodeMiroirGroupExists             Code = "miroir_group_already_exists"
	CodeMiroirInvalidGroupState       Code = "miroir_invalid_group_state"
	CodeMiroirInvalidCommand          Code = "miroir_invalid_command"
	CodeMiroirAliasNotFound           Code = "miroir_alias_not_found"
	CodeMiroirAliasConflict           Code = "miroir_alias_conflict"
	CodeMiroirSettingsVersionConflict Code = "miroir_settings_version_conflict"
	CodeMiroirInvalidTaskState        Code = "miroir_invalid_task_state"
	CodeMiroirMoveNotFound            Code = "miroir_move_not_found"
	CodeMiroirMoveExists              Code = "miroir_move_already_exists"
	CodeMiroirInvalidMovePhase        Code = "miroir_invalid_move_phase"
)

var codeTable = map[Code]codeDef{
	CodeInternal:                            {http.StatusInternalServerError, TypeInternal},
	CodeBadRequest:                          {http.StatusBadRequest, TypeInvalidRequest},
	CodeMalformedPayload:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingPayload:                      {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidContentType:                  {http.StatusUnsupportedMediaType, TypeInvalidRequest},
	CodeMissingContentType:                  {http.StatusUnsupportedMediaType, TypeInvalidRequest},
	CodeInvalidDocumentCSVDelimiter:         {http.StatusBadRequest, TypeInvalidRequest},
	CodePayloadTooLarge:                     {http.StatusRequestEntityTooLarge, TypeInvalidRequest},
	CodeMissingAuthorizationHeader:          {http.StatusUnauthorized, TypeAuth},
	CodeInvalidAPIKey:                       {http.StatusForbidden, TypeAuth},
	CodeMissingMasterKey:                    {http.StatusUnauthorized, TypeAuth},
	CodeIndexNotFound:                       {http.StatusNotFound, TypeInvalidRequest},
	CodeIndexAlreadyExists:                  {http.StatusConflict, TypeInvalidRequest},
	CodeInvalidIndexUID:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeIndexPrimaryKeyAlreadyExists:        {http.StatusBadRequest, TypeInvalidRequest},
	CodeIndexPrimaryKeyNoCandidate:          {http.StatusBadRequest, TypeInvalidRequest},
	CodeIndexPrimaryKeyMultipleCandidates:   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexPrimaryKey:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingDocumentID:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentID:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeDocumentNotFound:                    {http.StatusNotFound, TypeInvalidRequest},
	CodeInvalidDocumentFields:               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentFilter:               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentOffset:               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentLimit:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentSort:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentIDs:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchQ:                      {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchOffset:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchLimit:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchPage:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchHitsPerPage:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchFilter:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchSort:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchFacets:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchDistinct:               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchAttributesToRetrieve:   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchAttributesToSearchOn:   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchMatchingStrategy:       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchRankingScoreThreshold:  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchFacetName:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchFederated:         {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchQueryPagination:   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsFilterableAttributes: {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsSortableAttributes:   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsRankingRules:         {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsTypoTolerance:        {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsPagination:           {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsFaceting:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsSynonyms:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsDistinctAttribute:    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsSearchableAttributes: {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsDisplayedAttributes:  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsStopWords:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsEmbedders:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeTaskNotFound:                        {http.StatusNotFound, TypeInvalidRequest},
	CodeBatchNotFound:                       {http.StatusNotFound, TypeInvalidRequest},
	CodeInvalidTaskUIDs:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskStatuses:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskTypes:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskLimit:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskFrom:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingTaskFilters:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeAPIKeyNotFound:                      {http.StatusNotFound, TypeInvalidRequest},
	CodeAPIKeyAlreadyExists:                 {http.StatusConflict, TypeInvalidRequest},
	CodeInvalidAPIKeyActions:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidAPIKeyIndexes:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidAPIKeyExpiresAt:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidAPIKeyUID:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidAPIKeyName:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidAPIKeyDescription:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableAPIKeyField:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingAPIKeyActions:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingAPIKeyIndexes:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingAPIKeyExpiresAt:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSwapIndexes:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSwapDuplicateIndexFound:      {http.StatusBadRequest, TypeInvalidRequest},
	CodeFeatureNotEnabled:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeNotImplemented:                      {http.StatusNotImplemented, TypeInvalidRequest},
	CodeNoSpaceLeftOnDevice:                 {http.StatusUnprocessableEntity, TypeSystem},

	CodeMiroirPrimaryKeyRequired:    {http.StatusBadRequest, TypeInvalidRequest},
	CodeMiroirNoQuorum:              {http.StatusServiceUnavailable, TypeSystem},
	CodeMiroirShardUnavailable:      {http.StatusServiceUnavailable, TypeSystem},
	CodeMiroirReservedField:         {http.StatusBadRequest, TypeInvalidRequest},
	CodeMiroirIdempotencyKeyReused:  {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirSettingsVersionStale:  {http.StatusServiceUnavailable, TypeSystem},
	CodeMiroirMultiAliasNotWritable: {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirJWTInvalid:            {http.StatusUnauthorized, TypeAuth},
	CodeMiroirJWTScopeDenied:        {http.StatusForbidden, TypeAuth},
	CodeMiroirInvalidAuth:           {http.StatusUnauthorized, TypeAuth},
	CodeMiroirNoLeader:              {http.StatusServiceUnavailable, TypeSystem},
	CodeMiroirNodeNotFound:          {http.StatusNotFound, TypeInvalidRequest},
	CodeMiroirNodeExists:            {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirInvalidNodeState:      {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirPeerNotFound:          {http.StatusNotFound, TypeInvalidRequest},
	CodeMiroirInvalidRequest:        {http.StatusBadRequest, TypeInvalidRequest},
	CodeMiroirTimeout:               {http.StatusGatewayTimeout, TypeSystem},

	CodeMiroirGroupNotFound:           {http.StatusNotFound, TypeInvalidRequest},
	CodeMiroirGroupExists:             {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirInvalidGroupState:       {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirInvalidCommand:          {http.StatusBadRequest, TypeInvalidRequest},
	CodeMiroirAliasNotFound:           {http.StatusNotFound, TypeInvalidRequest},
	CodeMiroirAliasConflict:           {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirSettingsVersionConflict: {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirInvalidTaskState:        {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirMoveNotFound:            {http.StatusNotFound, TypeInvalidRequest},
	CodeMiroirMoveExists:              {http.StatusConflict, TypeInvalidRequest},
	CodeMiroirInvalidMovePhase:        {http.StatusConflict, TypeInvalidRequest},
}
