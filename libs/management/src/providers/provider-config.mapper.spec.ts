import { ManagementError } from '../common/management-error';
import type { ProviderRecord } from '@plexus/persistence';
import { providerConfigOf, withStoredSecrets } from './provider-config.mapper';

function provider(
  apiKey: string | null,
  options: Record<string, unknown>,
  headers?: Record<string, string>,
): ProviderRecord {
  const settings = { quota_checker: { type: 'minimax', options }, ...(headers && { headers }) };
  return {
    slug: 'mm',
    displayName: null,
    apiBaseUrl: 'https://api.example.com/v1',
    apiKey,
    enabled: true,
    settings,
    models: [],
  };
}

describe('provider config secrets', () => {
  const stored = provider('sk-upstream-0001', {
    token: 'mm-session-token-0002',
    provisioningKey: 'short',
    groupid: '12345678901',
  });

  it('masks the api_key and every checker credential the way api_key is masked, unless revealed', () => {
    const config = providerConfigOf(stored);
    expect(config['api_key']).toBe('sk-...0001');
    expect(config['quota_checker']).toEqual({
      type: 'minimax',
      options: { token: 'mm-...0002', provisioningKey: '*****', groupid: '12345678901' },
    });
    expect(JSON.stringify(config)).not.toMatch(/upstream-0001|session-token|short/);
    expect(providerConfigOf(stored, true)['quota_checker']).toEqual(stored.settings['quota_checker']);
  });

  it('keeps the stored secrets for their masks, takes new values, and refuses a mask with nothing stored', () => {
    const sentBack = provider('sk-...0001', {
      token: 'mm-...0002',
      provisioningKey: 'new-provisioning-key',
      groupid: '1',
    });
    const kept = withStoredSecrets(sentBack, stored);
    expect(kept.apiKey).toBe('sk-upstream-0001');
    expect(kept.settings['quota_checker']).toEqual({
      type: 'minimax',
      options: { token: 'mm-session-token-0002', provisioningKey: 'new-provisioning-key', groupid: '1' },
    });
    expect(() => withStoredSecrets(provider(null, { token: 'mm-...0002' }), null)).toThrow(ManagementError);
  });
});

describe('provider header secrets', () => {
  const stored = provider(null, {}, { 'X-Upstream-Auth': 'hdr-secret-value-0003', 'X-Org': 'org1' });

  it('masks every header value, whatever its name, unless revealed', () => {
    expect(providerConfigOf(stored)['headers']).toEqual({ 'X-Upstream-Auth': 'hdr...0003', 'X-Org': '****' });
    expect(providerConfigOf(stored, true)['headers']).toEqual(stored.settings['headers']);
  });

  it('keeps a stored header for its mask, takes a new value or a new header, and refuses a mask of a header never stored', () => {
    const kept = withStoredSecrets(
      provider(null, {}, { 'X-Upstream-Auth': 'hdr...0003', 'X-Org': 'org2', 'X-New': 'plain-new-value' }),
      stored,
    );
    expect(kept.settings['headers']).toEqual({
      'X-Upstream-Auth': 'hdr-secret-value-0003',
      'X-Org': 'org2',
      'X-New': 'plain-new-value',
    });
    expect(() => withStoredSecrets(provider(null, {}, { 'X-Other': 'hdr...0003' }), stored)).toThrow(ManagementError);
  });
});
