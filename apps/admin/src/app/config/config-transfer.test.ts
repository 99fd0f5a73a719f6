import { describe, expect, it } from 'vitest';
import { exportFileName, managedEntries, parseConfigDocument } from './config-transfer';

describe('config transfer', () => {
  it('accepts a document with known sections and counts them', () => {
    const parsed = parseConfigDocument(JSON.stringify({ providers: { a: {}, b: {} }, keys: {}, secrets: 'masked' }));
    expect(parsed).toEqual({
      ok: true,
      document: { providers: { a: {}, b: {} }, keys: {}, secrets: 'masked' },
      counts: { providers: 2, keys: 0 },
    });
  });

  it('explains what is wrong before anything is sent', () => {
    expect(parseConfigDocument('  ')).toEqual({ ok: false, problem: 'Paste a config document or choose a file' });
    expect(parseConfigDocument('{').ok).toBe(false);
    expect(parseConfigDocument('[]')).toMatchObject({ problem: expect.stringContaining('must be a JSON object') });
    expect(parseConfigDocument('{"providers": {}, "extra": 1}')).toEqual({
      ok: false,
      problem: 'Unknown section(s): extra',
    });
    expect(parseConfigDocument('{"providers": []}')).toEqual({
      ok: false,
      problem: "'providers' must be an object keyed by name",
    });
    expect(parseConfigDocument('{"secrets": "masked"}')).toEqual({
      ok: false,
      problem: 'The document has none of the sections an import replaces',
    });
  });

  it('lists the objects the config file manages', () => {
    expect(
      managedEntries({
        providers: { a: { managed: true }, b: {} },
        keys: { k: { managed: true } },
        system_settings: { x: { managed: true } },
      }),
    ).toEqual([
      { section: 'keys', name: 'k' },
      { section: 'providers', name: 'a' },
    ]);
  });

  it('names the export file by its time', () => {
    expect(exportFileName(new Date('2026-11-24T22:10:33Z'))).toBe('plexus-config-2026-11-24T2210.json');
  });
});
