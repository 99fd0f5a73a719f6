import { allowanceMeter, type Meter } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { dateOf, endpointOf, isRecord, numberOf, requestJson, requireApiKey } from './checker-http';

/**
 * Z.ai coding plan, `GET /api/monitor/usage/quota/limit`: `{code, msg, success, data:
 * {limits: [{type: 'TOKENS_LIMIT', percentage, nextResetTime?}, {type: 'TIME_LIMIT',
 * currentValue, remaining, usage (or total), nextResetTime}]}}` (reset times in epoch ms). The token
 * limit is the 5-hour prompt window; the time limit is the monthly MCP tool allowance.
 */
export class ZaiChecker implements QuotaChecker {
  readonly type = 'zai';
  readonly displayName = 'Z.ai';

  async check(context: CheckerContext): Promise<Meter[]> {
    const key = requireApiKey(context);
    const { body } = await requestJson(context, endpointOf(context, 'https://api.z.ai/api/monitor/usage/quota/limit'), {
      headers: { authorization: `Bearer ${key}`, 'accept-language': 'en-US,en' },
    });
    if (!isRecord(body) || body['success'] === false) {
      const message = isRecord(body) && typeof body['msg'] === 'string' ? body['msg'] : 'unexpected response';
      throw new CheckerError(`Z.ai answered with an error: ${message}`);
    }
    const data = isRecord(body['data']) ? body['data'] : {};
    const limits = Array.isArray(data['limits']) ? data['limits'] : [];
    const meters: Meter[] = [];
    for (const limit of limits) {
      if (!isRecord(limit)) continue;
      const resetsAt = dateOf(limit['nextResetTime']);
      if (limit['type'] === 'TOKENS_LIMIT') {
        meters.push(
          allowanceMeter({
            key: 'five_hour',
            label: 'Token usage (5 hours)',
            unit: 'percentage',
            limit: 100,
            utilizationPercent: numberOf(limit['percentage']),
            periodValue: 5,
            periodUnit: 'hour',
            periodCycle: 'rolling',
            resetsAt,
          }),
        );
      } else if (limit['type'] === 'TIME_LIMIT') {
        const used = numberOf(limit['currentValue']);
        const remaining = numberOf(limit['remaining']);
        // The allowance is `total` in older answers and `usage` in newer ones.
        const total =
          numberOf(limit['total']) ??
          numberOf(limit['usage']) ??
          (used !== undefined && remaining !== undefined ? used + remaining : undefined);
        meters.push(
          allowanceMeter({
            key: 'monthly_mcp',
            label: 'MCP tool calls (1 month)',
            scope: 'mcp',
            unit: 'requests',
            limit: total,
            used,
            remaining,
            ...(total === undefined && { utilizationPercent: numberOf(limit['percentage']) }),
            periodValue: 1,
            periodUnit: 'month',
            periodCycle: 'fixed',
            resetsAt,
          }),
        );
      }
    }
    if (meters.length === 0) throw new CheckerError('Unexpected response: no token or time limits');
    return meters;
  }
}
