import { allowanceMeter, type Meter, type MeterReading } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { dateOf, endpointOf, isRecord, numberOf, requestJson, requireApiKey, stringOption } from './checker-http';

const FIVE_HOURS_S = 5 * 3600;
const WEEK_S = 7 * 24 * 3600;

/** The access token may be pasted bare or as the credentials JSON (`{"access_token": ...}`). */
function accessTokenOf(raw: string): string {
  if (!raw.startsWith('{')) return raw;
  try {
    const parsed = JSON.parse(raw) as unknown;
    const token = isRecord(parsed) ? parsed['access_token'] : undefined;
    if (typeof token === 'string' && token.trim()) return token.trim();
  } catch {
    // falls through to the error below
  }
  throw new CheckerError('The OpenAI Codex credential is JSON without an access_token');
}

/** The ChatGPT account id claim of the access token (a JWT), when it has one. */
function accountIdOf(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    const auth = isRecord(claims) ? claims['https://api.openai.com/auth'] : undefined;
    const id = isRecord(auth) ? auth['chatgpt_account_id'] : undefined;
    return typeof id === 'string' && id.trim() ? id.trim() : undefined;
  } catch {
    return undefined;
  }
}

function windowReading(window: Record<string, unknown>, fallback: 'five_hour' | 'weekly', label: string): MeterReading {
  const seconds = numberOf(window['limit_window_seconds']);
  const key = seconds === FIVE_HOURS_S ? 'five_hour' : seconds === WEEK_S ? 'weekly' : fallback;
  const hours = seconds !== undefined ? seconds / 3600 : key === 'five_hour' ? 5 : 168;
  const resetAfter = numberOf(window['reset_after_seconds']);
  return {
    key,
    label,
    unit: 'percentage',
    limit: 100,
    utilizationPercent: Math.min(Math.max(numberOf(window['used_percent']) ?? 0, 0), 100),
    ...(hours % 24 === 0
      ? { periodValue: hours / 24, periodUnit: 'day' as const }
      : { periodValue: Math.round(hours), periodUnit: 'hour' as const }),
    periodCycle: 'rolling',
    resetsAt:
      dateOf(window['reset_at']) ?? (resetAfter !== undefined ? new Date(Date.now() + resetAfter * 1000) : undefined),
  };
}

/**
 * ChatGPT/Codex subscription (OAuth), `GET /backend-api/wham/usage`: `{plan_type,
 * rate_limit: {allowed, limit_reached, primary_window: {used_percent,
 * limit_window_seconds, reset_after_seconds, reset_at}, secondary_window: {...}}}`
 * (reset_at in epoch seconds). The access token is the provider's API key (or
 * `options.apiKey`) until the OAuth credential store exists.
 */
export class OpenAiCodexChecker implements QuotaChecker {
  readonly type = 'openai-codex';
  readonly displayName = 'OpenAI Codex';

  async check(context: CheckerContext): Promise<Meter[]> {
    const token = accessTokenOf(requireApiKey(context, 'an OpenAI Codex OAuth access token'));
    const accountId = stringOption(context, 'accountId') ?? accountIdOf(token);
    const { body } = await requestJson(context, endpointOf(context, 'https://chatgpt.com/backend-api/wham/usage'), {
      headers: {
        authorization: `Bearer ${token}`,
        'user-agent': stringOption(context, 'userAgent') ?? 'codex_cli_rs/0.101.0',
        ...(accountId !== undefined && { 'chatgpt-account-id': accountId }),
      },
    });
    const limits = isRecord(body) ? body['rate_limit'] : undefined;
    if (!isRecord(limits)) throw new CheckerError('Unexpected response: rate_limit is missing');
    const primary = isRecord(limits['primary_window']) ? limits['primary_window'] : {};
    const primaryReading = windowReading(primary, 'five_hour', 'Primary window');
    // limit_reached is authoritative even when the window's percentage lags behind.
    if (limits['limit_reached'] === true) primaryReading.utilizationPercent = 100;
    const meters = [allowanceMeter(primaryReading)];
    if (isRecord(limits['secondary_window']))
      meters.push(allowanceMeter(windowReading(limits['secondary_window'], 'weekly', 'Secondary window')));
    return meters;
  }
}
