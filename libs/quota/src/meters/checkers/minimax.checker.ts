import { balanceMeter, type Meter } from '../meter';
import { CheckerError, type CheckerContext, type QuotaChecker } from '../quota-checker';
import { endpointOf, isRecord, requestJson, requireApiKey, requireNumber, stringOption } from './checker-http';

/**
 * MiniMax platform balance, `GET /account/query_balance?GroupId=<groupid>` with the
 * console's `_token` session cookie (`options.token`, else the API key option):
 * `{available_amount, cash_balance, voucher_balance, credit_balance, owed_amount,
 * base_resp: {status_code, status_msg}}`, amounts as strings.
 */
export class MiniMaxChecker implements QuotaChecker {
  readonly type = 'minimax';
  readonly displayName = 'MiniMax';

  async check(context: CheckerContext): Promise<Meter[]> {
    const groupId = stringOption(context, 'groupid') ?? stringOption(context, 'groupId');
    if (!groupId) throw new CheckerError('Set quota_checker.options.groupid to the MiniMax group id');
    const token = stringOption(context, 'token') ?? requireApiKey(context, 'the MiniMax console _token cookie');
    const url = new URL(endpointOf(context, 'https://platform.minimax.io/account/query_balance'));
    url.searchParams.set('GroupId', groupId);
    const { body } = await requestJson(context, url.toString(), { headers: { cookie: `_token=${token}` } });
    const status = isRecord(body) && isRecord(body['base_resp']) ? body['base_resp'] : {};
    if (status['status_code'] !== 0) {
      const message = typeof status['status_msg'] === 'string' ? status['status_msg'] : 'unknown error';
      throw new CheckerError(`MiniMax answered with an error: ${message}`);
    }
    const available = requireNumber(isRecord(body) ? body['available_amount'] : undefined, 'available_amount');
    return [balanceMeter({ key: 'balance', label: 'Account balance', unit: 'usd', remaining: available })];
  }
}
