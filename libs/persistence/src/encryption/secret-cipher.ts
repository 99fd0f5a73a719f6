import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { ValueTransformer } from 'typeorm';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretCipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretCipherError';
  }
}

/**
 * AES-256-GCM for secrets at rest (provider API keys, API key secrets). Stored as
 * `enc:v1:<base64 iv|tag|ciphertext>`; without a key, values are stored as given.
 */
export class SecretCipher {
  private readonly key: Buffer | null;

  constructor(hexKey?: string) {
    this.key = hexKey ? Buffer.from(hexKey, 'hex') : null;
    if (this.key && this.key.length !== 32)
      throw new SecretCipherError('ENCRYPTION_KEY must be 32 bytes (64 hex characters)');
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  static isEncrypted(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  encrypt(plain: string): string {
    if (!this.key || SecretCipher.isEncrypted(plain)) return plain;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!SecretCipher.isEncrypted(stored)) return stored;
    if (!this.key) throw new SecretCipherError('An encrypted secret was read but ENCRYPTION_KEY is not set');
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretCipherError(
        'A secret could not be decrypted: ENCRYPTION_KEY is not the key it was encrypted with',
      );
    }
  }
}

let active = new SecretCipher();

/** The cipher entity columns use; set once at boot, before the database is read. */
export function useSecretCipher(cipher: SecretCipher): void {
  active = cipher;
}

/** The cipher in use, for transformers of columns that hold secrets inside JSON. */
export function activeSecretCipher(): SecretCipher {
  return active;
}

/** Column transformer: secrets go to the database encrypted and come back in the clear. */
export const ENCRYPTED_COLUMN: ValueTransformer = {
  to: (value: string | null | undefined) => (typeof value === 'string' ? active.encrypt(value) : value),
  from: (value: string | null) => (typeof value === 'string' ? active.decrypt(value) : value),
};
