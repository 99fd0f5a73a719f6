import { Injectable } from '@nestjs/common';
import { ApiKeyRepository, UsageRepository, type UsageCharge } from '@plexus/persistence';
import { QuotaDefinitions, assignedQuotaNames } from './quota-definitions.service';
import { QuotaService } from './quota.service';
import { calendarWindow, type QuotaDefinition } from './window/quota-window';

export type QuotaRecomputeRefusal = 'key_not_found' | 'quota_not_attached' | 'unsupported_quota_type';

/** Why a bucket can't be recomputed; the management route turns it into a 404 or 400. */
export class QuotaRecomputeError extends Error {
  override readonly name = 'QuotaRecomputeError';

  constructor(
    readonly reason: QuotaRecomputeRefusal,
    message: string,
  ) {
    super(message);
  }
}

export interface QuotaRecomputeResult {
  usage: number;
  /** Where the recomputed usage starts counting (epoch ms): the calendar window's start, or one rolling duration ago. */
  windowStartMs: number;
  /** Successful requests the usage was rebuilt from. */
  requests: number;
}

function amountOf(definition: QuotaDefinition, charge: UsageCharge): number {
  switch (definition.limitType) {
    case 'requests':
      return 1;
    case 'tokens':
      return charge.tokens;
    case 'cost':
      return charge.cost;
  }
}

/**
 * Rebuilds a key's quota bucket from its successful usage records instead of the stored
 * counter (`POST /quota/recompute`). Calendar quotas sum the current window. A rolling
 * cost quota replays the last duration's charges through its leaky bucket; rolling
 * request and token quotas are refused, as in the reference, whose decay history the
 * records don't reproduce exactly.
 */
@Injectable()
export class QuotaRecomputeService {
  constructor(
    private readonly quotas: QuotaService,
    private readonly definitions: QuotaDefinitions,
    private readonly keys: ApiKeyRepository,
    private readonly usage: UsageRepository,
  ) {}

  async recompute(keyName: string, quotaName: string, now = Date.now()): Promise<QuotaRecomputeResult> {
    const key = await this.keys.findByName(keyName);
    if (!key) throw new QuotaRecomputeError('key_not_found', `API key '${keyName}' not found`);
    await this.definitions.unknown(assignedQuotaNames(key.policy));
    const definition = this.definitions.of(key.policy).find((candidate) => candidate.name === quotaName);
    if (!definition)
      throw new QuotaRecomputeError(
        'quota_not_attached',
        `Quota '${quotaName}' is not attached to API key '${keyName}'`,
      );
    if (definition.type === 'rolling' && definition.limitType !== 'cost') {
      throw new QuotaRecomputeError(
        'unsupported_quota_type',
        `Rolling ${definition.limitType} quotas can't be recomputed: their decay can't be rebuilt exactly from usage records`,
      );
    }
    const windowStartMs =
      definition.type === 'rolling' ? now - (definition.durationMs ?? 0) : calendarWindow(definition.type, now).start;
    const charges = (
      await this.usage.chargesSince({
        apiKeys: await this.holders(keyName, definition),
        since: new Date(windowStartMs),
      })
    ).filter((charge) => charge.at <= now);
    const usage =
      definition.type === 'rolling'
        ? drained(definition, charges, windowStartMs, now)
        : charges.reduce((sum, charge) => sum + amountOf(definition, charge), 0);
    await this.quotas.overwrite(keyName, definition, usage, now);
    return { usage, windowStartMs, requests: charges.length };
  }

  /** The keys whose usage fills the bucket: the key, or every key holding a shared quota. */
  private async holders(keyName: string, definition: QuotaDefinition): Promise<string[]> {
    if (!definition.shared) return [keyName];
    const keys = await this.keys.findAll();
    return keys.filter((key) => assignedQuotaNames(key.policy).includes(definition.name)).map((key) => key.name);
  }
}

/** A leaky bucket's content at `now`, replaying the charges from empty at `from`. */
function drained(definition: QuotaDefinition, charges: UsageCharge[], from: number, now: number): number {
  const rate = definition.limit / (definition.durationMs ?? 1);
  let usage = 0;
  let at = from;
  for (const charge of charges) {
    usage = Math.max(0, usage - (charge.at - at) * rate) + amountOf(definition, charge);
    at = charge.at;
  }
  return Math.max(0, usage - (now - at) * rate);
}
