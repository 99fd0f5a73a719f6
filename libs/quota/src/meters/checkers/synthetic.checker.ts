import { allowanceMeter, type Meter } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { dateOf, endpointOf, isRecord, numberOf, requestJson, requireApiKey } from './checker-http';

function minus(a: number | undefined, b: number | undefined): number | undefined {
  return a !== undefined && b !== undefined ? a - b : undefined;
}

/**
 * `GET /v2/quotas`: `{subscription?: {limit, requests, renewsAt}, rollingFiveHourLimit?:
 * {max, remaining, nextTickAt}, weeklyTokenLimit?: {maxCredits: "$x", remainingCredits:
 * "$y", nextRegenAt}, search?: {hourly: {limit, requests, remaining?, renewsAt}}}`.
 */
export class SyntheticChecker implements QuotaChecker {
  readonly type = 'synthetic';
  readonly displayName = 'Synthetic';

  async check(context: CheckerContext): Promise<Meter[]> {
    const key = requireApiKey(context);
    const { body } = await requestJson(context, endpointOf(context, 'https://api.synthetic.new/v2/quotas'), {
      headers: { authorization: `Bearer ${key}` },
    });
    if (!isRecord(body)) throw new CheckerError('Unexpected response: not an object');
    const meters: Meter[] = [];
    const subscription = body['subscription'];
    if (isRecord(subscription)) {
      meters.push(
        allowanceMeter({
          key: 'subscription',
          label: 'Subscription requests',
          unit: 'requests',
          limit: numberOf(subscription['limit']),
          used: numberOf(subscription['requests']),
          periodCycle: 'fixed',
          resetsAt: dateOf(subscription['renewsAt']),
        }),
      );
    }
    const rolling = body['rollingFiveHourLimit'];
    if (isRecord(rolling)) {
      const max = numberOf(rolling['max']);
      const remaining = numberOf(rolling['remaining']);
      meters.push(
        allowanceMeter({
          key: 'rolling_5h',
          label: 'Rolling 5-hour limit',
          unit: 'requests',
          limit: max,
          used: minus(max, remaining),
          remaining,
          periodValue: 5,
          periodUnit: 'hour',
          periodCycle: 'rolling',
          resetsAt: dateOf(rolling['nextTickAt']),
        }),
      );
    }
    const weekly = body['weeklyTokenLimit'];
    if (isRecord(weekly)) {
      const max = numberOf(weekly['maxCredits']);
      const remaining = numberOf(weekly['remainingCredits']);
      meters.push(
        allowanceMeter({
          key: 'weekly_credits',
          label: 'Weekly token credits',
          unit: 'usd',
          limit: max,
          used: minus(max, remaining),
          remaining,
          periodValue: 7,
          periodUnit: 'day',
          periodCycle: 'rolling',
          resetsAt: dateOf(weekly['nextRegenAt']),
        }),
      );
    }
    const search = isRecord(body['search']) ? body['search']['hourly'] : undefined;
    if (isRecord(search)) {
      meters.push(
        allowanceMeter({
          key: 'search_hourly',
          label: 'Search',
          scope: 'search',
          unit: 'requests',
          limit: numberOf(search['limit']),
          used: numberOf(search['requests']),
          remaining: numberOf(search['remaining']),
          periodValue: 1,
          periodUnit: 'hour',
          periodCycle: 'fixed',
          resetsAt: dateOf(search['renewsAt']),
        }),
      );
    }
    if (meters.length === 0) throw new CheckerError('Unexpected response: no quota in the answer');
    return meters;
  }
}
