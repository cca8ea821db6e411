/**
 * @module kdf-bench
 * NFR-3: Argon2id key derivation with `DEFAULT_KDF_PARAMS`, every installed implementation in the
 * same run; then what 50 concurrent `deriveKey` calls cost, and what a derived-key cache hit costs
 * (the mitigation of a derivation that cannot meet 10 ms at these parameters).
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_KDF_PARAMS, DerivedKeyCache, deriveKey, randomSalt } from '@iron/secrets-crypto';
import { argon2Implementations, assertSameBytes, BASELINE, OURS } from './argon2-implementations.js';
import { type Measurement, measure, wallTime } from './measure.js';

/** How many derivations run at once in the throughput measurement. */
const BATCH = 50;

export interface KdfResults {
  /** One row per implementation, `@node-rs/argon2` first and `deriveKey` last. */
  readonly rows: Measurement[];
  /** The `@node-rs/argon2` row (the baseline of the ratios) and our `deriveKey` row. */
  readonly baseline: Measurement;
  readonly ours: Measurement;
  /** Implementations that did not load, and why. */
  readonly missing: readonly string[];
  /** A `DerivedKeyCache.withKey` call that finds its key cached. */
  readonly cacheHit: Measurement;
  readonly parallel: {
    readonly batch: number;
    readonly wallMs: number;
    /** `batch` × the p50 of one `deriveKey` call: the time one at a time would take. */
    readonly sequentialEstimateMs: number;
    /** libuv's thread pool, which runs native derivations (4 unless UV_THREADPOOL_SIZE says). */
    readonly threadPoolSize: number;
  };
}

export async function kdfBenchmarks(scale: number, log: (line: string) => void): Promise<KdfResults> {
  const { available, missing } = await argon2Implementations(log);
  const password = randomBytes(32);
  const salt = Buffer.from(randomSalt());
  // Not timed, and fatal: a speed comparison of implementations computing different bytes is void.
  await assertSameBytes(available, password, salt);

  const rows: Measurement[] = [];
  for (const [name, derive] of available) {
    rows.push(await measure(name, () => derive(password, salt), { iterations: Math.max(5, 100 / scale) }));
  }
  const baseline = rows.find((row) => row.name === BASELINE);
  const ours = rows.find((row) => row.name === OURS);
  if (!baseline || !ours) throw new Error(`${BASELINE} and ${OURS} must both run`);

  const cache = new DerivedKeyCache();
  await cache.withKey(password, salt, DEFAULT_KDF_PARAMS, () => undefined); // derives once
  const cacheHit = await measure(
    'derived-key cache hit (DerivedKeyCache.withKey): the mitigation',
    () => cache.withKey(password, salt, DEFAULT_KDF_PARAMS, (key) => key[0]),
    { iterations: Math.round(1000 / scale) },
  );
  cache.clear();

  const wallMs = await wallTime(() =>
    Promise.all(Array.from({ length: BATCH }, () => deriveKey(password, randomSalt()))),
  );
  return {
    rows,
    baseline,
    ours,
    missing,
    cacheHit,
    parallel: {
      batch: BATCH,
      wallMs,
      sequentialEstimateMs: BATCH * ours.p50,
      threadPoolSize: Number(process.env.UV_THREADPOOL_SIZE) || 4,
    },
  };
}
