import type { CatalogModel } from './catalog-model';

/** When a model id is listed by several providers (resellers too), the model's own maker wins. */
const FIRST_PARTY = [
  'openai',
  'anthropic',
  'google',
  'deepseek',
  'xai',
  'mistral',
  'meta-llama',
  'qwen',
  'moonshotai',
  'zai',
];

/** `-20250514`, `-2024-08-06` and `-latest` name a version of the same model. */
const VERSION_SUFFIX = /-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$/;

/**
 * One catalog's models, found by the names providers are configured with: `gpt-4o`,
 * `openai/gpt-4o` (OpenRouter style), `models/gemini-2.5-pro` (Gemini style),
 * `claude-sonnet-4-20250514` or its undated name, `deepseek-chat:free`.
 */
export class CatalogIndex {
  private readonly byPath = new Map<string, CatalogModel>();
  private readonly byModel = new Map<string, CatalogModel[]>();

  constructor(readonly models: readonly CatalogModel[]) {
    for (const model of models) {
      this.byPath.set(model.path.toLowerCase(), model);
      const key = model.model.toLowerCase();
      const list = this.byModel.get(key);
      if (list) list.push(model);
      else this.byModel.set(key, [model]);
    }
  }

  get size(): number {
    return this.models.length;
  }

  get(path: string): CatalogModel | null {
    return this.byPath.get(path.toLowerCase()) ?? null;
  }

  /** The entry for a provider model; `provider` (the gateway's provider slug) breaks ties between catalog providers. */
  find(modelName: string, provider?: string): CatalogModel | null {
    const name = modelName
      .trim()
      .toLowerCase()
      .replace(/^models\//, '');
    const exact = this.byPath.get(name);
    if (exact) return exact;
    const slash = name.lastIndexOf('/');
    const prefix = slash > 0 ? name.slice(0, slash) : undefined;
    const base = name.slice(slash + 1).replace(/:[a-z0-9-]+$/, '');
    for (const key of [base, base.replace(VERSION_SUFFIX, '')]) {
      const candidates = this.byModel.get(key);
      if (candidates) return pick(candidates, [provider?.toLowerCase(), prefix]);
    }
    return null;
  }

  /** Entries whose path or name contains `query` (case-insensitive), in catalog order. */
  search(query: string | undefined, limit: number): CatalogModel[] {
    const needle = query?.trim().toLowerCase() ?? '';
    const found: CatalogModel[] = [];
    for (const model of this.models) {
      if (found.length >= limit) break;
      if (!needle || model.path.toLowerCase().includes(needle) || model.name.toLowerCase().includes(needle))
        found.push(model);
    }
    return found;
  }
}

function pick(candidates: CatalogModel[], preferred: Array<string | undefined>): CatalogModel {
  for (const provider of [...preferred, ...FIRST_PARTY]) {
    const match = provider && candidates.find((candidate) => candidate.provider.toLowerCase() === provider);
    if (match) return match;
  }
  return candidates[0];
}
