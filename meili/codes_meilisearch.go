// Code generated from meilisearch-types/src/error.rs (v1.5x): the codes not
// already declared in codes.go. DO NOT EDIT; add hand-written codes to codes.go.

package meili

import "net/http"

// Every other code a Meilisearch server can answer, so miroir can name any
// code it relays.
const (
	CodeIndexScopedAPIKeyWithGlobalAction              Code = "index_scoped_api_key_with_global_action"
	CodeBadParameter                                   Code = "bad_parameter"
	CodeDatabaseSizeLimitReached                       Code = "database_size_limit_reached"
	CodeDumpAlreadyProcessing                          Code = "dump_already_processing"
	CodeDumpNotFound                                   Code = "dump_not_found"
	CodeDumpProcessFailed                              Code = "dump_process_failed"
	CodeDuplicateIndexFound                            Code = "duplicate_index_found"
	CodeImmutableAPIKeyActions                         Code = "immutable_api_key_actions"
	CodeImmutableAPIKeyCreatedAt                       Code = "immutable_api_key_created_at"
	CodeImmutableAPIKeyExpiresAt                       Code = "immutable_api_key_expires_at"
	CodeImmutableAPIKeyIndexes                         Code = "immutable_api_key_indexes"
	CodeImmutableAPIKeyKey                             Code = "immutable_api_key_key"
	CodeImmutableAPIKeyUpdatedAt                       Code = "immutable_api_key_updated_at"
	CodeImmutableIndexCreatedAt                        Code = "immutable_index_created_at"
	CodeImmutableIndexUpdatedAt                        Code = "immutable_index_updated_at"
	CodeImportTaskAlreadyReceived                      Code = "import_task_already_received"
	CodeImportTaskUnknownRemote                        Code = "import_task_unknown_remote"
	CodeReceiveImportFinishedUnknownRemote             Code = "receive_import_finished_unknown_remote"
	CodeImportTaskWithoutNetworkTask                   Code = "import_task_without_network_task"
	CodeIndexCreationFailed                            Code = "index_creation_failed"
	CodeInvalidAPIKeyLimit                             Code = "invalid_api_key_limit"
	CodeInvalidAPIKeyOffset                            Code = "invalid_api_key_offset"
	CodeInvalidDocumentRetrieveVectors                 Code = "invalid_document_retrieve_vectors"
	CodeMissingDocumentFilter                          Code = "missing_document_filter"
	CodeMissingDocumentEditionFunction                 Code = "missing_document_edition_function"
	CodeInconsistentDocumentChangeHeaders              Code = "inconsistent_document_change_headers"
	CodeInvalidDocumentUseNetwork                      Code = "invalid_document_use_network"
	CodeInvalidDocumentGeoField                        Code = "invalid_document_geo_field"
	CodeInvalidDocumentGeojsonField                    Code = "invalid_document_geojson_field"
	CodeInvalidHeaderValue                             Code = "invalid_header_value"
	CodeInvalidVectorDimensions                        Code = "invalid_vector_dimensions"
	CodeInvalidVectorsType                             Code = "invalid_vectors_type"
	CodeInvalidSearchEmbedder                          Code = "invalid_search_embedder"
	CodeInvalidSimilarEmbedder                         Code = "invalid_similar_embedder"
	CodeInvalidSearchHybridQuery                       Code = "invalid_search_hybrid_query"
	CodeInvalidIndexLimit                              Code = "invalid_index_limit"
	CodeInvalidIndexOffset                             Code = "invalid_index_offset"
	CodeInvalidIndexCustomMetadata                     Code = "invalid_index_custom_metadata"
	CodeInvalidSkipCreation                            Code = "invalid_skip_creation"
	CodeInvalidMultiSearchFacets                       Code = "invalid_multi_search_facets"
	CodeInvalidMultiSearchFacetsByIndex                Code = "invalid_multi_search_facets_by_index"
	CodeInvalidMultiSearchFacetOrder                   Code = "invalid_multi_search_facet_order"
	CodeInvalidMultiSearchQueryPersonalization         Code = "invalid_multi_search_query_personalization"
	CodeInvalidMultiSearchQueryShowPerformanceDetails  Code = "invalid_multi_search_query_show_performance_details"
	CodeInvalidMultiSearchFederatedCode                Code = "invalid_multi_search_federated"
	CodeInvalidMultiSearchFederationOptions            Code = "invalid_multi_search_federation_options"
	CodeInvalidMultiSearchMaxValuesPerFacet            Code = "invalid_multi_search_max_values_per_facet"
	CodeInvalidMultiSearchMergeFacets                  Code = "invalid_multi_search_merge_facets"
	CodeInvalidMultiSearchQueryFacets                  Code = "invalid_multi_search_query_facets"
	CodeInvalidMultiSearchDistinct                     Code = "invalid_multi_search_distinct"
	CodeInvalidMultiSearchQueryRankingRules            Code = "invalid_multi_search_query_ranking_rules"
	CodeInvalidMultiSearchQueryPosition                Code = "invalid_multi_search_query_position"
	CodeInvalidMultiSearchRemote                       Code = "invalid_multi_search_remote"
	CodeInvalidMultiSearchWeight                       Code = "invalid_multi_search_weight"
	CodeInvalidNetworkLeader                           Code = "invalid_network_leader"
	CodeInvalidNetworkRemotes                          Code = "invalid_network_remotes"
	CodeInvalidNetworkShards                           Code = "invalid_network_shards"
	CodeInvalidNetworkSelf                             Code = "invalid_network_self"
	CodeInvalidNetworkSearchAPIKey                     Code = "invalid_network_search_api_key"
	CodeInvalidNetworkWriteAPIKey                      Code = "invalid_network_write_api_key"
	CodeInvalidNetworkURL                              Code = "invalid_network_url"
	CodeInvalidSearchAttributesToCrop                  Code = "invalid_search_attributes_to_crop"
	CodeInvalidSearchAttributesToHighlight             Code = "invalid_search_attributes_to_highlight"
	CodeInvalidSimilarAttributesToRetrieve             Code = "invalid_similar_attributes_to_retrieve"
	CodeInvalidSimilarRetrieveVectors                  Code = "invalid_similar_retrieve_vectors"
	CodeInvalidSimilarRankingScoreThreshold            Code = "invalid_similar_ranking_score_threshold"
	CodeInvalidSearchRetrieveVectors                   Code = "invalid_search_retrieve_vectors"
	CodeInvalidSearchCropLength                        Code = "invalid_search_crop_length"
	CodeInvalidSearchCropMarker                        Code = "invalid_search_crop_marker"
	CodeInvalidSearchSemanticRatio                     Code = "invalid_search_semantic_ratio"
	CodeInvalidSearchLocales                           Code = "invalid_search_locales"
	CodeInvalidFacetSearchExhaustiveFacetCount         Code = "invalid_facet_search_exhaustive_facet_count"
	CodeInvalidSimilarID                               Code = "invalid_similar_id"
	CodeInvalidSimilarFilter                           Code = "invalid_similar_filter"
	CodeInvalidSearchHighlightPostTag                  Code = "invalid_search_highlight_post_tag"
	CodeInvalidSearchHighlightPreTag                   Code = "invalid_search_highlight_pre_tag"
	CodeInvalidSimilarLimit                            Code = "invalid_similar_limit"
	CodeInvalidSimilarOffset                           Code = "invalid_similar_offset"
	CodeInvalidFacetSearchQuery                        Code = "invalid_facet_search_query"
	CodeInvalidFacetSearchName                         Code = "invalid_facet_search_name"
	CodeFacetSearchDisabled                            Code = "facet_search_disabled"
	CodeInvalidSearchVector                            Code = "invalid_search_vector"
	CodeInvalidSearchMedia                             Code = "invalid_search_media"
	CodeInvalidSearchShowMatchesPosition               Code = "invalid_search_show_matches_position"
	CodeInvalidSearchShowRankingScore                  Code = "invalid_search_show_ranking_score"
	CodeInvalidSimilarShowRankingScore                 Code = "invalid_similar_show_ranking_score"
	CodeInvalidSearchShowRankingScoreDetails           Code = "invalid_search_show_ranking_score_details"
	CodeInvalidSearchShowPerformanceDetails            Code = "invalid_search_show_performance_details"
	CodeInvalidSearchUseNetwork                        Code = "invalid_search_use_network"
	CodeInvalidSimilarShowRankingScoreDetails          Code = "invalid_similar_show_ranking_score_details"
	CodeInvalidSimilarShowPerformanceDetails           Code = "invalid_similar_show_performance_details"
	CodeInvalidSearchPersonalize                       Code = "invalid_search_personalize"
	CodeInvalidSearchPersonalizeUserContext            Code = "invalid_search_personalize_user_context"
	CodeInvalidSearchMediaAndVector                    Code = "invalid_search_media_and_vector"
	CodeInvalidSettingsProximityPrecision              Code = "invalid_settings_proximity_precision"
	CodeInvalidSettingsFacetSearch                     Code = "invalid_settings_facet_search"
	CodeInvalidSettingsPrefixSearch                    Code = "invalid_settings_prefix_search"
	CodeInvalidSettingsForeignKeys                     Code = "invalid_settings_foreign_keys"
	CodeInvalidSettingsSearchCutoffMs                  Code = "invalid_settings_search_cutoff_ms"
	CodeInvalidSettingsNonSeparatorTokens              Code = "invalid_settings_non_separator_tokens"
	CodeInvalidSettingsSeparatorTokens                 Code = "invalid_settings_separator_tokens"
	CodeInvalidSettingsDictionary                      Code = "invalid_settings_dictionary"
	CodeInvalidSettingsLocalizedAttributes             Code = "invalid_settings_localized_attributes"
	CodeInvalidState                                   Code = "invalid_state"
	CodeInvalidStatsShowInternalDatabaseSizes          Code = "invalid_stats_show_internal_database_sizes"
	CodeInvalidStatsSizeFormat                         Code = "invalid_stats_size_format"
	CodeInvalidStoreFile                               Code = "invalid_store_file"
	CodeInvalidSwapRename                              Code = "invalid_swap_rename"
	CodeInvalidTaskAfterEnqueuedAt                     Code = "invalid_task_after_enqueued_at"
	CodeInvalidTaskAfterFinishedAt                     Code = "invalid_task_after_finished_at"
	CodeInvalidTaskAfterStartedAt                      Code = "invalid_task_after_started_at"
	CodeInvalidTaskBeforeEnqueuedAt                    Code = "invalid_task_before_enqueued_at"
	CodeInvalidTaskBeforeFinishedAt                    Code = "invalid_task_before_finished_at"
	CodeInvalidTaskBeforeStartedAt                     Code = "invalid_task_before_started_at"
	CodeInvalidTaskCanceledBy                          Code = "invalid_task_canceled_by"
	CodeInvalidTaskReverse                             Code = "invalid_task_reverse"
	CodeInvalidBatchUIDs                               Code = "invalid_batch_uids"
	CodeIoError                                        Code = "io_error"
	CodeMaxFieldsLimitExceeded                         Code = "max_fields_limit_exceeded"
	CodeMissingFacetSearchFacetName                    Code = "missing_facet_search_facet_name"
	CodeMissingIndexUID                                Code = "missing_index_uid"
	CodeMissingNetworkURL                              Code = "missing_network_url"
	CodeMissingSearchHybrid                            Code = "missing_search_hybrid"
	CodeMissingSwapIndexes                             Code = "missing_swap_indexes"
	CodeNetworkVersionMismatch                         Code = "network_version_mismatch"
	CodeNotLeader                                      Code = "not_leader"
	CodeRemoteBadResponse                              Code = "remote_bad_response"
	CodeRemoteBadRequest                               Code = "remote_bad_request"
	CodeUnknownRemote                                  Code = "unknown_remote"
	CodeRemoteCouldNotSendRequest                      Code = "remote_could_not_send_request"
	CodeRemoteInvalidAPIKey                            Code = "remote_invalid_api_key"
	CodeRemoteRemoteError                              Code = "remote_remote_error"
	CodeRemoteTimeout                                  Code = "remote_timeout"
	CodeTooManySearchRequests                          Code = "too_many_search_requests"
	CodeTaskFileNotFound                               Code = "task_file_not_found"
	CodeTooManyOpenFiles                               Code = "too_many_open_files"
	CodeTooManyVectors                                 Code = "too_many_vectors"
	CodeUnexpectedNetworkPreviousRemotes               Code = "unexpected_network_previous_remotes"
	CodeNetworkVersionTooOld                           Code = "network_version_too_old"
	CodeUnprocessedNetworkTask                         Code = "unprocessed_network_task"
	CodeUnretrievableDocument                          Code = "unretrievable_document"
	CodeUnretrievableErrorCode                         Code = "unretrievable_error_code"
	CodeUnsupportedMediaType                           Code = "unsupported_media_type"
	CodeVectorEmbeddingError                           Code = "vector_embedding_error"
	CodeNotFoundSimilarID                              Code = "not_found_similar_id"
	CodeInvalidDocumentEditionContext                  Code = "invalid_document_edition_context"
	CodeInvalidDocumentEditionFunctionFilter           Code = "invalid_document_edition_function_filter"
	CodeEditDocumentsByFunctionError                   Code = "edit_documents_by_function_error"
	CodeInvalidSettingsIndexChat                       Code = "invalid_settings_index_chat"
	CodeInvalidExportURL                               Code = "invalid_export_url"
	CodeInvalidExportAPIKey                            Code = "invalid_export_api_key"
	CodeInvalidExportPayloadSize                       Code = "invalid_export_payload_size"
	CodeInvalidExportIndexesPatterns                   Code = "invalid_export_indexes_patterns"
	CodeInvalidExportIndexFilter                       Code = "invalid_export_index_filter"
	CodeInvalidExportIndexOverrideSettings             Code = "invalid_export_index_override_settings"
	CodeUnimplementedExternalFunctionCalling           Code = "unimplemented_external_function_calling"
	CodeUnimplementedNonStreamingChatCompletions       Code = "unimplemented_non_streaming_chat_completions"
	CodeUnimplementedMultiChoiceChatCompletions        Code = "unimplemented_multi_choice_chat_completions"
	CodeChatNotFound                                   Code = "chat_not_found"
	CodeInvalidChatSettingDocumentTemplate             Code = "invalid_chat_setting_document_template"
	CodeInvalidChatCompletionOrgID                     Code = "invalid_chat_completion_org_id"
	CodeInvalidChatCompletionProjectID                 Code = "invalid_chat_completion_project_id"
	CodeInvalidChatCompletionAPIVersion                Code = "invalid_chat_completion_api_version"
	CodeInvalidChatCompletionDeploymentID              Code = "invalid_chat_completion_deployment_id"
	CodeInvalidChatCompletionSource                    Code = "invalid_chat_completion_source"
	CodeInvalidChatCompletionBaseAPI                   Code = "invalid_chat_completion_base_api"
	CodeInvalidChatCompletionAPIKey                    Code = "invalid_chat_completion_api_key"
	CodeInvalidChatCompletionPrompts                   Code = "invalid_chat_completion_prompts"
	CodeInvalidChatCompletionSystemPrompt              Code = "invalid_chat_completion_system_prompt"
	CodeInvalidChatCompletionSearchDescriptionPrompt   Code = "invalid_chat_completion_search_description_prompt"
	CodeInvalidChatCompletionSearchQueryParamPrompt    Code = "invalid_chat_completion_search_query_param_prompt"
	CodeInvalidChatCompletionSearchFilterParamPrompt   Code = "invalid_chat_completion_search_filter_param_prompt"
	CodeInvalidChatCompletionSearchIndexUIDParamPrompt Code = "invalid_chat_completion_search_index_uid_param_prompt"
	CodeInvalidChatCompletionPreQueryPrompt            Code = "invalid_chat_completion_pre_query_prompt"
	CodeInvalidIndexFieldsFilter                       Code = "invalid_index_fields_filter"
	CodeInvalidIndexFieldsFilterAttributePatterns      Code = "invalid_index_fields_filter_attribute_patterns"
	CodeInvalidIndexFieldsFilterDisplayed              Code = "invalid_index_fields_filter_displayed"
	CodeInvalidIndexFieldsFilterSearchable             Code = "invalid_index_fields_filter_searchable"
	CodeInvalidIndexFieldsFilterSortable               Code = "invalid_index_fields_filter_sortable"
	CodeInvalidIndexFieldsFilterDistinct               Code = "invalid_index_fields_filter_distinct"
	CodeInvalidIndexFieldsFilterRankingRule            Code = "invalid_index_fields_filter_ranking_rule"
	CodeInvalidIndexFieldsFilterFilterable             Code = "invalid_index_fields_filter_filterable"
	CodeRequiresEnterpriseEdition                      Code = "requires_enterprise_edition"
	CodeInvalidRenderTemplate                          Code = "invalid_render_template"
	CodeInvalidRenderInput                             Code = "invalid_render_input"
	CodeRenderDocumentNotFound                         Code = "render_document_not_found"
	CodeTemplateParsingError                           Code = "template_parsing_error"
)

var meilisearchCodeTable = map[Code]codeDef{
	CodeIndexScopedAPIKeyWithGlobalAction:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeBadParameter:                                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeDatabaseSizeLimitReached:                       {http.StatusInternalServerError, TypeInternal},
	CodeDumpAlreadyProcessing:                          {http.StatusConflict, TypeInvalidRequest},
	CodeDumpNotFound:                                   {http.StatusNotFound, TypeInvalidRequest},
	CodeDumpProcessFailed:                              {http.StatusInternalServerError, TypeInternal},
	CodeDuplicateIndexFound:                            {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableAPIKeyActions:                         {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableAPIKeyCreatedAt:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableAPIKeyExpiresAt:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableAPIKeyIndexes:                         {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableAPIKeyKey:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableAPIKeyUpdatedAt:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableIndexCreatedAt:                        {http.StatusBadRequest, TypeInvalidRequest},
	CodeImmutableIndexUpdatedAt:                        {http.StatusBadRequest, TypeInvalidRequest},
	CodeImportTaskAlreadyReceived:                      {http.StatusPreconditionFailed, TypeInvalidRequest},
	CodeImportTaskUnknownRemote:                        {http.StatusPreconditionFailed, TypeInvalidRequest},
	CodeReceiveImportFinishedUnknownRemote:             {http.StatusPreconditionFailed, TypeInvalidRequest},
	CodeImportTaskWithoutNetworkTask:                   {http.StatusServiceUnavailable, TypeInvalidRequest},
	CodeIndexCreationFailed:                            {http.StatusInternalServerError, TypeInternal},
	CodeInvalidAPIKeyLimit:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidAPIKeyOffset:                            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentRetrieveVectors:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingDocumentFilter:                          {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingDocumentEditionFunction:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInconsistentDocumentChangeHeaders:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentUseNetwork:                      {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentGeoField:                        {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentGeojsonField:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidHeaderValue:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidVectorDimensions:                        {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidVectorsType:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchEmbedder:                          {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarEmbedder:                         {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchHybridQuery:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexLimit:                              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexOffset:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexCustomMetadata:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSkipCreation:                            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchFacets:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchFacetsByIndex:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchFacetOrder:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchQueryPersonalization:         {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchQueryShowPerformanceDetails:  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchFederatedCode:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchFederationOptions:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchMaxValuesPerFacet:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchMergeFacets:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchQueryFacets:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchDistinct:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchQueryRankingRules:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchQueryPosition:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchRemote:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidMultiSearchWeight:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidNetworkLeader:                           {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidNetworkRemotes:                          {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidNetworkShards:                           {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidNetworkSelf:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidNetworkSearchAPIKey:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidNetworkWriteAPIKey:                      {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidNetworkURL:                              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchAttributesToCrop:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchAttributesToHighlight:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarAttributesToRetrieve:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarRetrieveVectors:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarRankingScoreThreshold:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchRetrieveVectors:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchCropLength:                        {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchCropMarker:                        {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchSemanticRatio:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchLocales:                           {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidFacetSearchExhaustiveFacetCount:         {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarID:                               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarFilter:                           {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchHighlightPostTag:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchHighlightPreTag:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarLimit:                            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarOffset:                           {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidFacetSearchQuery:                        {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidFacetSearchName:                         {http.StatusBadRequest, TypeInvalidRequest},
	CodeFacetSearchDisabled:                            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchVector:                            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchMedia:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchShowMatchesPosition:               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchShowRankingScore:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarShowRankingScore:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchShowRankingScoreDetails:           {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchShowPerformanceDetails:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchUseNetwork:                        {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarShowRankingScoreDetails:          {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSimilarShowPerformanceDetails:           {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchPersonalize:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchPersonalizeUserContext:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSearchMediaAndVector:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsProximityPrecision:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsFacetSearch:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsPrefixSearch:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsForeignKeys:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsSearchCutoffMs:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsNonSeparatorTokens:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsSeparatorTokens:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsDictionary:                      {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsLocalizedAttributes:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidState:                                   {http.StatusInternalServerError, TypeInternal},
	CodeInvalidStatsShowInternalDatabaseSizes:          {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidStatsSizeFormat:                         {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidStoreFile:                               {http.StatusInternalServerError, TypeInternal},
	CodeInvalidSwapRename:                              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskAfterEnqueuedAt:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskAfterFinishedAt:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskAfterStartedAt:                      {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskBeforeEnqueuedAt:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskBeforeFinishedAt:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskBeforeStartedAt:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskCanceledBy:                          {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidTaskReverse:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidBatchUIDs:                               {http.StatusBadRequest, TypeInvalidRequest},
	CodeIoError:                                        {http.StatusUnprocessableEntity, TypeSystem},
	CodeMaxFieldsLimitExceeded:                         {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingFacetSearchFacetName:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingIndexUID:                                {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingNetworkURL:                              {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingSearchHybrid:                            {http.StatusBadRequest, TypeInvalidRequest},
	CodeMissingSwapIndexes:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeNetworkVersionMismatch:                         {http.StatusPreconditionFailed, TypeInvalidRequest},
	CodeNotLeader:                                      {http.StatusBadRequest, TypeInvalidRequest},
	CodeRemoteBadResponse:                              {http.StatusBadGateway, TypeSystem},
	CodeRemoteBadRequest:                               {http.StatusBadRequest, TypeInvalidRequest},
	CodeUnknownRemote:                                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeRemoteCouldNotSendRequest:                      {http.StatusBadGateway, TypeSystem},
	CodeRemoteInvalidAPIKey:                            {http.StatusForbidden, TypeAuth},
	CodeRemoteRemoteError:                              {http.StatusBadGateway, TypeSystem},
	CodeRemoteTimeout:                                  {http.StatusBadGateway, TypeSystem},
	CodeTooManySearchRequests:                          {http.StatusServiceUnavailable, TypeSystem},
	CodeTaskFileNotFound:                               {http.StatusNotFound, TypeInvalidRequest},
	CodeTooManyOpenFiles:                               {http.StatusUnprocessableEntity, TypeSystem},
	CodeTooManyVectors:                                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeUnexpectedNetworkPreviousRemotes:               {http.StatusBadRequest, TypeInvalidRequest},
	CodeNetworkVersionTooOld:                           {http.StatusBadRequest, TypeInvalidRequest},
	CodeUnprocessedNetworkTask:                         {http.StatusBadRequest, TypeInvalidRequest},
	CodeUnretrievableDocument:                          {http.StatusBadRequest, TypeInternal},
	CodeUnretrievableErrorCode:                         {http.StatusBadRequest, TypeInvalidRequest},
	CodeUnsupportedMediaType:                           {http.StatusUnsupportedMediaType, TypeInvalidRequest},
	CodeVectorEmbeddingError:                           {http.StatusBadRequest, TypeInvalidRequest},
	CodeNotFoundSimilarID:                              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentEditionContext:                  {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidDocumentEditionFunctionFilter:           {http.StatusBadRequest, TypeInvalidRequest},
	CodeEditDocumentsByFunctionError:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidSettingsIndexChat:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidExportURL:                               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidExportAPIKey:                            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidExportPayloadSize:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidExportIndexesPatterns:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidExportIndexFilter:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidExportIndexOverrideSettings:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeUnimplementedExternalFunctionCalling:           {http.StatusNotImplemented, TypeInvalidRequest},
	CodeUnimplementedNonStreamingChatCompletions:       {http.StatusNotImplemented, TypeInvalidRequest},
	CodeUnimplementedMultiChoiceChatCompletions:        {http.StatusNotImplemented, TypeInvalidRequest},
	CodeChatNotFound:                                   {http.StatusNotFound, TypeInvalidRequest},
	CodeInvalidChatSettingDocumentTemplate:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionOrgID:                     {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionProjectID:                 {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionAPIVersion:                {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionDeploymentID:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionSource:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionBaseAPI:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionAPIKey:                    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionPrompts:                   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionSystemPrompt:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionSearchDescriptionPrompt:   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionSearchQueryParamPrompt:    {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionSearchFilterParamPrompt:   {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionSearchIndexUIDParamPrompt: {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidChatCompletionPreQueryPrompt:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexFieldsFilter:                       {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexFieldsFilterAttributePatterns:      {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexFieldsFilterDisplayed:              {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexFieldsFilterSearchable:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexFieldsFilterSortable:               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexFieldsFilterDistinct:               {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexFieldsFilterRankingRule:            {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidIndexFieldsFilterFilterable:             {http.StatusBadRequest, TypeInvalidRequest},
	CodeRequiresEnterpriseEdition:                      {http.StatusUnavailableForLegalReasons, TypeInvalidRequest},
	CodeInvalidRenderTemplate:                          {http.StatusBadRequest, TypeInvalidRequest},
	CodeInvalidRenderInput:                             {http.StatusBadRequest, TypeInvalidRequest},
	CodeRenderDocumentNotFound:                         {http.StatusNotFound, TypeInvalidRequest},
	CodeTemplateParsingError:                           {http.StatusBadRequest, TypeInvalidRequest},
}
