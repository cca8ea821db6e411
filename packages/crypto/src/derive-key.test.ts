import { describe, expect, it } from 'vitest';
import { argon2Implementation, deriveKey } from './derive-key.js';
import { DEFAULT_KDF_PARAMS } from './kdf-params.js';
import { minimumResponsiveTicks, probeEventLoop } from './lib/test-event-loop.js';
import { ARGON2_VECTORS, toHex } from './lib/test-vectors.js';
import { randomSalt } from './random-salt.js';
import { KEY_BYTES } from './sizes.js';

const KEY_DERIVATION_FAILED = expect.objectContaining({ name: 'CryptoError', code: 'KEY_DERIVATION_FAILED' });
const masterKey = new Uint8Array(KEY_BYTES).fill(0x5a);

describe('deriveKey (FR-3, RULINGS R5)', () => {
  it('uses the native implementation where it loads (it does here)', async () => {
    expect(await argon2Implementation()).toBe('@node-rs/argon2');
  });

  it.each(ARGON2_VECTORS)('gives the reference bytes: $name', async (vector) => {
    expect(toHex(await deriveKey(vector.masterKey, vector.salt, vector.params))).toBe(vector.keyHex);
  });

  it('defaults to DEFAULT_KDF_PARAMS (m=19456, t=2, p=1, v=0x13)', async () => {
    const vector = ARGON2_VECTORS.find(
      (candidate) =>
        candidate.params.memoryKiB === 19_456 &&
        candidate.params.iterations === 2 &&
        candidate.params.parallelism === 1,
    )!;
    expect(toHex(await deriveKey(vector.masterKey, vector.salt))).toBe(vector.keyHex);
  });

  it('gives 32-byte keys that differ for different salts and are stable for the same salt', async () => {
    const firstSalt = randomSalt();
    const secondSalt = randomSalt();
    const first = await deriveKey(masterKey, firstSalt);
    const again = await deriveKey(masterKey, firstSalt);
    const second = await deriveKey(masterKey, secondSalt);
    expect(first).toHaveLength(KEY_BYTES);
    expect(again).toEqual(first);
    expect(second).not.toEqual(first);
  });

  it('gives different keys for different master keys with the same salt', async () => {
    const salt = randomSalt();
    const otherMasterKey = masterKey.slice();
    otherMasterKey[0]! ^= 1;
    expect(await deriveKey(otherMasterKey, salt)).not.toEqual(await deriveKey(masterKey, salt));
  });

  it('honours the parameters (a different cost gives a different key)', async () => {
    const salt = randomSalt();
    const base = await deriveKey(masterKey, salt, { ...DEFAULT_KDF_PARAMS, memoryKiB: 1024 });
    const moreMemory = await deriveKey(masterKey, salt, { ...DEFAULT_KDF_PARAMS, memoryKiB: 2048 });
    const morePasses = await deriveKey(masterKey, salt, {
      ...DEFAULT_KDF_PARAMS,
      memoryKiB: 1024,
      iterations: 3,
    });
    const moreLanes = await deriveKey(masterKey, salt, {
      ...DEFAULT_KDF_PARAMS,
      memoryKiB: 1024,
      parallelism: 2,
    });
    expect(new Set([base, moreMemory, morePasses, moreLanes].map(toHex)).size).toBe(4);
  });

  it('returns a buffer the caller owns (not the binding’s Buffer)', async () => {
    const key = await deriveKey(masterKey, randomSalt());
    expect(Buffer.isBuffer(key)).toBe(false);
    expect(key.buffer.byteLength).toBe(KEY_BYTES);
  });

  it.each([
    ['a 31-byte master key', new Uint8Array(31), new Uint8Array(16), DEFAULT_KDF_PARAMS],
    ['a 15-byte salt', masterKey, new Uint8Array(15), DEFAULT_KDF_PARAMS],
    [
      '8 GiB of memory (a hostile row)',
      masterKey,
      new Uint8Array(16),
      { ...DEFAULT_KDF_PARAMS, memoryKiB: 2 ** 23 },
    ],
    ['a billion iterations', masterKey, new Uint8Array(16), { ...DEFAULT_KDF_PARAMS, iterations: 1e9 }],
    ['1000 lanes', masterKey, new Uint8Array(16), { ...DEFAULT_KDF_PARAMS, parallelism: 1000 }],
    ['a 64-byte key length', masterKey, new Uint8Array(16), { ...DEFAULT_KDF_PARAMS, keyLength: 64 }],
  ])('rejects %s with KEY_DERIVATION_FAILED before deriving', async (_label, key, salt, params) => {
    await expect(deriveKey(key, salt, params)).rejects.toThrowError(KEY_DERIVATION_FAILED);
  });

  it('never puts the master key in an error message', async () => {
    const shortKey = new Uint8Array(31).fill(0x41);
    const error = await deriveKey(shortKey, new Uint8Array(16)).then(
      () => expect.unreachable(),
      (caught: Error) => caught,
    );
    expect(error.message).not.toContain('AAAA');
    expect(error.message).not.toContain('65,65');
  });

  it('keeps the event loop responsive while 8 derivations run concurrently', async () => {
    const params = { ...DEFAULT_KDF_PARAMS, memoryKiB: 65_536, iterations: 3 };
    const probe = await probeEventLoop(() =>
      Promise.all(Array.from({ length: 8 }, () => deriveKey(masterKey, randomSalt(), params))),
    );
    console.info(
      `deriveKey x8 concurrent (m=64 MiB, t=3): ${probe.elapsedMs.toFixed(0)} ms, ${probe.ticks} ticks, max gap ${probe.maxGapMs.toFixed(1)} ms`,
    );
    expect(probe.result).toHaveLength(8);
    expect(probe.ticks).toBeGreaterThanOrEqual(minimumResponsiveTicks(probe, 8));
  });
});
