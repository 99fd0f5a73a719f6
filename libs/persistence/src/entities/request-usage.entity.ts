import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type UsageStatus = 'success' | 'error' | 'timeout' | 'cancelled';

export interface AttemptRecord {
  index: number;
  provider: string;
  model: string;
  apiType: string;
  /** `skipped`: left out before any call (cooling down, disabled, excluded by the key); billed to nobody. */
  status: 'success' | 'failed' | 'skipped';
  reason?: string;
  statusCode?: number;
}

/** One row per client request. Column names follow the reference's `request_usage`. */
@Entity('request_usage')
@Index('idx_request_usage_start_time', ['startTime'])
@Index('idx_request_usage_api_key_start_time', ['apiKey', 'startTime'])
@Index('idx_request_usage_provider', ['provider'])
export class RequestUsageEntity {
  @PrimaryColumn({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ name: 'client_request_id', type: 'varchar', length: 255, nullable: true })
  clientRequestId!: string | null;

  @Column({ name: 'start_time', type: 'timestamptz' })
  startTime!: Date;

  @Column({ name: 'api_key', type: 'varchar', length: 200, nullable: true })
  apiKey!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  attribution!: string | null;

  @Column({ name: 'source_ip', type: 'varchar', length: 64, nullable: true })
  sourceIp!: string | null;

  @Column({ name: 'incoming_api_type', type: 'varchar', length: 32 })
  incomingApiType!: string;

  @Column({ name: 'outgoing_api_type', type: 'varchar', length: 32, nullable: true })
  outgoingApiType!: string | null;

  @Column({ name: 'incoming_model_alias', type: 'varchar', length: 300, nullable: true })
  incomingModelAlias!: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  provider!: string | null;

  @Column({ name: 'selected_model_name', type: 'varchar', length: 300, nullable: true })
  selectedModelName!: string | null;

  @Column({ name: 'is_streamed', type: 'boolean', default: false })
  isStreamed!: boolean;

  @Column({ name: 'is_passthrough', type: 'boolean', default: false })
  isPassthrough!: boolean;

  @Column({ name: 'response_status', type: 'varchar', length: 32 })
  responseStatus!: UsageStatus;

  @Column({ name: 'http_status', type: 'integer', nullable: true })
  httpStatus!: number | null;

  @Column({ name: 'tokens_input', type: 'integer', default: 0 })
  tokensInput!: number;

  @Column({ name: 'tokens_output', type: 'integer', default: 0 })
  tokensOutput!: number;

  @Column({ name: 'tokens_reasoning', type: 'integer', default: 0 })
  tokensReasoning!: number;

  @Column({ name: 'tokens_cached', type: 'integer', default: 0 })
  tokensCached!: number;

  @Column({ name: 'tokens_cache_write', type: 'integer', default: 0 })
  tokensCacheWrite!: number;

  @Column({ name: 'provider_reported_cost', type: 'double precision', nullable: true })
  providerReportedCost!: number | null;

  /** USD, split like the tokens; see the core cost calculator. */
  @Column({ name: 'cost_input', type: 'double precision', default: 0 })
  costInput!: number;

  @Column({ name: 'cost_output', type: 'double precision', default: 0 })
  costOutput!: number;

  @Column({ name: 'cost_cached', type: 'double precision', default: 0 })
  costCached!: number;

  @Column({ name: 'cost_cache_write', type: 'double precision', default: 0 })
  costCacheWrite!: number;

  @Column({ name: 'cost_total', type: 'double precision', default: 0 })
  costTotal!: number;

  @Column({ name: 'cost_source', type: 'varchar', length: 32, nullable: true })
  costSource!: string | null;

  @Column({ name: 'duration_ms', type: 'integer', nullable: true })
  durationMs!: number | null;

  @Column({ name: 'ttft_ms', type: 'integer', nullable: true })
  ttftMs!: number | null;

  @Column({ name: 'tokens_per_sec', type: 'double precision', nullable: true })
  tokensPerSec!: number | null;

  @Column({ name: 'attempt_count', type: 'integer', default: 0 })
  attemptCount!: number;

  @Column({ name: 'retry_history', type: 'jsonb', default: () => "'[]'::jsonb" })
  retryHistory!: AttemptRecord[];

  @Column({ name: 'finish_reason', type: 'varchar', length: 32, nullable: true })
  finishReason!: string | null;

  @Column({ name: 'error_message', type: 'text', nullable: true })
  errorMessage!: string | null;

  @Column({ name: 'client_disconnected', type: 'boolean', default: false })
  clientDisconnected!: boolean;

  /** Images were described for a target that cannot see them (null on rows from before the column). */
  @Column({ name: 'is_vision_fallthrough', type: 'boolean', nullable: true })
  isVisionFallthrough?: boolean | null;

  @Column({ name: 'vision_fallthrough_model', type: 'varchar', length: 300, nullable: true })
  visionFallthroughModel?: string | null;

  /** Why some image was left as it was (refused URL, failed descriptor): the request went on with it. */
  @Column({ name: 'vision_fallthrough_error', type: 'text', nullable: true })
  visionFallthroughError?: string | null;

  /** A descriptor call made for the request `parentRequestId`. */
  @Column({ name: 'is_descriptor_request', type: 'boolean', nullable: true })
  isDescriptorRequest?: boolean | null;

  @Column({ name: 'parent_request_id', type: 'uuid', nullable: true })
  parentRequestId?: string | null;

  /** Estimated input tokens before and after compaction, when the request was compacted. */
  @Column({ name: 'compaction_tokens_before', type: 'integer', nullable: true })
  compactionTokensBefore?: number | null;

  @Column({ name: 'compaction_tokens_after', type: 'integer', nullable: true })
  compactionTokensAfter?: number | null;
}
