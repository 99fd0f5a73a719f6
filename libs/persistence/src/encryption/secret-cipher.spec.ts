import { SecretCipher, SecretCipherError } from './secret-cipher';

const KEY = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

describe('SecretCipher', () => {
  it('round-trips through AES-256-GCM with a fresh IV each time', () => {
    const cipher = new SecretCipher(KEY);
    const first = cipher.encrypt('sk-very-secret');
    const second = cipher.encrypt('sk-very-secret');
    expect(first).toMatch(/^enc:v1:/);
    expect(first).not.toBe(second);
    expect(first).not.toContain('very-secret');
    expect(cipher.decrypt(first)).toBe('sk-very-secret');
  });

  it('stores as given without a key, and reads plaintext with or without one', () => {
    expect(new SecretCipher().encrypt('plain')).toBe('plain');
    expect(new SecretCipher(KEY).decrypt('plain')).toBe('plain');
  });

  it('refuses to read an encrypted secret without the key, or with the wrong one', () => {
    const stored = new SecretCipher(KEY).encrypt('x');
    expect(() => new SecretCipher().decrypt(stored)).toThrow(SecretCipherError);
    expect(() => new SecretCipher(OTHER).decrypt(stored)).toThrow(/not the key it was encrypted with/);
  });

  it('never encrypts twice', () => {
    const cipher = new SecretCipher(KEY);
    const once = cipher.encrypt('x');
    expect(cipher.encrypt(once)).toBe(once);
  });
});
