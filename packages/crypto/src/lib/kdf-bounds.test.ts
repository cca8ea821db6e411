import { describe, expect, it } from 'vitest';
import { DEFAULT_KDF_PARAMS, type KdfParams } from '../kdf-params.js';
import {
  assertDerivationInputs,
  assertKdfParams,
  MAX_ITERATIONS,
  MAX_MEMORY_KIB,
  MAX_PARALLELISM,
} from './kdf-bounds.js';

const KEY_DERIVATION_FAILED = expect.objectContaining({ name: 'CryptoError', code: 'KEY_DERIVATION_FAILED' });

function withField(field: keyof KdfParams, value: unknown): unknown {
  return { ...DEFAULT_KDF_PARAMS, [field]: value };
}

describe('assertKdfParams', () => {
  it('accepts the defaults and the extremes of every bound', () => {
    const accepted: KdfParams[] = [
      DEFAULT_KDF_PARAMS,
      { ...DEFAULT_KDF_PARAMS, memoryKiB: MAX_MEMORY_KIB, iterations: MAX_ITERATIONS },
      { ...DEFAULT_KDF_PARAMS, memoryKiB: 8, iterations: 1, parallelism: 1 },
      { ...DEFAULT_KDF_PARAMS, memoryKiB: 8 * MAX_PARALLELISM, parallelism: MAX_PARALLELISM },
    ];
    for (const params of accepted) {
      expect(() => assertKdfParams(params)).not.toThrow();
    }
  });

  it.each([
    ['memory above 1 GiB', withField('memoryKiB', MAX_MEMORY_KIB + 1)],
    ['4 GiB of memory', withField('memoryKiB', 4 * 1024 * 1024)],
    ['2^32 - 1 KiB of memory', withField('memoryKiB', 2 ** 32 - 1)],
    ['infinite memory', withField('memoryKiB', Number.POSITIVE_INFINITY)],
    ['memory below 8 KiB per lane', { ...DEFAULT_KDF_PARAMS, memoryKiB: 15, parallelism: 2 }],
    ['zero memory', withField('memoryKiB', 0)],
    ['negative memory', withField('memoryKiB', -19_456)],
    ['fractional memory', withField('memoryKiB', 19_456.5)],
    ['memory as a string', withField('memoryKiB', '19456')],
    ['zero iterations', withField('iterations', 0)],
    ['too many iterations', withField('iterations', MAX_ITERATIONS + 1)],
    ['2^32 - 1 iterations', withField('iterations', 2 ** 32 - 1)],
    ['NaN iterations', withField('iterations', Number.NaN)],
    ['zero parallelism', withField('parallelism', 0)],
    ['too many lanes', withField('parallelism', MAX_PARALLELISM + 1)],
    ['null parallelism', withField('parallelism', null)],
    ['a 16-byte key', withField('keyLength', 16)],
    ['a 64-byte key', withField('keyLength', 64)],
    ['Argon2i', withField('algorithm', 'argon2i')],
    ['Argon2d', withField('algorithm', 'argon2d')],
    ['version 0x10', withField('version', 0x10)],
    ['version 13 (decimal, not 0x13)', withField('version', 13)],
    [
      'a missing field',
      { algorithm: 'argon2id', version: 19, memoryKiB: 19_456, iterations: 2, parallelism: 1 },
    ],
    ['null', null],
    ['a string', 'argon2id'],
  ])('refuses %s with KEY_DERIVATION_FAILED', (_label, params) => {
    expect(() => assertKdfParams(params)).toThrowError(KEY_DERIVATION_FAILED);
  });
});

describe('assertDerivationInputs', () => {
  const masterKey = new Uint8Array(32);
  const salt = new Uint8Array(16);

  it('accepts a 32-byte master key and a 16-byte salt', () => {
    expect(() => assertDerivationInputs(masterKey, salt)).not.toThrow();
  });

  it.each([
    ['a 31-byte master key', new Uint8Array(31), salt],
    ['a 33-byte master key', new Uint8Array(33), salt],
    ['a string master key', 'k'.repeat(32), salt],
    ['a 15-byte salt', masterKey, new Uint8Array(15)],
    ['a 17-byte salt', masterKey, new Uint8Array(17)],
    ['an 8-byte salt', masterKey, new Uint8Array(8)],
    ['a missing salt', masterKey, undefined],
  ])('refuses %s with KEY_DERIVATION_FAILED', (_label, key, saltInput) => {
    expect(() => assertDerivationInputs(key, saltInput)).toThrowError(KEY_DERIVATION_FAILED);
  });
});
