import { balanceMeter, type Meter } from '../meter';
import type { CheckerContext, QuotaChecker } from '../quota-checker';
import { endpointOf, isRecord, requestJson, requireApiKey, requireNumber } from './checker-http';

/** Novita amounts are in units of 0.0001 USD. */
const UNITS_PER_USD = 10_000;

/** `GET /openapi/v1/billing/balance/detail`: `{availableBalance: "<units of 0.0001 USD>", ...}`. */
export class NovitaChecker implements QuotaChecker {
  readonly type = 'novita';
  readonly displayName = 'Novita AI';

  async check(context: CheckerContext): Promise<Meter[]> {
    const key = requireApiKey(context);
    const { body } = await requestJson(
      context,
      endpointOf(context, 'https://api.novita.ai/openapi/v1/billing/balance/detail'),
      {
        headers: { authorization: `Bearer ${key}` },
      },
    );
    const units = requireNumber(isRecord(body) ? body['availableBalance'] : undefined, 'availableBalance');
    return [balanceMeter({ key: 'balance', label: 'Account balance', unit: 'usd', remaining: units / UNITS_PER_USD })];
  }
}
