import { inspect } from 'node:util';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CryptoError } from './crypto-error.js';
import { deriveKey } from './derive-key.js';
import { DerivedKeyCache } from './derived-key-cache.js';
import { DEFAULT_KDF_PARAMS, type KdfParams } from './kdf-params.js';
import { wipe } from './wipe.js';

// Count the derivations the cache asks for, while still deriving for real.
vi.mock('./derive-key.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./derive-key.js')>();
  return { ...original, deriveKey: vi.fn(original.deriveKey) };
});
const derivations = vi.mocked(deriveKey);

// Record what the cache zeroes (the buffer, and its bytes just before), still zeroing for real.
const wipes: { buffer: Uint8Array; before: Uint8Array }[] = [];
vi.mock('./wipe.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('./wipe.js')>();
  return {
    wipe: vi.fn((...buffers: (Uint8Array | undefined)[]) => {
      for (const buffer of buffers) {
        if (buffer !== undefined) {
          wipes.push({ buffer, before: buffer.slice() });
        }
      }
      original.wipe(...buffers);
    }),
  };
});

/** Cheap parameters: these tests are about caching, not cost. */
const PARAMS: KdfParams = { ...DEFAULT_KDF_PARAMS, memoryKiB: 64, iterations: 1 };
const masterKey = new Uint8Array(32).fill(0x42);
const KEY_DERIVATION_FAILED = expect.objectContaining({ name: 'CryptoError', code: 'KEY_DERIVATION_FAILED' });

function salt(label: number): Uint8Array {
  return new Uint8Array(16).fill(label);
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((byte) => byte === 0);
}

/** The key of (masterKey, salt(label), PARAMS), computed without the cache. */
async function expectedKey(label: number, key: Uint8Array = masterKey): Promise<Uint8Array> {
  const derived = await deriveKey(key, salt(label), PARAMS);
  derivations.mockClear();
  return derived;
}

/**
 * Runs `withKey` and returns a copy of the key `use` saw and the very buffer it was lent (kept
 * here only to check that the cache zeroed it; real callers must not keep it).
 */
async function lookUp(cache: DerivedKeyCache, label: number, key: Uint8Array = masterKey) {
  let lent: Uint8Array | undefined;
  const copy = await cache.withKey(key, salt(label), PARAMS, (derived) => {
    lent = derived;
    return derived.slice();
  });
  return { copy, lent: lent! };
}

/**
 * The buffers the cache stored: in this file deriveKey is a spy, so the buffers it resolved to
 * are the ones the cache received (and copied from).
 */
async function derivedBuffers(): Promise<Uint8Array[]> {
  return Promise.all(derivations.mock.results.map((result) => result.value as Promise<Uint8Array>));
}

beforeEach(() => {
  derivations.mockClear();
});

describe('DerivedKeyCache', () => {
  it('lends `use` the derived key and resolves to what `use` returns', async () => {
    const cache = new DerivedKeyCache();
    const expected = await expectedKey(1);
    const result = await cache.withKey(masterKey, salt(1), PARAMS, (key) => Buffer.from(key).toString('hex'));
    expect(result).toBe(Buffer.from(expected).toString('hex'));
  });

  it('derives once per (salt, params) and serves later calls from the cache', async () => {
    const cache = new DerivedKeyCache();
    const first = await lookUp(cache, 1);
    const second = await lookUp(cache, 1);
    expect(second.copy).toEqual(first.copy);
    expect(derivations).toHaveBeenCalledTimes(1);
    await lookUp(cache, 2);
    await cache.withKey(masterKey, salt(1), { ...PARAMS, iterations: 2 }, () => undefined);
    expect(derivations).toHaveBeenCalledTimes(3);
    expect(cache.size).toBe(3);
  });

  it('runs `use` synchronously on a hit', async () => {
    const cache = new DerivedKeyCache();
    await lookUp(cache, 1);
    let ran = false;
    const pending = cache.withKey(masterKey, salt(1), PARAMS, () => {
      ran = true;
    });
    expect(ran).toBe(true);
    await pending;
  });

  it('dedupes concurrent derivations of the same entry', async () => {
    const cache = new DerivedKeyCache();
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => lookUp(cache, 1)),
      ...Array.from({ length: 3 }, () => lookUp(cache, 2)),
    ]);
    expect(derivations).toHaveBeenCalledTimes(2);
    for (const result of results.slice(0, 5)) {
      expect(result.copy).toEqual(await expectedKey(1));
    }
    for (const result of results.slice(5)) {
      expect(result.copy).toEqual(await expectedKey(2));
    }
  });

  it('zeroes the copy it lends as soon as `use` returns, on a miss and on a hit', async () => {
    const cache = new DerivedKeyCache();
    const miss = await lookUp(cache, 1);
    const hit = await lookUp(cache, 1);
    expect(isZero(miss.copy)).toBe(false);
    expect(isZero(miss.lent)).toBe(true);
    expect(isZero(hit.lent)).toBe(true);
    expect(hit.lent).not.toBe(miss.lent);
  });

  it('cannot be poisoned: a `use` that wipes or alters its key does not change the cached key', async () => {
    const cache = new DerivedKeyCache();
    await cache.withKey(masterKey, salt(1), PARAMS, (key) => wipe(key));
    await cache.withKey(masterKey, salt(1), PARAMS, (key) => key.fill(0xff));
    expect((await lookUp(cache, 1)).copy).toEqual(await expectedKey(1));
  });

  it('evicts the least recently used entry', async () => {
    const cache = new DerivedKeyCache({ maxEntries: 2 });
    await lookUp(cache, 1); // A
    await lookUp(cache, 2); // B
    await lookUp(cache, 1); // A is now the most recently used: B is next out
    await lookUp(cache, 3); // C evicts B
    expect(cache.size).toBe(2);
    expect(derivations).toHaveBeenCalledTimes(3);

    // A and C are still cached...
    expect((await lookUp(cache, 1)).copy).toEqual(await expectedKey(1));
    expect((await lookUp(cache, 3)).copy).toEqual(await expectedKey(3));
    expect(derivations).not.toHaveBeenCalled(); // A and C were hits
    // ...B is not: derived again.
    await lookUp(cache, 2);
    expect(derivations).toHaveBeenCalledTimes(1);
  });

  it('zeroes the evicted key, and clear() zeroes every cached key', async () => {
    const cache = new DerivedKeyCache({ maxEntries: 2 });
    await lookUp(cache, 1); // A
    await lookUp(cache, 2); // B
    await lookUp(cache, 1); // A is now the most recently used
    const [keyA, keyB, keyC] = [await expectedKey(1), await expectedKey(2), await expectedKey(3)];

    wipes.length = 0;
    await lookUp(cache, 3); // C evicts B
    const wipedByEviction = wipes.map((entry) => entry.before);
    expect(wipedByEviction).toContainEqual(keyB);
    expect(wipedByEviction).not.toContainEqual(keyA);

    wipes.length = 0;
    cache.clear();
    expect(wipes.map((entry) => entry.before)).toEqual(expect.arrayContaining([keyA, keyC]));
    for (const { buffer } of wipes) {
      expect(isZero(buffer)).toBe(true);
    }
    expect(cache.size).toBe(0);
  });

  it('zeroes the buffer a derivation delivered once every waiter has used it', async () => {
    const cache = new DerivedKeyCache();
    await Promise.all([lookUp(cache, 1), lookUp(cache, 1)]);
    const [delivered] = await derivedBuffers();
    expect(isZero(delivered!)).toBe(true);
    expect((await lookUp(cache, 1)).copy).toEqual(await expectedKey(1)); // the cache kept its own copy
  });

  it('clear() zeroes every cached key and empties the cache', async () => {
    const cache = new DerivedKeyCache();
    await Promise.all([lookUp(cache, 1), lookUp(cache, 2), lookUp(cache, 3)]);
    expect(cache.size).toBe(3);
    cache.clear();
    expect(cache.size).toBe(0);
    await lookUp(cache, 1);
    expect(derivations).toHaveBeenCalledTimes(4);
  });

  it('never zeroes a key while a `use` runs, even if it calls clear() or concurrent waiters evict', async () => {
    const cache = new DerivedKeyCache({ maxEntries: 1 });
    const seen = await Promise.all(
      Array.from({ length: 9 }, (_, index) =>
        cache.withKey(masterKey, salt(index % 3), PARAMS, (key) => {
          const before = isZero(key);
          if (index % 2 === 0) {
            cache.clear();
          }
          return before || isZero(key);
        }),
      ),
    );
    expect(seen.every((zeroed) => !zeroed)).toBe(true);
  });

  it('does not cache a key whose derivation started before clear()', async () => {
    const cache = new DerivedKeyCache();
    const pending = lookUp(cache, 1);
    cache.clear();
    expect((await pending).copy).toEqual(await expectedKey(1));
    expect(cache.size).toBe(0);
  });

  it('with maxEntries 0, caches nothing and zeroes every key after its `use`', async () => {
    const cache = new DerivedKeyCache({ maxEntries: 0 });
    const first = await lookUp(cache, 1);
    expect(first.copy).toEqual(await expectedKey(1));
    expect(isZero(first.lent)).toBe(true);
    expect(cache.size).toBe(0);
    await lookUp(cache, 1);
    expect(derivations).toHaveBeenCalledTimes(1); // expectedKey() cleared the count before
    for (const delivered of await derivedBuffers()) {
      expect(isZero(delivered)).toBe(true);
    }
    // Concurrent callers still share one derivation.
    derivations.mockClear();
    await Promise.all([lookUp(cache, 2), lookUp(cache, 2)]);
    expect(derivations).toHaveBeenCalledTimes(1);
  });

  it('keys entries by master key too: another master key misses instead of getting a wrong key', async () => {
    const cache = new DerivedKeyCache();
    const otherMasterKey = new Uint8Array(32).fill(0x43);
    const mine = await lookUp(cache, 1);
    const theirs = await lookUp(cache, 1, otherMasterKey);
    expect(theirs.copy).not.toEqual(mine.copy);
    expect(theirs.copy).toEqual(await expectedKey(1, otherMasterKey));
    expect(cache.size).toBe(2);
  });

  it('accepts Buffers (views into Node’s pool) as master key and salt without altering them', async () => {
    const cache = new DerivedKeyCache();
    const bufferKey = Buffer.from(masterKey);
    const bufferSalt = Buffer.from(salt(1));
    const seen = await cache.withKey(bufferKey, bufferSalt, PARAMS, (key) =>
      Buffer.from(key).toString('hex'),
    );
    expect(seen).toBe(Buffer.from(await expectedKey(1)).toString('hex'));
    expect(bufferKey.equals(Buffer.from(masterKey))).toBe(true);
    expect(bufferSalt.equals(Buffer.from(salt(1)))).toBe(true);
  });

  it('rejects with what `use` throws, and keeps the entry', async () => {
    const cache = new DerivedKeyCache();
    const failure = new Error('use failed');
    const failing = () => {
      throw failure;
    };
    await expect(cache.withKey(masterKey, salt(1), PARAMS, failing)).rejects.toBe(failure);
    expect(cache.size).toBe(1);
    await expect(cache.withKey(masterKey, salt(1), PARAMS, failing)).rejects.toBe(failure);
    expect(derivations).toHaveBeenCalledTimes(1);
  });

  it('rejects every waiter when the derivation fails, caches nothing, and retries next time', async () => {
    const cache = new DerivedKeyCache();
    derivations.mockRejectedValueOnce(new CryptoError('KEY_DERIVATION_FAILED', 'simulated'));
    const outcomes = await Promise.allSettled([lookUp(cache, 1), lookUp(cache, 1)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(cache.size).toBe(0);
    await lookUp(cache, 1);
    expect(derivations).toHaveBeenCalledTimes(2);
  });

  it('rejects invalid inputs with KEY_DERIVATION_FAILED before deriving', async () => {
    const cache = new DerivedKeyCache();
    await expect(cache.withKey(new Uint8Array(31), salt(1), PARAMS, () => 0)).rejects.toThrowError(
      KEY_DERIVATION_FAILED,
    );
    await expect(cache.withKey(masterKey, new Uint8Array(8), PARAMS, () => 0)).rejects.toThrowError(
      KEY_DERIVATION_FAILED,
    );
    await expect(
      cache.withKey(masterKey, salt(1), { ...PARAMS, memoryKiB: 2 ** 30 }, () => 0),
    ).rejects.toThrowError(KEY_DERIVATION_FAILED);
    expect(derivations).not.toHaveBeenCalled();
  });

  it('keeps cached keys out of inspect() and JSON', async () => {
    const cache = new DerivedKeyCache();
    const { copy } = await lookUp(cache, 1);
    const hex = Buffer.from(copy).toString('hex');
    const shown = inspect(cache, { depth: 10, showHidden: true });
    expect(shown).not.toMatch(/Uint8Array|\d+, \d+, \d+/);
    expect(shown).not.toContain(hex);
    expect(JSON.stringify(cache)).toBe('{}');
  });

  it('refuses a maxEntries that is not a non-negative integer', () => {
    expect(() => new DerivedKeyCache({ maxEntries: -1 })).toThrowError(RangeError);
    expect(() => new DerivedKeyCache({ maxEntries: 1.5 })).toThrowError(RangeError);
  });
});
