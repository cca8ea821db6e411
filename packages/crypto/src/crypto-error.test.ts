import { describe, expect, it } from 'vitest';
import { CryptoError } from './crypto-error.js';

describe('CryptoError', () => {
  it('carries a stable code, its own name and the cause', () => {
    const cause = new Error('inner');
    const error = new CryptoError('DECRYPTION_FAILED', 'decryption failed', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('DECRYPTION_FAILED');
    expect(error.name).toBe('CryptoError');
    expect(error.message).toBe('decryption failed');
    expect(error.cause).toBe(cause);
  });

  it('names subclasses after themselves (new.target)', () => {
    class SpecialCryptoError extends CryptoError {}
    expect(new SpecialCryptoError('ENCRYPTION_FAILED', 'x').name).toBe('SpecialCryptoError');
  });
});
