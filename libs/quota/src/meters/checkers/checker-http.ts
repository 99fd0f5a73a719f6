import type { CheckerContext } from '../quota-checker';
import { CheckerError } from '../quota-checker';

const BODY_EXCERPT = 200;

/** The endpoint to call: `options.endpoint` when set (tests point it at loopback), else the upstream's. */
export function endpointOf(context: CheckerContext, fallback: string): string {
  const configured = context.options['endpoint'];
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : fallback;
}

/** The credential, without a `Bearer ` prefix someone pasted with it. */
export function requireApiKey(context: CheckerContext, what = 'an API key'): string {
  const raw = context.apiKey?.trim() ?? '';
  const key = raw.toLowerCase().startsWith('bearer ') ? raw.slice(7).trim() : raw;
  if (!key)
    throw new CheckerError(`No credential: set the provider's api_key or quota_checker.options.apiKey to ${what}`);
  return key;
}

export function stringOption(context: CheckerContext, name: string): string | undefined {
  const value = context.options[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export interface JsonReply {
  body: unknown;
  headers: Headers;
}

/** Calls the upstream and parses its JSON; a non-2xx answer or bad JSON is a CheckerError. */
export async function requestJson(context: CheckerContext, url: string, init: RequestInit = {}): Promise<JsonReply> {
  const response = await fetch(url, {
    method: 'GET',
    ...init,
    headers: { accept: 'application/json', ...init.headers },
    signal: context.signal,
  });
  const text = await response.text();
  if (!response.ok) {
    const excerpt = text.trim().slice(0, BODY_EXCERPT);
    throw new CheckerError(
      `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt ? `: ${excerpt}` : ''}`,
    );
  }
  try {
    return { body: JSON.parse(text) as unknown, headers: response.headers };
  } catch {
    throw new CheckerError(
      `The upstream answered with something other than JSON: ${text.trim().slice(0, BODY_EXCERPT)}`,
    );
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field that must be an object. */
export function objectAt(value: unknown, field: string): Record<string, unknown> {
  const found = isRecord(value) ? value[field] : undefined;
  if (!isRecord(found)) throw new CheckerError(`Unexpected response: '${field}' is missing`);
  return found;
}

/** A number, or a numeric string (`"12.5"`, `"$12.50"`); undefined otherwise. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value.replace(/[$,\s]/g, ''));
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** A number the upstream must have sent. */
export function requireNumber(value: unknown, what: string): number {
  const parsed = numberOf(value);
  if (parsed === undefined)
    throw new CheckerError(`Unexpected response: ${what} is not a number (${JSON.stringify(value) ?? 'missing'})`);
  return parsed;
}

/** An ISO string, epoch seconds or epoch milliseconds. */
export function dateOf(value: unknown): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    return new Date(value < 1e12 ? value * 1000 : value);
  }
  if (typeof value === 'string') {
    if (/^\d+$/.test(value)) return dateOf(Number(value));
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  }
  return undefined;
}
