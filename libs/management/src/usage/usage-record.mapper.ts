import type { RequestUsageEntity } from '@plexus/persistence';
import type { UsageRecordDto } from './usage.dto';

/**
 * A stored row in the reference's UsageRecord shape (camelCase, epoch and ISO times).
 * `hasDebug`: a debug trace exists (`GET /v0/management/debug/logs/{requestId}`).
 */
export function usageRecordOf(row: RequestUsageEntity, hasDebug = false): UsageRecordDto {
  const history = row.retryHistory ?? [];
  // Skipped targets are in the history but were never attempted.
  const attempts = history.filter((attempt) => attempt.status !== 'skipped');
  const last = attempts.at(-1);
  return {
    requestId: row.requestId,
    date: row.startTime.toISOString(),
    startTime: row.startTime.getTime(),
    clientRequestId: row.clientRequestId,
    sourceIp: row.sourceIp,
    apiKey: row.apiKey,
    attribution: row.attribution,
    incomingApiType: row.incomingApiType,
    outgoingApiType: row.outgoingApiType,
    provider: row.provider,
    attemptCount: row.attemptCount,
    retryHistory: history.length > 0 ? JSON.stringify(history) : null,
    incomingModelAlias: row.incomingModelAlias,
    selectedModelName: row.selectedModelName,
    finalAttemptProvider: last?.provider ?? null,
    finalAttemptModel: last?.model ?? null,
    allAttemptedProviders:
      attempts.length > 0 ? JSON.stringify([...new Set(attempts.map((attempt) => attempt.provider))]) : null,
    tokensInput: row.tokensInput,
    tokensOutput: row.tokensOutput,
    tokensReasoning: row.tokensReasoning,
    tokensCached: row.tokensCached,
    tokensCacheWrite: row.tokensCacheWrite,
    providerReportedCost: row.providerReportedCost,
    costInput: row.costInput,
    costOutput: row.costOutput,
    costCached: row.costCached,
    costCacheWrite: row.costCacheWrite,
    costTotal: row.costTotal,
    costSource: row.costSource,
    durationMs: row.durationMs,
    ttftMs: row.ttftMs,
    tokensPerSec: row.tokensPerSec,
    isStreamed: row.isStreamed,
    isPassthrough: row.isPassthrough,
    responseStatus: row.responseStatus,
    httpStatus: row.httpStatus,
    finishReason: row.finishReason,
    errorMessage: row.errorMessage,
    clientDisconnected: row.clientDisconnected,
    isVisionFallthrough: row.isVisionFallthrough === true,
    visionFallthroughModel: row.visionFallthroughModel ?? null,
    visionFallthroughError: row.visionFallthroughError ?? null,
    isDescriptorRequest: row.isDescriptorRequest === true,
    parentRequestId: row.parentRequestId ?? null,
    compactionTokensBefore: row.compactionTokensBefore ?? null,
    compactionTokensAfter: row.compactionTokensAfter ?? null,
    hasError: row.responseStatus !== 'success',
    hasDebug,
  };
}

/** Keeps only the requested fields; unknown names are dropped, as the reference does. */
export function project(record: UsageRecordDto, fields: string | undefined): Partial<UsageRecordDto> {
  if (!fields) return record;
  const wanted = new Set(fields.split(',').map((field) => field.trim()));
  return Object.fromEntries(Object.entries(record).filter(([field]) => wanted.has(field)));
}
