import { hashRawSync } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KDF_PARAMS } from '../kdf-params.js';
import { deriveKeyNative, nativeBackend } from './argon2-native.js';
import { minimumResponsiveTicks, PROBE_INTERVAL_MS, probeEventLoop } from './test-event-loop.js';
import { ARGON2_VECTORS, toHex } from './test-vectors.js';

describe('deriveKeyNative (@node-rs/argon2)', () => {
  it('loads on this platform', async () => {
    expect((await nativeBackend()).name).toBe('@node-rs/argon2');
  });

  it.each(ARGON2_VECTORS)('gives the reference bytes: $name', async (vector) => {
    expect(toHex(await deriveKeyNative(vector.masterKey, vector.salt, vector.params))).toBe(vector.keyHex);
  });

  it('runs off the event loop: 8 concurrent derivations leave the loop responsive', async () => {
    // Costlier than the default so that a derivation on the main thread would stall the loop for
    // many probe intervals, which the tick count would show.
    const params = { ...DEFAULT_KDF_PARAMS, memoryKiB: 65_536, iterations: 3 };
    const masterKey = new Uint8Array(32).fill(1);
    const salts = Array.from({ length: 8 }, (_, index) => new Uint8Array(16).fill(index + 1));

    // The control: the binding's synchronous entry point, on the main thread.
    const blocked = await probeEventLoop(async () =>
      hashRawSync(masterKey, {
        algorithm: 2, // Argon2id
        version: 1, // 0x13
        memoryCost: params.memoryKiB,
        timeCost: params.iterations,
        parallelism: params.parallelism,
        outputLen: params.keyLength,
        salt: salts[0]!,
      }),
    );
    const concurrent = await probeEventLoop(() =>
      Promise.all(salts.map((salt) => deriveKeyNative(masterKey, salt, params))),
    );
    console.info(
      `native x1 synchronous: stalls the loop ${blocked.maxGapMs.toFixed(1)} ms; ` +
        `x8 concurrent: ${concurrent.elapsedMs.toFixed(0)} ms, ${concurrent.ticks} ticks, max gap ${concurrent.maxGapMs.toFixed(1)} ms`,
    );
    expect(concurrent.result).toHaveLength(8);
    // The control stalls the loop for several probe intervals: the probe can see a stall...
    expect(blocked.maxGapMs).toBeGreaterThan(4 * PROBE_INTERVAL_MS);
    // ...and sees none while the thread pool works.
    expect(concurrent.ticks).toBeGreaterThanOrEqual(minimumResponsiveTicks(concurrent, salts.length));
  });
});
