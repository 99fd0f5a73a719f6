import { ManagementError } from '../common/management-error';
import { hashSecret } from '@plexus/auth';
import { SecretCipher } from '@plexus/persistence';
import { validateConfigDocument, type ValidationContext } from './config-document.validator';

const KEY = 'c3'.repeat(32);

function context(overrides: Partial<ValidationContext> = {}): ValidationContext {
  return {
    storedProviderKeys: new Map(),
    storedProviderSecrets: new Map(),
    storedMcpSecrets: new Map(),
    storedKeySecrets: new Map(),
    keptProviders: new Set(),
    keptAliasNames: new Set(),
    keptQuotas: new Set(),
    keptSecretHashes: new Set(),
    cipher: new SecretCipher(),
    ...overrides,
  };
}

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ManagementError)) throw error;
    return (error.getResponse() as { details: Array<{ path: string[]; code: string }> }).details.map(
      (issue) => `${issue.path.join('.')}:${issue.code}`,
    );
  }
  throw new Error('expected a validation failure');
}

const document = {
  providers: { openai: { api_base_url: 'https://api.openai.com/v1', api_key: 'sk-upstream-0001', models: ['gpt-a'] } },
  models: {
    fast: {
      target_groups: [{ name: 'main', selector: 'in_order', targets: [{ provider: 'openai', model: 'gpt-a' }] }],
      additional_aliases: ['quick'],
    },
  },
  keys: { team: { secret: 'sk-team-0002', quotas: ['daily'], expiresAt: 1_900_000_000_000 } },
  user_quotas: { daily: { type: 'daily', limitType: 'requests', limit: 10 } },
  system_settings: { cooldown: { initialMinutes: 1 } },
};

describe('validateConfigDocument', () => {
  it('turns a valid document into records', () => {
    const config = validateConfigDocument(document, context());
    expect(config.providers).toEqual([
      expect.objectContaining({ slug: 'openai', apiKey: 'sk-upstream-0001', models: [{ name: 'gpt-a', config: {} }] }),
    ]);
    expect(config.aliases).toEqual([expect.objectContaining({ slug: 'fast', additionalAliases: ['quick'] })]);
    expect(config.keys).toEqual([
      expect.objectContaining({
        name: 'team',
        secretHash: hashSecret('sk-team-0002'),
        policy: { quotas: ['daily'] },
        expiresAt: new Date(1_900_000_000_000),
      }),
    ]);
    expect(config.quotas).toEqual([expect.objectContaining({ name: 'daily', limit: 10, duration: null })]);
    expect(config.settings).toEqual({ cooldown: { initialMinutes: 1 } });
  });

  it('reports every problem at once: fields, references, names, duplicates', () => {
    const bad = {
      ...document,
      providers: { openai: { api_base_url: 'not a url' } },
      models: {
        fast: {
          target_groups: [
            {
              name: 'main',
              selector: 'in_order',
              targets: [
                { provider: 'ghost', model: 'm' },
                { provider: 'ghost', model: 'm' },
              ],
            },
          ],
        },
        other: {
          target_groups: [{ name: 'g', selector: 'random', targets: [{ provider: 'openai', model: 'x' }] }],
          additional_aliases: ['fast'],
        },
      },
      keys: {
        team: { secret: 'sk-team-0002', quotas: ['weekly'] },
        twin: { secret: 'sk-team-0002' },
        'bad*name': { secret: 'sk-x-0003' },
      },
      user_quotas: { 'Bad Name': { type: 'daily', limitType: 'requests', limit: 10 } },
      extra: true,
    };
    expect(issuesOf(() => validateConfigDocument(bad, context()))).toEqual(
      expect.arrayContaining([
        'extra:unrecognized_keys',
        'user_quotas.Bad Name:invalid_string',
        'providers.openai.api_base_url:isUrlOrUrlMap',
        'models.fast.target_groups.0.targets.0.provider:unknown_provider',
        'models.fast.target_groups.0.targets.1:duplicate_target',
        'models.other:duplicate_alias',
        'keys.team.quotas:unknown_quota',
        'keys.twin.secret:duplicate',
        'keys.bad*name:invalid_string',
      ]),
    );
  });

  it('lets references point at objects that stay (the other side of the managed line)', () => {
    const partial = {
      models: { fast: document.models.fast },
      keys: { team: { secret: 'sk-team-0002', quotas: ['daily'] } },
    };
    expect(issuesOf(() => validateConfigDocument(partial, context()))).toEqual(
      expect.arrayContaining([
        'models.fast.target_groups.0.targets.0.provider:unknown_provider',
        'keys.team.quotas:unknown_quota',
      ]),
    );
    expect(() =>
      validateConfigDocument(partial, context({ keptProviders: new Set(['openai']), keptQuotas: new Set(['daily']) })),
    ).not.toThrow();
    expect(
      issuesOf(() =>
        validateConfigDocument(
          partial,
          context({
            keptProviders: new Set(['openai']),
            keptQuotas: new Set(['daily']),
            keptSecretHashes: new Set([hashSecret('sk-team-0002')]),
          }),
        ),
      ),
    ).toEqual(['keys.team.secret:duplicate']);
  });

  it('keeps a stored secret for its mask, decrypts encrypted ones with the same key, and refuses the rest', () => {
    const stored = context({
      storedProviderKeys: new Map([['openai', 'sk-upstream-0001']]),
      storedKeySecrets: new Map([['team', 'sk-team-0002']]),
    });
    const masked = {
      ...document,
      providers: { openai: { ...document.providers.openai, api_key: 'sk-...0001' } },
      keys: { team: { secret: 'sk-...0002', quotas: ['daily'] } },
    };
    const config = validateConfigDocument(masked, stored);
    expect(config.providers[0]?.apiKey).toBe('sk-upstream-0001');
    expect(config.keys[0]?.secret).toBe('sk-team-0002');
    expect(issuesOf(() => validateConfigDocument(masked, context()))).toEqual([
      'providers.openai.api_key:masked_secret',
      'keys.team.secret:masked_secret',
    ]);

    const cipher = new SecretCipher(KEY);
    const encrypted = {
      ...document,
      secrets: 'encrypted',
      keys: { team: { secret: cipher.encrypt('sk-team-0002'), quotas: ['daily'] } },
    };
    expect(validateConfigDocument(encrypted, context({ cipher })).keys[0]?.secret).toBe('sk-team-0002');
    expect(
      issuesOf(() => validateConfigDocument(encrypted, context({ cipher: new SecretCipher('d4'.repeat(32)) }))),
    ).toEqual(['keys.team.secret:undecryptable']);
  });

  it('treats quota checker credentials like the provider key: masked keeps, encrypted decrypts, other options pass', () => {
    const checker = (options: Record<string, unknown>): Record<string, unknown> => ({
      ...document,
      providers: { openai: { ...document.providers.openai, quota_checker: { type: 'minimax', options } } },
    });
    const stored = context({
      storedProviderSecrets: new Map([['openai', new Map([['quota_checker.options.token', 'mm-session-token-0003']])]]),
    });
    const kept = validateConfigDocument(checker({ token: 'mm-...0003', groupid: '42' }), stored);
    expect(kept.providers[0]?.settings['quota_checker']).toEqual({
      type: 'minimax',
      options: { token: 'mm-session-token-0003', groupid: '42' },
    });
    expect(issuesOf(() => validateConfigDocument(checker({ token: 'mm-...0003' }), context()))).toEqual([
      'providers.openai.quota_checker.options.token:masked_secret',
    ]);

    const cipher = new SecretCipher(KEY);
    const encrypted = validateConfigDocument(
      { ...checker({ provisioningKey: cipher.encrypt('naga-prov-0004') }), secrets: 'encrypted' },
      context({ cipher }),
    );
    expect(encrypted.providers[0]?.settings['quota_checker']).toEqual({
      type: 'minimax',
      options: { provisioningKey: 'naga-prov-0004' },
    });
  });

  it('treats provider header values the same way, whatever the header name', () => {
    const withHeaders = (headers: Record<string, string>): Record<string, unknown> => ({
      ...document,
      providers: { openai: { ...document.providers.openai, headers } },
    });
    const stored = context({
      storedProviderSecrets: new Map([['openai', new Map([['headers.X-Upstream-Auth', 'hdr-secret-0005']])]]),
    });
    const kept = validateConfigDocument(withHeaders({ 'X-Upstream-Auth': 'hdr...0005', 'X-Org': 'org-1' }), stored);
    expect(kept.providers[0]?.settings['headers']).toEqual({ 'X-Upstream-Auth': 'hdr-secret-0005', 'X-Org': 'org-1' });
    expect(issuesOf(() => validateConfigDocument(withHeaders({ 'X-Other': 'hdr...0005' }), stored))).toEqual([
      'providers.openai.headers.X-Other:masked_secret',
    ]);
  });

  it('treats MCP server headers, env and args as secrets: masked keeps, encrypted decrypts', () => {
    const cipher = new SecretCipher(KEY);
    const servers = {
      gh: { mode: 'remote_http', upstream_url: 'https://mcp.example.com', headers: { Authorization: 'Bea...0006' } },
      local: {
        mode: 'stdio',
        command: 'npx',
        args: ['**', cipher.encrypt('--token=tok-0007')],
        env: { API_KEY: 'plain-env-0008' },
      },
    };
    const stored = context({
      cipher,
      storedMcpSecrets: new Map([
        ['gh.headers.Authorization', 'Bearer ghp-0006'],
        ['local.args.0', '-y'],
      ]),
    });
    expect(validateConfigDocument({ mcp_servers: servers }, stored).mcpServers).toEqual({
      gh: { ...servers.gh, headers: { Authorization: 'Bearer ghp-0006' } },
      local: { mode: 'stdio', command: 'npx', args: ['-y', '--token=tok-0007'], env: { API_KEY: 'plain-env-0008' } },
    });
    expect(issuesOf(() => validateConfigDocument({ mcp_servers: { gh: servers.gh } }, context()))).toEqual([
      'mcp_servers.gh.headers.Authorization:masked_secret',
    ]);
  });

  it('ignores the managed marker as input', () => {
    const marked = { providers: { openai: { ...document.providers.openai, managed: true } } };
    expect(validateConfigDocument(marked, context()).providers[0]?.settings).toEqual({});
  });
});
