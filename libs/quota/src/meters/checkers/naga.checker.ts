import { balanceMeter, type Meter } from '../meter';
import type { CheckerContext, QuotaChecker } from '../quota-checker';
import {
  endpointOf,
  isRecord,
  numberOf,
  requestJson,
  requireApiKey,
  requireNumber,
  stringOption,
} from './checker-http';

/**
 * `GET /v1/account/balance` with a provisioning key (`options.provisioningKey`, else the
 * API key): `{balance: "12.34"}` in USD. `options.max` (the usual top-up) gives it a limit.
 */
export class NagaChecker implements QuotaChecker {
  readonly type = 'naga';
  readonly displayName = 'Naga';

  async check(context: CheckerContext): Promise<Meter[]> {
    const key = stringOption(context, 'provisioningKey') ?? requireApiKey(context, 'a Naga provisioning key');
    const { body } = await requestJson(context, endpointOf(context, 'https://api.naga.ac/v1/account/balance'), {
      headers: { authorization: `Bearer ${key}` },
    });
    const balance = requireNumber(isRecord(body) ? body['balance'] : undefined, 'balance');
    const max = numberOf(context.options['max']);
    return [
      balanceMeter({
        key: 'balance',
        label: 'Account balance',
        unit: 'usd',
        remaining: balance,
        ...(max !== undefined && max > 0 && { limit: max, used: Math.max(0, max - balance) }),
      }),
    ];
  }
}
