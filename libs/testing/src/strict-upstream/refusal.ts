/** What a strict upstream answers instead of the script: the provider's own status and error body. */
export interface Refusal {
  status: number;
  body: unknown;
}

/** Signatures and encrypted reasoning this upstream handed out, the only ones it accepts back. */
export interface IssuedSignatures {
  has(signature: string): boolean;
}

export type RequestRules = (
  body: Record<string, unknown>,
  issued: IssuedSignatures,
  path: string,
) => Refusal | undefined;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function firstUnknown(body: Record<string, unknown>, known: ReadonlySet<string>): string | undefined {
  return Object.keys(body).find((key) => !known.has(key));
}
