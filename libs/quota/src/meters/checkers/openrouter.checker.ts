import { balanceMeter, type Meter } from '../meter';
import type { CheckerContext, QuotaChecker } from '../quota-checker';
import { endpointOf, objectAt, requestJson, requireApiKey, requireNumber } from './checker-http';

/** `GET /api/v1/credits` (needs a management key): `{data: {total_credits, total_usage}}` in USD. */
export class OpenRouterChecker implements QuotaChecker {
  readonly type = 'openrouter';
  readonly displayName = 'OpenRouter';

  async check(context: CheckerContext): Promise<Meter[]> {
    const key = requireApiKey(context, 'an OpenRouter management key');
    const { body } = await requestJson(context, endpointOf(context, 'https://openrouter.ai/api/v1/credits'), {
      headers: { authorization: `Bearer ${key}` },
    });
    const data = objectAt(body, 'data');
    const total = requireNumber(data['total_credits'], 'data.total_credits');
    const usage = requireNumber(data['total_usage'], 'data.total_usage');
    return [
      balanceMeter({
        key: 'balance',
        label: 'Account credits',
        unit: 'usd',
        limit: total,
        used: usage,
        remaining: total - usage,
      }),
    ];
  }
}
