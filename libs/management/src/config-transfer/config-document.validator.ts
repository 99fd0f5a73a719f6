import { hashSecret, maskSecret } from '@plexus/auth';
import {
  mapMcpServerSecrets,
  mapProviderSecrets,
  SecretCipher,
  SecretCipherError,
  type ApiKeyPolicy,
  type ApiKeyRecord,
  type UserQuotaRecord,
} from '@plexus/persistence';
import { assignedQuotaNames } from '@plexus/quota';
import { AliasConfigDto } from '../aliases/alias.dto';
import { aliasRecordFrom, normalizeLegacyAlias } from '../aliases/alias-config.mapper';
import { ManagementError } from '../common/management-error';
import { validateBody, validationFailed, type ValidationIssue } from '../common/validation';
import { KeyConfigDto } from '../keys/key.dto';
import { POLICY_FIELDS } from '../keys/key-config.mapper';
import { ProviderConfigDto } from '../providers/provider.dto';
import { providerRecordFrom } from '../providers/provider-config.mapper';
import { QUOTA_NAME, UserQuotaDefinitionDto } from '../quotas/user-quota.dto';
import { userQuotaRecordFrom } from '../quotas/user-quota.mapper';
import type { ConfigDocument, ConfigMap, ValidatedConfig } from './config-document';

const DOCUMENT_FIELDS = new Set([
  'providers',
  'models',
  'keys',
  'user_quotas',
  'mcp_servers',
  'system_settings',
  'secrets',
  'quotas',
]);
const SECRET_FORMS = new Set(['masked', 'plaintext', 'encrypted']);
/** What maskSecret produces: a masked value can only stand for a secret already stored. */
const MASKED = /^(.{3}\.\.\..{4}|\*{1,8})$/;

/** What the document is checked against besides itself. */
export interface ValidationContext {
  /** Stored secrets by provider slug and key name: a masked value in the document keeps them. */
  storedProviderKeys: Map<string, string>;
  /** Stored header values and quota checker credentials by provider slug, then path (`headers.X-Auth`, `quota_checker.options.apiKey`). */
  storedProviderSecrets: Map<string, Map<string, string>>;
  /** Stored MCP server secrets by path (`github.headers.Authorization`). */
  storedMcpSecrets: Map<string, string>;
  storedKeySecrets: Map<string, string>;
  /** Objects that stay as they are (the other side of the managed line): references may point at them. */
  keptProviders: Set<string>;
  keptAliasNames: Set<string>;
  keptQuotas: Set<string>;
  keptSecretHashes: Set<string>;
  cipher: SecretCipher;
}

/** Validates a whole config document (fields, references, secrets) and returns the records to write, or throws one 400 listing every issue. */
export function validateConfigDocument(body: unknown, context: ValidationContext): ValidatedConfig {
  const issues: ValidationIssue[] = [];
  if (!isObject(body))
    throw validationFailed([{ path: [], message: 'The config document must be an object', code: 'invalid_type' }]);
  const document = body as ConfigDocument & Record<string, unknown>;
  for (const field of Object.keys(document)) {
    if (!DOCUMENT_FIELDS.has(field))
      issues.push({ path: [field], message: `Unknown field '${field}'`, code: 'unrecognized_keys' });
  }
  if (document.secrets !== undefined && !SECRET_FORMS.has(document.secrets)) {
    issues.push({
      path: ['secrets'],
      message: "secrets must be 'masked', 'plaintext' or 'encrypted'",
      code: 'invalid_enum_value',
    });
  }
  if (Array.isArray(document['quotas']) ? document['quotas'].length > 0 : document['quotas'] !== undefined) {
    issues.push({
      path: ['quotas'],
      message: 'Provider quota checkers are not supported yet: leave quotas empty',
      code: 'unsupported',
    });
  }
  const secrets = new SecretResolver(context, issues);

  const quotas: UserQuotaRecord[] = [];
  for (const [name, entry] of entries(document, 'user_quotas', issues)) {
    const path = ['user_quotas', name];
    if (!QUOTA_NAME.test(name))
      issues.push({
        path,
        message: 'Quota names are 2-63 lowercase letters, digits, hyphens or underscores',
        code: 'invalid_string',
      });
    const config = validated(UserQuotaDefinitionDto, withoutManaged(entry), path, issues);
    if (!config) continue;
    quotas.push(userQuotaRecordFrom(name, config));
  }

  const providers = entries(document, 'providers', issues).flatMap(([slug, entry]) => {
    const config = validated(ProviderConfigDto, withoutManaged(entry), ['providers', slug], issues);
    if (!config) return [];
    if (config.api_key !== undefined) {
      config.api_key = secrets.resolve(config.api_key, context.storedProviderKeys.get(slug), [
        'providers',
        slug,
        'api_key',
      ]);
    }
    const record = providerRecordFrom(slug, config);
    const stored = context.storedProviderSecrets.get(slug);
    const settings = mapProviderSecrets(record.settings, (value, path) =>
      secrets.resolve(value, stored?.get(path.join('.')), ['providers', slug, ...path]),
    );
    return [{ ...record, settings }];
  });

  const providerSlugs = new Set([...context.keptProviders, ...providers.map((provider) => provider.slug)]);
  const aliasNames = new Set(context.keptAliasNames);
  const aliases = entries(document, 'models', issues).flatMap(([slug, entry]) => {
    const path = ['models', slug];
    const config = validated(AliasConfigDto, normalizeLegacyAlias(withoutManaged(entry)), path, issues);
    if (!config) return [];
    const record = aliasRecordFrom(slug, config);
    const seen = new Set<string>();
    record.targetGroups.forEach((group, groupIndex) =>
      group.targets.forEach((target, targetIndex) => {
        const targetPath = [...path, 'target_groups', String(groupIndex), 'targets', String(targetIndex)];
        if (!providerSlugs.has(target.provider)) {
          issues.push({
            path: [...targetPath, 'provider'],
            message: `Unknown provider '${target.provider}'`,
            code: 'unknown_provider',
          });
        }
        const key = `${target.provider}/${target.model}`;
        if (seen.has(key))
          issues.push({ path: targetPath, message: `Duplicate target '${key}'`, code: 'duplicate_target' });
        seen.add(key);
      }),
    );
    for (const name of [slug, ...record.additionalAliases]) {
      if (aliasNames.has(name))
        issues.push({ path, message: `Name '${name}' is already in use`, code: 'duplicate_alias' });
      aliasNames.add(name);
    }
    return [record];
  });

  const quotaNames = new Set([...context.keptQuotas, ...quotas.map((quota) => quota.name)]);
  const secretHashes = new Set(context.keptSecretHashes);
  const keys = entries(document, 'keys', issues).flatMap(([name, entry]): ApiKeyRecord[] => {
    const path = ['keys', name];
    const { expiresAt, disabledAt, ...fields } = withoutManaged(entry);
    const config = validated(KeyConfigDto, fields, path, issues);
    if (!config) return [];
    if (name.includes('*')) issues.push({ path, message: "Key names may not contain '*'", code: 'invalid_string' });
    const secret = secrets.resolve(config.secret, context.storedKeySecrets.get(name), [...path, 'secret']);
    const secretHash = hashSecret(secret);
    if (secretHashes.has(secretHash))
      issues.push({
        path: [...path, 'secret'],
        message: 'This secret is already used by another key',
        code: 'duplicate',
      });
    secretHashes.add(secretHash);
    const policy: ApiKeyPolicy = {};
    for (const field of POLICY_FIELDS)
      if (config[field] !== undefined && config[field] !== null) Object.assign(policy, { [field]: config[field] });
    const unknown = assignedQuotaNames(policy).filter((quota) => !quotaNames.has(quota));
    if (unknown.length > 0)
      issues.push({
        path: [...path, 'quotas'],
        message: `Unknown user quota: ${unknown.join(', ')}`,
        code: 'unknown_quota',
      });
    const expiry =
      dateField(expiresAt, [...path, 'expiresAt'], issues) ??
      (config.expiresInMinutes === undefined ? null : new Date(Date.now() + config.expiresInMinutes * 60_000));
    return [
      {
        name,
        secret,
        secretHash,
        comment: config.comment ?? null,
        policy,
        expiresAt: expiry,
        disabledAt: dateField(disabledAt, [...path, 'disabledAt'], issues),
      },
    ];
  });

  const mcpServers =
    document.mcp_servers === undefined
      ? undefined
      : mapMcpServerSecrets(Object.fromEntries(entries(document, 'mcp_servers', issues)), (value, path) =>
          secrets.resolve(value, context.storedMcpSecrets.get(path.join('.')), ['mcp_servers', ...path]),
        );
  let settings: Record<string, unknown> | undefined;
  if (document.system_settings !== undefined) {
    if (isObject(document.system_settings)) settings = document.system_settings;
    else
      issues.push({
        path: ['system_settings'],
        message: 'system_settings must be an object of setting key to value',
        code: 'invalid_type',
      });
  }
  if (issues.length > 0) throw validationFailed(issues);
  return { providers, aliases, keys, quotas, mcpServers, settings };
}

/** Turns masked, encrypted and plain secret values into the secret to store. */
class SecretResolver {
  constructor(
    private readonly context: ValidationContext,
    private readonly issues: ValidationIssue[],
  ) {}

  resolve(value: string, stored: string | undefined, path: string[]): string {
    if (stored !== undefined && value === maskSecret(stored)) return stored;
    if (SecretCipher.isEncrypted(value)) {
      try {
        return this.context.cipher.decrypt(value);
      } catch (error) {
        if (!(error instanceof SecretCipherError)) throw error;
        this.issues.push({
          path,
          message: `${error.message} (the backup was written by a gateway with another key)`,
          code: 'undecryptable',
        });
        return value;
      }
    }
    if (MASKED.test(value)) {
      this.issues.push({
        path,
        message: 'A masked secret can only keep a stored one: give the real value',
        code: 'masked_secret',
      });
    }
    return value;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entries(
  document: Record<string, unknown>,
  field: keyof ConfigDocument,
  issues: ValidationIssue[],
): Array<[string, Record<string, unknown>]> {
  const map = document[field];
  if (map === undefined || map === null) return [];
  if (!isObject(map)) {
    issues.push({ path: [field], message: `${field} must be an object keyed by name`, code: 'invalid_type' });
    return [];
  }
  return Object.entries(map as ConfigMap).filter(([name, entry]) => {
    if (isObject(entry)) return true;
    issues.push({ path: [field, name], message: 'Each entry must be an object', code: 'invalid_type' });
    return false;
  });
}

/** `managed` is the gateway's own marker, never input. */
function withoutManaged(entry: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...entry };
  delete rest['managed'];
  return rest;
}

function validated<T extends object>(
  dto: new () => T,
  body: Record<string, unknown>,
  path: string[],
  issues: ValidationIssue[],
): T | null {
  try {
    return validateBody(dto, body);
  } catch (error) {
    if (!(error instanceof ManagementError)) throw error;
    for (const issue of error.details) issues.push({ ...issue, path: [...path, ...issue.path] });
    return null;
  }
}

function dateField(value: unknown, path: string[], issues: ValidationIssue[]): Date | null {
  if (value === undefined || value === null) return null;
  const date = typeof value === 'number' || typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) {
    issues.push({ path, message: 'Must be a time in epoch milliseconds or ISO 8601', code: 'invalid_date' });
    return null;
  }
  return date;
}
