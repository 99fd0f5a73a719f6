import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ConfigDocument } from './config-document';

export class DeclarativeConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeclarativeConfigError';
  }
}

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Reads the PLEXUS_CONFIG file (YAML or JSON, the shape of a config export) and puts in
 * the `${ENV_VAR}` references, so secrets live in the environment, not in the file.
 */
export async function loadDeclarativeConfig(path: string, env: NodeJS.ProcessEnv): Promise<ConfigDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new DeclarativeConfigError(
      `PLEXUS_CONFIG: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    throw new DeclarativeConfigError(
      `PLEXUS_CONFIG: ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new DeclarativeConfigError(`PLEXUS_CONFIG: ${path} must hold a mapping (providers, models, keys...)`);
  return substitute(parsed, [], env) as ConfigDocument;
}

function substitute(value: unknown, path: string[], env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_match, name: string) => {
      const resolved = env[name];
      // Name the variable and where it is used; never a value.
      if (resolved === undefined)
        throw new DeclarativeConfigError(
          `PLEXUS_CONFIG: environment variable ${name} is not set (used at ${path.join('.') || 'the top level'})`,
        );
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item, index) => substitute(item, [...path, String(index)], env));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, [...path, key], env)]));
  }
  return value;
}
