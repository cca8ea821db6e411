import fc from 'fast-check';
import { argon2id } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KDF_PARAMS } from '../kdf-params.js';
import { deriveKeyNative } from './argon2-native.js';
import { deriveKeyWasm } from './argon2-wasm.js';
import { minimumResponsiveTicks, PROBE_INTERVAL_MS, probeEventLoop } from './test-event-loop.js';
import { ARGON2_VECTORS, toHex } from './test-vectors.js';

describe('deriveKeyWasm (hash-wasm in worker threads)', () => {
  it.each(ARGON2_VECTORS)('gives the reference bytes: $name', async (vector) => {
    expect(toHex(await deriveKeyWasm(vector.masterKey, vector.salt, vector.params))).toBe(vector.keyHex);
  });

  it('gives the same bytes as the native implementation for arbitrary inputs (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.record({
          memoryKiB: fc.integer({ min: 16, max: 512 }),
          iterations: fc.integer({ min: 1, max: 3 }),
          parallelism: fc.integer({ min: 1, max: 2 }),
        }),
        async (masterKey, salt, cost) => {
          const params = { ...DEFAULT_KDF_PARAMS, ...cost };
          const [wasm, native] = await Promise.all([
            deriveKeyWasm(masterKey, salt, params),
            deriveKeyNative(masterKey, salt, params),
          ]);
          expect(toHex(wasm)).toBe(toHex(native));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('leaves the caller’s buffers intact (it transfers copies)', async () => {
    const masterKey = new Uint8Array(32).fill(9);
    const salt = new Uint8Array(16).fill(3);
    await deriveKeyWasm(masterKey, salt, { ...DEFAULT_KDF_PARAMS, memoryKiB: 64 });
    expect(masterKey).toEqual(new Uint8Array(32).fill(9));
    expect(salt).toEqual(new Uint8Array(16).fill(3));
  });

  it('keeps the event loop responsive while 8 derivations run, unlike hash-wasm on the main thread', async () => {
    const masterKey = new Uint8Array(32).fill(2);
    const salts = Array.from({ length: 8 }, (_, index) => new Uint8Array(16).fill(index + 1));

    // The control: the same library on the calling thread stalls the loop for a whole derivation
    // (warmed up first, so that compiling its WebAssembly is not measured).
    const onMainThread = (memorySize: number) =>
      argon2id({
        password: masterKey,
        salt: salts[0]!,
        memorySize,
        iterations: DEFAULT_KDF_PARAMS.iterations,
        parallelism: DEFAULT_KDF_PARAMS.parallelism,
        hashLength: DEFAULT_KDF_PARAMS.keyLength,
        outputType: 'binary',
      });
    await onMainThread(64);
    const blocked = await probeEventLoop(() => onMainThread(DEFAULT_KDF_PARAMS.memoryKiB));
    const pooled = await probeEventLoop(() =>
      Promise.all(salts.map((salt) => deriveKeyWasm(masterKey, salt, DEFAULT_KDF_PARAMS))),
    );
    console.info(
      `hash-wasm x1 on the main thread: max gap ${blocked.maxGapMs.toFixed(1)} ms; ` +
        `pool x8 concurrent: ${pooled.elapsedMs.toFixed(0)} ms, ${pooled.ticks} ticks, max gap ${pooled.maxGapMs.toFixed(1)} ms`,
    );
    expect(pooled.result).toHaveLength(8);
    // The control stalls the loop for several probe intervals: the probe can see a stall...
    expect(blocked.maxGapMs).toBeGreaterThan(4 * PROBE_INTERVAL_MS);
    // ...and sees none while the pool works.
    expect(pooled.ticks).toBeGreaterThanOrEqual(minimumResponsiveTicks(pooled, salts.length));
  });
});
