import { balanceMeter, type Meter } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { endpointOf, isRecord, requestJson, requireApiKey, requireNumber } from './checker-http';

/**
 * `GET /user/balance`: `{is_available, balance_infos: [{currency, total_balance,
 * granted_balance, topped_up_balance}]}`, amounts as strings; one balance per currency.
 */
export class DeepSeekChecker implements QuotaChecker {
  readonly type = 'deepseek';
  readonly displayName = 'DeepSeek';

  async check(context: CheckerContext): Promise<Meter[]> {
    const key = requireApiKey(context);
    const { body } = await requestJson(context, endpointOf(context, 'https://api.deepseek.com/user/balance'), {
      headers: { authorization: `Bearer ${key}` },
    });
    const infos = isRecord(body) ? body['balance_infos'] : undefined;
    if (!Array.isArray(infos) || infos.length === 0) throw new CheckerError('Unexpected response: no balance_infos');
    // An account DeepSeek reports as unavailable cannot spend what it shows.
    const available = isRecord(body) && body['is_available'] !== false;
    return infos.map((info: unknown, index) => {
      const entry = isRecord(info) ? info : {};
      const currency = typeof entry['currency'] === 'string' ? entry['currency'] : 'USD';
      const total = requireNumber(entry['total_balance'], `balance_infos[${index}].total_balance`);
      return balanceMeter({
        key: `${currency.toLowerCase()}_balance`,
        label: `${currency} account balance`,
        unit: currency.toLowerCase(),
        remaining: available ? total : 0,
      });
    });
  }
}
