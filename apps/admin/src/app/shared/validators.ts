/** Shared client-side checks; each returns an error message or null. */

export function httpUrlProblem(value: string): string | null {
  const text = value.trim();
  if (text === '') return 'Enter a URL';
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'Use an http:// or https:// URL';
  } catch {
    return 'Not a valid URL';
  }
}

/** An optional whole number within [min, max], typed as text. */
export function intProblem(value: string, min: number, max: number): string | null {
  const text = value.trim();
  if (text === '') return null;
  if (!/^\d+$/.test(text)) return 'Enter a whole number';
  const n = Number(text);
  if (n < min || n > max) return `Between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')}`;
  return null;
}

export function optionalInt(value: string): number | undefined {
  const text = value.trim();
  return text === '' ? undefined : Number(text);
}

/** Slugs of providers and key names: letters, digits, '.', '_' and '-', starting with a letter or digit. */
export const SLUG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
export const SLUG_HINT = "Letters, digits, '.', '_' or '-'";
