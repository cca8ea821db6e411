import { describe, expect, it, vi } from 'vitest';
import { argon2Implementation, deriveKey } from '../derive-key.js';
import { argon2Backend } from './argon2-backend.js';
import { ARGON2_VECTORS, toHex } from './test-vectors.js';

// This file simulates a platform where the native binary does not load (an unsupported libc or
// architecture): every import of @node-rs/argon2 fails, as `require` of a missing .node file does.
vi.mock('@node-rs/argon2', () => {
  throw new Error('simulated: no native binary for this platform');
});

describe('argon2Backend when the native module cannot load', () => {
  it('falls back to hash-wasm', async () => {
    expect((await argon2Backend()).name).toBe('hash-wasm');
    expect(await argon2Implementation()).toBe('hash-wasm');
  });

  it('chooses once: every call returns the same implementation', async () => {
    expect(await argon2Backend()).toBe(await argon2Backend());
  });

  it.each(ARGON2_VECTORS)('deriveKey still gives the reference bytes: $name', async (vector) => {
    expect(toHex(await deriveKey(vector.masterKey, vector.salt, vector.params))).toBe(vector.keyHex);
  });
});
