import { balanceMeter, type Meter } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { endpointOf, isRecord, objectAt, requestJson, requireApiKey, requireNumber } from './checker-http';

/**
 * `GET /v1/users/me/balance`: `{code: 0, status: true, data: {available_balance,
 * voucher_balance, cash_balance}}` in USD. What can be spent is `available_balance`
 * (cash plus vouchers), so that is the meter routing gates on.
 */
export class MoonshotChecker implements QuotaChecker {
  readonly type = 'moonshot';
  readonly displayName = 'Moonshot';

  async check(context: CheckerContext): Promise<Meter[]> {
    const key = requireApiKey(context);
    const { body } = await requestJson(context, endpointOf(context, 'https://api.moonshot.ai/v1/users/me/balance'), {
      headers: { authorization: `Bearer ${key}` },
    });
    if (!isRecord(body) || body['status'] !== true || body['code'] !== 0) {
      const code = isRecord(body) ? JSON.stringify(body['code'] ?? null) : 'none';
      throw new CheckerError(`Moonshot answered with an error (code ${code})`);
    }
    const data = objectAt(body, 'data');
    return [
      balanceMeter({
        key: 'balance',
        label: 'Available balance (cash and vouchers)',
        unit: 'usd',
        remaining: requireNumber(data['available_balance'], 'data.available_balance'),
      }),
    ];
  }
}
