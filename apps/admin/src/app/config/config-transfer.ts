import type { ConfigDocumentDto } from '../api/models/config-document-dto';

/** The sections of a config document, as the import accepts them. */
export const CONFIG_SECTIONS = [
  'providers',
  'models',
  'keys',
  'user_quotas',
  'mcp_servers',
  'system_settings',
] as const;
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];
const KNOWN_FIELDS: ReadonlySet<string> = new Set<string>([...CONFIG_SECTIONS, 'secrets']);

export const SECTION_LABELS: Readonly<Record<ConfigSection, string>> = {
  providers: 'Providers',
  models: 'Model aliases',
  keys: 'API keys',
  user_quotas: 'User quotas',
  mcp_servers: 'MCP servers',
  system_settings: 'System settings',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type ParsedConfig =
  | { ok: true; document: ConfigDocumentDto; counts: Partial<Record<ConfigSection, number>> }
  | { ok: false; problem: string };

/** Checks pasted or uploaded text before it is sent: JSON, an object, known sections holding objects. */
export function parseConfigDocument(text: string): ParsedConfig {
  if (text.trim() === '') return { ok: false, problem: 'Paste a config document or choose a file' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `Not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isRecord(parsed))
    return { ok: false, problem: 'The document must be a JSON object with providers, models, keys, … sections' };
  const unknown = Object.keys(parsed).filter((field) => !KNOWN_FIELDS.has(field));
  if (unknown.length > 0) return { ok: false, problem: `Unknown section(s): ${unknown.join(', ')}` };
  const counts: Partial<Record<ConfigSection, number>> = {};
  for (const section of CONFIG_SECTIONS) {
    const value = parsed[section];
    if (value === undefined) continue;
    if (!isRecord(value)) return { ok: false, problem: `'${section}' must be an object keyed by name` };
    counts[section] = Object.keys(value).length;
  }
  if (Object.keys(counts).length === 0)
    return { ok: false, problem: 'The document has none of the sections an import replaces' };
  return { ok: true, document: parsed as ConfigDocumentDto, counts };
}

export interface ManagedEntry {
  readonly section: ConfigSection;
  readonly name: string;
}

/** Objects the declarative config file owns (`managed: true`): the API and the import leave them alone. */
export function managedEntries(document: ConfigDocumentDto): ManagedEntry[] {
  const entries: ManagedEntry[] = [];
  for (const section of CONFIG_SECTIONS) {
    if (section === 'system_settings') continue;
    const objects: unknown = (document as Record<string, unknown>)[section];
    if (!isRecord(objects)) continue;
    for (const [name, value] of Object.entries(objects))
      if (isRecord(value) && value['managed'] === true) entries.push({ section, name });
  }
  return entries.sort((a, b) => a.section.localeCompare(b.section) || a.name.localeCompare(b.name));
}

/** `plexus-config-2026-11-24T2210.json` */
export function exportFileName(now: Date): string {
  return `plexus-config-${now.toISOString().slice(0, 16).replace(':', '')}.json`;
}
