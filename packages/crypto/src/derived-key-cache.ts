/**
 * @module derived-key-cache
 * A bounded, least-recently-used cache of per-secret keys (RULINGS R5: "derived keys may be cached
 * in memory, bounded, zeroed on eviction"), so that a long-running process pays for Argon2id once
 * per secret rather than once per read (NFR-3 asks for under 10 ms; one derivation takes more).
 *
 * Why zeroing can never hurt a caller, and no caller can hurt the cache:
 * 1. A cached key never leaves the cache. Each `use` is lent a copy, made synchronously just
 *    before it runs and zeroed as soon as it returns. Eviction and `clear()` zero only the cached
 *    original, so they cannot zero a key that a `use` is working with, and a `use` that alters or
 *    wipes its key (say, by copying the `deriveKey` example's `wipe(key)`) cannot leave a zeroed
 *    key in the cache for every later caller to encrypt with.
 * 2. A loan is only ever handed to `use` synchronously, never through a promise that resolves
 *    later, so no caller holds key material across an `await`.
 * 3. A finished derivation is delivered from its own buffer, not from the cache's copy, and that
 *    buffer is zeroed after the last waiter's `use` returns: a `clear()` from inside one waiter's
 *    `use` cannot zero the key before the next waiter's loan is made.
 *
 * Concurrent requests for the same entry share one derivation: every waiter's `use` runs, in
 * order, in the same synchronous turn in which that derivation completes.
 *
 * One cache belongs to one master key. The master key's fingerprint is part of every entry's
 * identity, so a cache used with another key misses instead of returning a wrong key; the owner
 * must still `clear()` it when the master key changes, so that the old key's derived keys are
 * zeroed rather than left to age out.
 */
import { timingSafeEqual } from 'node:crypto';
import { deriveKey } from './derive-key.js';
import type { KdfParams } from './kdf-params.js';
import { copyBytes } from './lib/bytes.js';
import { assertDerivationInputs, assertKdfParams } from './lib/kdf-bounds.js';
import { masterKeyFingerprint } from './master-key-fingerprint.js';
import { wipe } from './wipe.js';

/**
 * The default bound: 1024 keys of 32 bytes is 32 KiB, enough for every secret of a typical
 * deployment while keeping the amount of key material in memory bounded.
 */
const DEFAULT_MAX_ENTRIES = 1024;

/** Options of {@link DerivedKeyCache}. */
export interface DerivedKeyCacheOptions {
  /** How many derived keys to keep; `0` disables caching (each key is wiped after its `use`). */
  readonly maxEntries?: number;
}

/** A caller waiting for a derivation in flight. */
interface Waiter {
  readonly use: (key: Uint8Array) => unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The identity of a cached key: everything that determines its bytes. Fields are joined with a
 * separator that none of them can contain (hex, decimal digits, a fixed word), so two different
 * inputs never share an identity.
 */
function entryId(fingerprint: string, salt: Uint8Array, params: KdfParams): string {
  return [
    fingerprint,
    Buffer.from(salt.buffer, salt.byteOffset, salt.byteLength).toString('hex'),
    params.algorithm,
    params.version,
    params.memoryKiB,
    params.iterations,
    params.parallelism,
    params.keyLength,
  ].join(':');
}

/** Runs `use` with a copy of `key` that is zeroed when `use` returns or throws (invariant 1). */
function lend<T>(key: Uint8Array, use: (key: Uint8Array) => T): T {
  const loan = copyBytes(key);
  try {
    return use(loan);
  } finally {
    wipe(loan);
  }
}

/**
 * Derived per-secret keys, cached (bounded, LRU) and zeroed when evicted or cleared.
 *
 * @example
 * ```ts
 * const cache = new DerivedKeyCache({ maxEntries: 1024 });
 * const plaintext = await cache.withKey(masterKey, row.salt, row.kdf, (key) =>
 *   decrypt(row.ciphertext, key, row.nonce, aad),
 * );
 * // when the master key changes:
 * cache.clear();
 * ```
 */
export class DerivedKeyCache {
  readonly #maxEntries: number;
  /** Entries in least- to most-recently-used order (a Map keeps insertion order). */
  readonly #entries = new Map<string, Uint8Array>();
  /** Derivations in flight and who waits for each. */
  readonly #inFlight = new Map<string, Waiter[]>();
  /** Incremented by `clear()`: a derivation started before it is not cached after it. */
  #generation = 0;
  /**
   * The master key last seen (a copy) and its fingerprint. An HMAC per lookup would dominate a
   * cache hit; comparing 32 bytes does not. Compared by content, not by reference, so a caller
   * that changes the bytes of its key buffer in place still gets the right fingerprint.
   */
  #lastMasterKey: Uint8Array | undefined;
  #lastFingerprint = '';

  constructor(options: DerivedKeyCacheOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 0) {
      throw new RangeError('maxEntries must be a non-negative integer');
    }
    this.#maxEntries = maxEntries;
  }

  #fingerprintOf(masterKey: Uint8Array): string {
    const last = this.#lastMasterKey;
    if (last === undefined || last.length !== masterKey.length || !timingSafeEqual(last, masterKey)) {
      wipe(last);
      this.#lastMasterKey = copyBytes(masterKey);
      this.#lastFingerprint = masterKeyFingerprint(masterKey);
    }
    return this.#lastFingerprint;
  }

  /**
   * How many keys are cached now.
   *
   * @example
   * ```ts
   * cache.size; // 0 after clear()
   * ```
   */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Runs `use` with the key of (`masterKey`, `salt`, `params`), deriving it first unless cached,
   * and resolves to what `use` returns (or rejects with what it throws).
   *
   * `use` runs synchronously and is lent a copy of the key that is zeroed as soon as it returns:
   * take from it what you need (a ciphertext, a plaintext) before returning, and do not return or
   * keep the key itself. An async `use` would find its key zeroed after its first `await`.
   *
   * @throws {CryptoError} `KEY_DERIVATION_FAILED` if the key cannot be derived (see {@link deriveKey}).
   *
   * @example
   * ```ts
   * const sealed = await cache.withKey(masterKey, salt, DEFAULT_KDF_PARAMS, (key) =>
   *   encrypt(plaintext, key, aad),
   * );
   * ```
   */
  async withKey<T>(
    masterKey: Uint8Array,
    salt: Uint8Array,
    params: KdfParams,
    use: (key: Uint8Array) => T,
  ): Promise<T> {
    // Checked before the inputs become a cache identity (deriveKey checks them again).
    assertDerivationInputs(masterKey, salt);
    assertKdfParams(params);
    const id = entryId(this.#fingerprintOf(masterKey), salt, params);

    const cached = this.#entries.get(id);
    if (cached !== undefined) {
      // Most recently used now: move to the end of the order.
      this.#entries.delete(id);
      this.#entries.set(id, cached);
      return lend(cached, use);
    }

    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = { use, resolve: resolve as (value: unknown) => void, reject };
      const waiters = this.#inFlight.get(id);
      if (waiters !== undefined) {
        waiters.push(waiter); // the same entry is being derived: share that derivation
        return;
      }
      this.#inFlight.set(id, [waiter]);
      void this.#derive(id, masterKey, salt, params);
    });
  }

  /**
   * Removes every cached key and zeroes it. Call it when the master key changes or the process
   * stops serving secrets. A `use` running now keeps its own copy until it returns.
   *
   * @example
   * ```ts
   * cache.clear();
   * cache.size; // 0
   * ```
   */
  clear(): void {
    this.#generation++;
    const keys = [...this.#entries.values()];
    this.#entries.clear();
    wipe(...keys, this.#lastMasterKey);
    this.#lastMasterKey = undefined;
  }

  /** Derives one entry, then lends the key to every waiter in one synchronous turn. */
  async #derive(id: string, masterKey: Uint8Array, salt: Uint8Array, params: KdfParams): Promise<void> {
    const generation = this.#generation;
    let key: Uint8Array;
    try {
      key = await deriveKey(masterKey, salt, params);
    } catch (error) {
      for (const waiter of this.#takeWaiters(id)) {
        waiter.reject(error);
      }
      return;
    }

    const waiters = this.#takeWaiters(id);
    // Not cached if caching is off, or if clear() ran meanwhile (the master key may have changed).
    if (this.#maxEntries > 0 && generation === this.#generation) {
      this.#insert(id, copyBytes(key)); // the cache's own copy (invariant 3)
    }
    try {
      for (const waiter of waiters) {
        try {
          waiter.resolve(lend(key, waiter.use));
        } catch (error) {
          waiter.reject(error);
        }
      }
    } finally {
      wipe(key);
    }
  }

  #takeWaiters(id: string): Waiter[] {
    const waiters = this.#inFlight.get(id) ?? [];
    this.#inFlight.delete(id);
    return waiters;
  }

  /** Adds a key as the most recently used, evicting and zeroing the least recently used ones. */
  #insert(id: string, key: Uint8Array): void {
    // One derivation per entry at a time makes a previous key impossible here; zeroed all the same.
    const previous = this.#entries.get(id);
    this.#entries.delete(id);
    wipe(previous);
    this.#entries.set(id, key);
    for (const [oldestId, oldestKey] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries) {
        break;
      }
      this.#entries.delete(oldestId);
      wipe(oldestKey);
    }
  }
}
