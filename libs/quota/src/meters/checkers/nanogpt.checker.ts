import { allowanceMeter, type Meter, type PeriodUnit } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { dateOf, endpointOf, isRecord, numberOf, requestJson, requireApiKey } from './checker-http';

/**
 * NanoGPT subscription, `GET /api/subscription/v1/usage`: `{active, limits: {daily,
 * monthly}, daily: {used, remaining, percentUsed, resetAt}, monthly: {...}, state}`
 * (request counts; resets in epoch ms).
 */
export class NanoGptChecker implements QuotaChecker {
  readonly type = 'nanogpt';
  readonly displayName = 'NanoGPT';

  async check(context: CheckerContext): Promise<Meter[]> {
    const key = requireApiKey(context);
    const { body } = await requestJson(context, endpointOf(context, 'https://nano-gpt.com/api/subscription/v1/usage'), {
      headers: { authorization: `Bearer ${key}`, 'x-api-key': key },
    });
    if (!isRecord(body)) throw new CheckerError('Unexpected response: not an object');
    const limits = isRecord(body['limits']) ? body['limits'] : {};
    const windows: Array<[key: 'daily' | 'monthly', unit: PeriodUnit, label: string]> = [
      ['daily', 'day', 'Daily subscription requests'],
      ['monthly', 'month', 'Monthly subscription requests'],
    ];
    const meters: Meter[] = [];
    for (const [name, periodUnit, label] of windows) {
      const usage = body[name];
      if (!isRecord(usage)) continue;
      meters.push(
        allowanceMeter({
          key: name,
          label,
          unit: 'requests',
          limit: numberOf(limits[name]),
          used: numberOf(usage['used']),
          remaining: numberOf(usage['remaining']),
          periodValue: 1,
          periodUnit,
          periodCycle: 'fixed',
          resetsAt: dateOf(usage['resetAt']),
        }),
      );
    }
    if (meters.length === 0) throw new CheckerError('Unexpected response: no daily or monthly usage');
    return meters;
  }
}
