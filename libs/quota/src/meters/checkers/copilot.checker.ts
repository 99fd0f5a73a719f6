import { allowanceMeter, type Meter } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { dateOf, endpointOf, isRecord, numberOf, requestJson, requireApiKey, stringOption } from './checker-http';

const SNAPSHOTS: ReadonlyArray<{ field: string; label: string }> = [
  { field: 'premium_interactions', label: 'Premium requests' },
  { field: 'chat', label: 'Chat' },
  { field: 'completions', label: 'Completions' },
];

/**
 * GitHub Copilot (OAuth), `GET /copilot_internal/user` with `Authorization: token
 * <ghu_...>`: `{quota_reset_date_utc, quota_snapshots: {premium_interactions:
 * {entitlement, remaining, percent_remaining, unlimited}, chat: {...}, completions:
 * {...}}}`; unlimited snapshots are left out. The GitHub token is the provider's API key
 * (or `options.apiKey`) until the OAuth credential store exists.
 */
export class CopilotChecker implements QuotaChecker {
  readonly type = 'copilot';
  readonly displayName = 'GitHub Copilot';

  async check(context: CheckerContext): Promise<Meter[]> {
    const token = requireApiKey(context, 'a GitHub Copilot OAuth token');
    const { body } = await requestJson(context, endpointOf(context, 'https://api.github.com/copilot_internal/user'), {
      headers: {
        authorization: `token ${token}`,
        'editor-version': stringOption(context, 'editorVersion') ?? 'vscode/1.96.2',
        'user-agent': stringOption(context, 'userAgent') ?? 'GitHubCopilotChat/0.26.7',
        'x-github-api-version': '2025-04-01',
      },
    });
    if (!isRecord(body)) throw new CheckerError('Unexpected response: not an object');
    const snapshots = isRecord(body['quota_snapshots']) ? body['quota_snapshots'] : {};
    const resetsAt = dateOf(body['quota_reset_date_utc']);
    const meters: Meter[] = [];
    for (const { field, label } of SNAPSHOTS) {
      const snapshot = snapshots[field];
      if (!isRecord(snapshot) || snapshot['unlimited'] === true) continue;
      const percentRemaining = numberOf(snapshot['percent_remaining']);
      const entitlement = numberOf(snapshot['entitlement']);
      meters.push(
        allowanceMeter({
          key: field,
          label,
          unit: 'requests',
          ...(entitlement !== undefined && entitlement > 0 && { limit: entitlement }),
          remaining: numberOf(snapshot['remaining']),
          ...(percentRemaining !== undefined && { utilizationPercent: Math.max(0, 100 - percentRemaining) }),
          periodValue: 1,
          periodUnit: 'month',
          periodCycle: 'fixed',
          resetsAt,
        }),
      );
    }
    if (meters.length === 0) throw new CheckerError('Unexpected response: no limited quota snapshots');
    return meters;
  }
}
