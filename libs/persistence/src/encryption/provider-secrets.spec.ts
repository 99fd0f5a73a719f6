import {
  isCredentialOption,
  mapProviderSecrets,
  PROVIDER_SETTINGS_COLUMN,
  providerSecretsOf,
} from './provider-secrets';
import { SecretCipher, useSecretCipher } from './secret-cipher';

const settings = {
  timeout_ms: 1000,
  headers: { 'X-Upstream-Auth': 'hdr-0004', 'X-Org': 'org-0005' },
  quota_checker: {
    type: 'naga',
    intervalMinutes: 5,
    options: {
      provisioningKey: 'naga-prov-0001',
      apiKey: 'sk-or-0002',
      token: 'mm-0003',
      groupid: '42',
      max: 10,
      endpoint: 'http://x',
    },
  },
};

describe('provider secrets in settings', () => {
  afterEach(() => useSecretCipher(new SecretCipher()));

  it('are the checker options named like credentials', () => {
    for (const name of [
      'apiKey',
      'token',
      'provisioningKey',
      'accessToken',
      'clientSecret',
      'sessionCookie',
      'password',
    ])
      expect(isCredentialOption(name)).toBe(true);
    for (const name of [
      'groupid',
      'groupId',
      'endpoint',
      'max',
      'maxUtilizationPercent',
      'accountId',
      'userAgent',
      'editorVersion',
    ])
      expect(isCredentialOption(name)).toBe(false);
  });

  it('are mapped one by one with their path (checker credentials, every header value), leaving every other field as it is', () => {
    const mapped = mapProviderSecrets(settings, (value, path) => `${path.join('.')}:${value.length}`);
    expect(mapped).toEqual({
      timeout_ms: 1000,
      headers: { 'X-Upstream-Auth': 'headers.X-Upstream-Auth:8', 'X-Org': 'headers.X-Org:8' },
      quota_checker: {
        type: 'naga',
        intervalMinutes: 5,
        options: {
          provisioningKey: 'quota_checker.options.provisioningKey:14',
          apiKey: 'quota_checker.options.apiKey:10',
          token: 'quota_checker.options.token:7',
          groupid: '42',
          max: 10,
          endpoint: 'http://x',
        },
      },
    });
    expect(settings.quota_checker.options.apiKey).toBe('sk-or-0002');
    expect(settings.headers['X-Org']).toBe('org-0005');
    expect(providerSecretsOf(settings)).toEqual(
      new Map([
        ['quota_checker.options.provisioningKey', 'naga-prov-0001'],
        ['quota_checker.options.apiKey', 'sk-or-0002'],
        ['quota_checker.options.token', 'mm-0003'],
        ['headers.X-Upstream-Auth', 'hdr-0004'],
        ['headers.X-Org', 'org-0005'],
      ]),
    );
    const none = { quota_checker: { type: 'deepseek' }, headers: {} };
    expect(mapProviderSecrets(none, () => 'x')).toBe(none);
  });

  it('are stored encrypted with ENCRYPTION_KEY and read back in the clear', () => {
    useSecretCipher(new SecretCipher('a1'.repeat(32)));
    const stored = PROVIDER_SETTINGS_COLUMN.to(settings) as typeof settings;
    const options = stored.quota_checker.options;
    for (const secret of [options.provisioningKey, options.apiKey, options.token, ...Object.values(stored.headers)])
      expect(SecretCipher.isEncrypted(secret)).toBe(true);
    expect(options.groupid).toBe('42');
    expect(Object.keys(stored.headers)).toEqual(['X-Upstream-Auth', 'X-Org']);
    expect(JSON.stringify(stored)).not.toMatch(/naga-prov-0001|sk-or-0002|mm-0003|hdr-0004|org-0005/);
    expect(PROVIDER_SETTINGS_COLUMN.from(stored)).toEqual(settings);
  });
});
