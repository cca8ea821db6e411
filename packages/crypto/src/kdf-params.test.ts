import { describe, expect, it } from 'vitest';
import { DEFAULT_KDF_PARAMS } from './kdf-params.js';

describe('DEFAULT_KDF_PARAMS (FR-3, RULINGS R5)', () => {
  it('is exactly Argon2id v0x13, m=19456 KiB, t=2, p=1, 32 bytes', () => {
    expect(DEFAULT_KDF_PARAMS).toStrictEqual({
      algorithm: 'argon2id',
      version: 0x13,
      memoryKiB: 19_456,
      iterations: 2,
      parallelism: 1,
      keyLength: 32,
    });
  });

  it('is frozen, so no caller can weaken it for everyone', () => {
    expect(Object.isFrozen(DEFAULT_KDF_PARAMS)).toBe(true);
    expect(() => {
      (DEFAULT_KDF_PARAMS as { memoryKiB: number }).memoryKiB = 8;
    }).toThrowError(TypeError);
  });
});
