import { extractPresentedKey } from './presented-key';

describe('extractPresentedKey', () => {
  it('reads Authorization with and without Bearer', () => {
    expect(extractPresentedKey({ authorization: 'Bearer sk-1' })).toEqual({ secret: 'sk-1', attribution: null });
    expect(extractPresentedKey({ authorization: 'sk-2' })).toEqual({ secret: 'sk-2', attribution: null });
  });

  it('falls back to x-api-key, x-goog-api-key and ?key=', () => {
    expect(extractPresentedKey({ 'x-api-key': 'sk-3' })?.secret).toBe('sk-3');
    expect(extractPresentedKey({ 'x-goog-api-key': 'sk-4' })?.secret).toBe('sk-4');
    expect(extractPresentedKey({}, { key: 'sk-5' })?.secret).toBe('sk-5');
  });

  it('splits the attribution label at the first colon and lower-cases it', () => {
    expect(extractPresentedKey({ authorization: 'Bearer sk-abc:Mobile:v2.5' })).toEqual({
      secret: 'sk-abc',
      attribution: 'mobile:v2.5',
    });
  });

  it('returns null when nothing was presented', () => {
    expect(extractPresentedKey({ authorization: 'Bearer ' })).toBeNull();
    expect(extractPresentedKey({})).toBeNull();
  });
});
