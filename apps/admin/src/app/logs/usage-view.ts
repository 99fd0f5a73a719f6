import type { UsageRecordDto } from '../api/models/usage-record-dto';

/** One attempt of `retryHistory` (a JSON string in the API; its shape isn't in the OpenAPI document). */
export interface UsageAttempt {
  readonly index: number;
  readonly provider: string;
  readonly model: string;
  readonly apiType: string | null;
  readonly status: string;
  readonly statusCode: number | null;
  readonly reason: string | null;
}

/** The attempts of a request, oldest first; an unreadable history gives none. */
export function attemptsOf(record: Pick<UsageRecordDto, 'retryHistory'>): UsageAttempt[] {
  if (!record.retryHistory) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(record.retryHistory);
  } catch {
    return [];
  }
  return attemptListOf(parsed);
}

/** Attempts as the errors endpoint sends them (already parsed); anything unexpected is dropped. */
export function attemptListOf(parsed: unknown): UsageAttempt[] {
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .map((item, position) => ({
      index: typeof item['index'] === 'number' ? item['index'] : position,
      provider: String(item['provider'] ?? '?'),
      model: String(item['model'] ?? '?'),
      apiType: typeof item['apiType'] === 'string' ? item['apiType'] : null,
      status: String(item['status'] ?? 'unknown'),
      statusCode: typeof item['statusCode'] === 'number' ? item['statusCode'] : null,
      reason: typeof item['reason'] === 'string' ? item['reason'] : null,
    }));
}

/** "provider/model" that answered (or was tried last), else the selected model. */
export function targetLabel(record: UsageRecordDto): string {
  const provider = record.finalAttemptProvider ?? record.provider;
  const model = record.finalAttemptModel ?? record.selectedModelName;
  if (provider && model) return `${provider}/${model}`;
  return provider ?? model ?? '—';
}

/** "chat → messages", or just the incoming type when it went out unchanged or not at all. */
export function apiLabel(record: UsageRecordDto): string {
  const out = record.outgoingApiType;
  return out && out !== record.incomingApiType ? `${record.incomingApiType} → ${out}` : record.incomingApiType;
}

export type StatusTone = 'ok' | 'bad' | 'pending' | 'warn';

export function statusTone(status: string): StatusTone {
  switch (status) {
    case 'success':
      return 'ok';
    case 'pending':
      return 'pending';
    case 'cancelled':
      return 'warn';
    default:
      return 'bad';
  }
}

export function totalTokens(record: UsageRecordDto): number {
  return record.tokensInput + record.tokensCached + record.tokensCacheWrite + record.tokensOutput;
}
