import { allowanceMeter, type Meter } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { dateOf, endpointOf, isRecord, numberOf, requestJson, requireApiKey } from './checker-http';

const WINDOWS: ReadonlyArray<{ field: string; key: string; label: string; scope?: string; hours: number }> = [
  { field: 'five_hour', key: 'five_hour', label: '5-hour window', hours: 5 },
  { field: 'seven_day', key: 'weekly', label: 'Weekly (all models)', hours: 168 },
  { field: 'seven_day_opus', key: 'weekly_opus', label: 'Weekly (Opus)', scope: 'opus', hours: 168 },
  { field: 'seven_day_sonnet', key: 'weekly_sonnet', label: 'Weekly (Sonnet)', scope: 'sonnet', hours: 168 },
  {
    field: 'seven_day_oauth_apps',
    key: 'weekly_oauth_apps',
    label: 'Weekly (OAuth apps)',
    scope: 'oauth_apps',
    hours: 168,
  },
];

/**
 * Claude Code subscription (OAuth), `GET /api/oauth/usage` with `anthropic-beta:
 * oauth-2025-04-20`: `{five_hour: {utilization, resets_at}, seven_day: {...},
 * seven_day_opus: {...} | null, seven_day_sonnet: ...}`; utilization is a percentage.
 * The access token is the provider's API key (or `options.apiKey`) until the OAuth
 * credential store exists.
 */
export class ClaudeCodeChecker implements QuotaChecker {
  readonly type = 'claude-code';
  readonly displayName = 'Claude Code';

  async check(context: CheckerContext): Promise<Meter[]> {
    const token = requireApiKey(context, 'a Claude Code OAuth access token');
    const { body } = await requestJson(context, endpointOf(context, 'https://api.anthropic.com/api/oauth/usage'), {
      headers: { authorization: `Bearer ${token}`, 'anthropic-beta': 'oauth-2025-04-20' },
    });
    if (!isRecord(body)) throw new CheckerError('Unexpected response: not an object');
    const meters: Meter[] = [];
    for (const window of WINDOWS) {
      const usage = body[window.field];
      if (!isRecord(usage)) continue;
      const utilization = numberOf(usage['utilization']);
      if (utilization === undefined) continue;
      meters.push(
        allowanceMeter({
          key: window.key,
          label: window.label,
          ...(window.scope !== undefined && { scope: window.scope }),
          unit: 'percentage',
          limit: 100,
          utilizationPercent: utilization,
          periodValue: window.hours === 5 ? 5 : 7,
          periodUnit: window.hours === 5 ? 'hour' : 'day',
          periodCycle: 'rolling',
          resetsAt: dateOf(usage['resets_at']),
        }),
      );
    }
    if (meters.length === 0) throw new CheckerError('Unexpected response: no usage windows');
    return meters;
  }
}
