import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const API_PREFIXES = [
  '/v1',
  '/v0',
  '/v1beta',
  '/health',
  '/healthz',
  '/ready',
  '/docs',
  '/metrics',
  '/mcp',
  '/raw',
  '/.well-known',
];

/** The built Angular console, when present; the gateway serves it at `/`. */
export class AdminAssets {
  private readonly index: string | null;

  constructor(readonly root: string) {
    const indexPath = join(root, 'index.html');
    this.index = existsSync(indexPath) ? readFileSync(indexPath, 'utf8') : null;
  }

  get available(): boolean {
    return this.index !== null;
  }

  indexHtml(): string {
    return this.index ?? '';
  }

  /** Client-side routes: any path outside the APIs, when the console is built. */
  servesPath(path: string): boolean {
    return this.index !== null && !API_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  }
}
