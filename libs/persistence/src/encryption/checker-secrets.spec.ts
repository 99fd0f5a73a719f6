import { checkerSecretsOf, isCredentialOption, mapCheckerSecrets, PROVIDER_SETTINGS_COLUMN } from './checker-secrets';
import { SecretCipher, useSecretCipher } from './secret-cipher';

const settings = {
  timeout_ms: 1000,
  quota_checker: { type: 'naga', intervalMinutes: 5, options: { provisioningKey: 'naga-prov-0001', apiKey: 'sk-or-0002', token: 'mm-0003', groupid: '42', max: 10, endpoint: 'http://x' } },
};

describe('quota checker credentials', () => {
  afterEach(() => useSecretCipher(new SecretCipher()));

  it('are the options named like credentials', () => {
    for (const name of ['apiKey', 'token', 'provisioningKey', 'accessToken', 'clientSecret', 'sessionCookie', 'password']) expect(isCredentialOption(name)).toBe(true);
    for (const name of ['groupid', 'groupId', 'endpoint', 'max', 'maxUtilizationPercent', 'accountId', 'userAgent', 'editorVersion']) expect(isCredentialOption(name)).toBe(false);
  });

  it('are mapped one by one, leaving every other field as it is', () => {
    const mapped = mapCheckerSecrets(settings, (value, option) => `${option}:${value.length}`);
    expect(mapped).toEqual({
      timeout_ms: 1000,
      quota_checker: { type: 'naga', intervalMinutes: 5, options: { provisioningKey: 'provisioningKey:14', apiKey: 'apiKey:10', token: 'token:7', groupid: '42', max: 10, endpoint: 'http://x' } },
    });
    expect(settings.quota_checker.options.apiKey).toBe('sk-or-0002');
    expect(checkerSecretsOf(settings)).toEqual(new Map([['provisioningKey', 'naga-prov-0001'], ['apiKey', 'sk-or-0002'], ['token', 'mm-0003']]));
    const none = { quota_checker: { type: 'deepseek' } };
    expect(mapCheckerSecrets(none, () => 'x')).toBe(none);
  });

  it('are stored encrypted with ENCRYPTION_KEY and read back in the clear', () => {
    useSecretCipher(new SecretCipher('a1'.repeat(32)));
    const stored = PROVIDER_SETTINGS_COLUMN.to(settings) as typeof settings;
    const options = stored.quota_checker.options;
    for (const secret of [options.provisioningKey, options.apiKey, options.token]) expect(SecretCipher.isEncrypted(secret)).toBe(true);
    expect(options.groupid).toBe('42');
    expect(JSON.stringify(stored)).not.toMatch(/naga-prov-0001|sk-or-0002|mm-0003/);
    expect(PROVIDER_SETTINGS_COLUMN.from(stored)).toEqual(settings);
  });
});
