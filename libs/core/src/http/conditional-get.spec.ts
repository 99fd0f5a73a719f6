import { entityTagOf, evaluateConditionalGet } from './conditional-get';

describe('conditional GET', () => {
  const etag = entityTagOf('{"a":1}');
  const lastModified = new Date('2026-01-02T03:04:05.678Z');

  it('tags bodies with their quoted SHA-256', () => {
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(entityTagOf('{"a":1}')).toBe(etag);
    expect(entityTagOf('{"a":2}')).not.toBe(etag);
  });

  it('If-None-Match: a listed tag (weak or strong) or * is not modified; others are sent; garbage is invalid', () => {
    expect(evaluateConditionalGet({ etag, ifNoneMatch: etag })).toBe('not-modified');
    expect(evaluateConditionalGet({ etag, ifNoneMatch: `"x", W/${etag}` })).toBe('not-modified');
    expect(evaluateConditionalGet({ etag, ifNoneMatch: '*' })).toBe('not-modified');
    expect(evaluateConditionalGet({ etag, ifNoneMatch: '"other"' })).toBe('send');
    expect(evaluateConditionalGet({ etag, ifNoneMatch: 'no-quotes' })).toBe('invalid');
  });

  it('If-Modified-Since compares whole seconds, is ignored when unparsable, and yields to If-None-Match', () => {
    expect(evaluateConditionalGet({ etag, lastModified, ifModifiedSince: lastModified.toUTCString() })).toBe(
      'not-modified',
    );
    expect(
      evaluateConditionalGet({
        etag,
        lastModified,
        ifModifiedSince: new Date(lastModified.getTime() - 2000).toUTCString(),
      }),
    ).toBe('send');
    expect(evaluateConditionalGet({ etag, lastModified, ifModifiedSince: 'yesterday-ish' })).toBe('send');
    expect(
      evaluateConditionalGet({
        etag,
        lastModified,
        ifModifiedSince: lastModified.toUTCString(),
        ifNoneMatch: '"other"',
      }),
    ).toBe('send');
  });
});
