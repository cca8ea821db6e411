/**
 * @module argon2-native
 * Argon2id through `@node-rs/argon2` (the Rust `argon2` crate behind N-API). Its asynchronous
 * `hashRaw` runs on the libuv thread pool, so derivations never block the event loop and
 * concurrent ones use several cores.
 */
import type { KdfParams } from '../kdf-params.js';
import type { Argon2Backend } from './argon2-backend.js';

/**
 * `Algorithm.Argon2id` of `@node-rs/argon2`. Its typings declare a `const enum`, which has no
 * run-time object and cannot be inlined under `isolatedModules`, so the value is written here.
 */
const NATIVE_ALGORITHM_ARGON2ID = 2;
/** `Version.V0x13` of `@node-rs/argon2`: the enum's index (1), not the version number (19). */
const NATIVE_VERSION_0X13 = 1;

type HashRaw = typeof import('@node-rs/argon2').hashRaw;

let hashRawPromise: Promise<HashRaw> | undefined;

/** Loads the native module once. Rejects if its binary does not load on this platform. */
function loadHashRaw(): Promise<HashRaw> {
  hashRawPromise ??= import('@node-rs/argon2').then((module) => {
    if (typeof module.hashRaw !== 'function') {
      throw new Error('@node-rs/argon2 loaded without hashRaw');
    }
    return module.hashRaw;
  });
  return hashRawPromise;
}

/**
 * Argon2id of `password` and `salt` with `params`, computed by `@node-rs/argon2`. Inputs are not
 * checked here (`deriveKey` does that); exported for tests that compare both implementations.
 *
 * @example
 * ```ts
 * const key = await deriveKeyNative(masterKey, salt, DEFAULT_KDF_PARAMS);
 * ```
 */
export async function deriveKeyNative(
  password: Uint8Array,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Uint8Array> {
  const hashRaw = await loadHashRaw();
  const output = await hashRaw(password, {
    algorithm: NATIVE_ALGORITHM_ARGON2ID,
    version: NATIVE_VERSION_0X13,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    outputLen: params.keyLength,
    salt,
  });
  // Copy into memory we own, then zero the binding's Buffer so that only one copy of the key
  // exists, the one the caller will wipe.
  const key = new Uint8Array(output);
  output.fill(0);
  return key;
}

/**
 * The native backend, if `@node-rs/argon2` loads on this platform.
 *
 * @throws if the native binary cannot be loaded.
 *
 * @example
 * ```ts
 * const backend = await nativeBackend().catch(() => wasmBackend);
 * ```
 */
export async function nativeBackend(): Promise<Argon2Backend> {
  await loadHashRaw();
  return { name: '@node-rs/argon2', derive: deriveKeyNative };
}
