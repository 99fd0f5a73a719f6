/** Field names whose values are credentials, wherever they appear. */
const SECRET_FIELD =
  /^(secret|api_?key|key|token|access_?token|refresh_?token|password|authorization|client_?secret|credentials?)$/i;
/** Maps whose every value may be a credential (static headers, environments, command arguments). */
const SECRET_MAP = /^(headers|env|args|oauth)$/i;

/** A copy of a management answer with every secret replaced by `[REDACTED]`, for the management MCP server's callers. */
export function redactSecrets(value: unknown, field = ''): unknown {
  if (SECRET_FIELD.test(field) && value !== null && typeof value !== 'object') return '[REDACTED]';
  if (Array.isArray(value))
    return SECRET_MAP.test(field) ? value.map(() => '[REDACTED]') : value.map((item) => redactSecrets(item));
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([name, entry]) => [
      name,
      SECRET_MAP.test(field) && typeof entry === 'string' ? '[REDACTED]' : redactSecrets(entry, name),
    ]),
  );
}
