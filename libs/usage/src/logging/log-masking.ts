import { REDACTED } from '../debug-traces/redaction';

const PATTERNS: Array<[RegExp, string]> = [
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/([?&](?:key|api_key|apikey|access_token|token)=)[^&\s"']+/gi, `$1${REDACTED}`],
  [
    /((?:x-api-key|x-admin-key|x-goog-api-key|authorization|api[-_]?key|provisioning[-_]?key|(?<![\w-])token|secret|password)["']?\s*[:=]\s*["']?)(?!Bearer\s)(?!\[REDACTED\])[^"'\s,}]{4,}/gi,
    `$1${REDACTED}`,
  ],
];

/** Masks credential-looking text in a log line: secrets are never logged. */
export function maskLogText(text: string): string {
  let masked = text;
  for (const [pattern, replacement] of PATTERNS) masked = masked.replace(pattern, replacement);
  return masked;
}
