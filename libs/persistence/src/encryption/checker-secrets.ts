import type { ValueTransformer } from 'typeorm';
import { activeSecretCipher } from './secret-cipher';

/**
 * Options of a provider's `quota_checker` that hold credentials (`apiKey`, MiniMax's
 * `token`, Naga's `provisioningKey`, a session cookie...): by name, so a checker added
 * later with such an option is covered without being listed.
 */
const CREDENTIAL_OPTION = /(key|token|secret|password|cookie|credential)s?$/i;

export function isCredentialOption(name: string): boolean {
  return CREDENTIAL_OPTION.test(name);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of provider settings (or a ProviderConfig, where `quota_checker` sits at the
 * same level) with every credential option of `quota_checker.options` passed through
 * `map`; the same object when there are none.
 */
export function mapCheckerSecrets<T extends Record<string, unknown>>(settings: T, map: (value: string, option: string) => string): T {
  const checker = settings['quota_checker'];
  if (!isObject(checker) || !isObject(checker['options'])) return settings;
  const options = checker['options'];
  if (!Object.entries(options).some(([name, value]) => typeof value === 'string' && isCredentialOption(name))) return settings;
  const mapped = Object.fromEntries(
    Object.entries(options).map(([name, value]) => [name, typeof value === 'string' && isCredentialOption(name) ? map(value, name) : value]),
  );
  return { ...settings, quota_checker: { ...checker, options: mapped } };
}

/** The credential options of provider settings, by option name. */
export function checkerSecretsOf(settings: Record<string, unknown>): Map<string, string> {
  const found = new Map<string, string>();
  mapCheckerSecrets(settings, (value, option) => {
    found.set(option, value);
    return value;
  });
  return found;
}

/** The `providers.settings` column: checker credentials go to the database encrypted and come back in the clear. */
export const PROVIDER_SETTINGS_COLUMN: ValueTransformer = {
  to: (value: unknown) => (isObject(value) ? mapCheckerSecrets(value, (secret) => activeSecretCipher().encrypt(secret)) : value),
  from: (value: unknown) => (isObject(value) ? mapCheckerSecrets(value, (secret) => activeSecretCipher().decrypt(secret)) : value),
};
