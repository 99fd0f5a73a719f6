import { describe, expect, it } from 'vitest';
import { navEntriesFor } from './nav';

describe('navigation', () => {
  it('shows a limited session only its own pages, and the admin everything else', () => {
    expect(navEntriesFor(true).map((e) => e.path)).toEqual(['dashboard', 'my-usage', 'logs', 'errors']);
    const admin = navEntriesFor(false).map((e) => e.path);
    expect(admin).not.toContain('my-usage');
    expect(admin).toEqual(
      expect.arrayContaining(['providers', 'keys', 'quotas', 'performance', 'settings', 'config', 'mcp-servers']),
    );
  });
});
