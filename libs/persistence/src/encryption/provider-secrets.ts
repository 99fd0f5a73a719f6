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

/** The string values of `map` chosen by `isSecret`, passed through `mapValue`; null when there are none. */
function mapStrings(
  map: Record<string, unknown>,
  isSecret: (name: string) => boolean,
  mapValue: (value: string, name: string) => string,
): Record<string, unknown> | null {
  if (!Object.entries(map).some(([name, value]) => typeof value === 'string' && isSecret(name))) return null;
  return Object.fromEntries(
    Object.entries(map).map(([name, value]) => [
      name,
      typeof value === 'string' && isSecret(name) ? mapValue(value, name) : value,
    ]),
  );
}

/**
 * A copy of provider settings (or a ProviderConfig, where both sit at the same level)
 * with every secret passed through `map`, which gets its path: the credential options of
 * `quota_checker.options`, and every value of `headers` (custom upstream headers are how
 * credentials other than `api_key` reach the provider, as the reference encrypts them
 * whole). The same object when there are none.
 */
export function mapProviderSecrets<T extends Record<string, unknown>>(
  settings: T,
  map: (value: string, path: string[]) => string,
): T {
  let mapped: T = settings;
  const checker = settings['quota_checker'];
  if (isObject(checker) && isObject(checker['options'])) {
    const options = mapStrings(checker['options'], isCredentialOption, (value, option) =>
      map(value, ['quota_checker', 'options', option]),
    );
    if (options) mapped = { ...mapped, quota_checker: { ...checker, options } };
  }
  const headers = settings['headers'];
  if (isObject(headers)) {
    const values = mapStrings(
      headers,
      () => true,
      (value, name) => map(value, ['headers', name]),
    );
    if (values) mapped = { ...mapped, headers: values };
  }
  return mapped;
}

/** The secrets of provider settings, by their path joined with dots (`headers.Authorization`, `quota_checker.options.apiKey`). */
export function providerSecretsOf(settings: Record<string, unknown>): Map<string, string> {
  const found = new Map<string, string>();
  mapProviderSecrets(settings, (value, path) => {
    found.set(path.join('.'), value);
    return value;
  });
  return found;
}

/** The `providers.settings` column: secrets go to the database encrypted and come back in the clear. */
export const PROVIDER_SETTINGS_COLUMN: ValueTransformer = {
  to: (value: unknown) =>
    isObject(value) ? mapProviderSecrets(value, (secret) => activeSecretCipher().encrypt(secret)) : value,
  from: (value: unknown) =>
    isObject(value) ? mapProviderSecrets(value, (secret) => activeSecretCipher().decrypt(secret)) : value,
};
