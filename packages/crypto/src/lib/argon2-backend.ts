/**
 * @module argon2-backend
 * Chooses, once and lazily, which Argon2id implementation derives keys.
 *
 * `@node-rs/argon2` (native, runs on the libuv thread pool, about 5x faster) when its binary loads
 * on this platform; otherwise `hash-wasm` in a pool of worker threads. Both produce the bytes of
 * the reference implementation (RULINGS R5; checked by the tests against `argon2-vectors.json`),
 * so which one ran never changes a key. The choice is made by what loads, never by an environment
 * variable: this package reads no configuration.
 */
import type { KdfParams } from '../kdf-params.js';

/** The name of an Argon2id implementation this package can use. */
export type Argon2ImplementationName = '@node-rs/argon2' | 'hash-wasm';

/**
 * One Argon2id implementation. `derive` receives inputs already checked by `kdf-bounds.ts` and
 * returns a fresh `Uint8Array` of `params.keyLength` bytes that the caller owns (and wipes).
 */
export interface Argon2Backend {
  readonly name: Argon2ImplementationName;
  derive(password: Uint8Array, salt: Uint8Array, params: KdfParams): Promise<Uint8Array>;
}

let selected: Promise<Argon2Backend> | undefined;

async function loadBackend(): Promise<Argon2Backend> {
  try {
    const { nativeBackend } = await import('./argon2-native.js');
    return await nativeBackend();
  } catch {
    // The native binary is missing or does not load on this platform (an unsupported libc or
    // architecture): fall back to WebAssembly, which runs everywhere, in worker threads.
    const { wasmBackend } = await import('./argon2-wasm.js');
    return wasmBackend;
  }
}

/**
 * The implementation in use: loaded on first call, the same one for the life of the process.
 *
 * @example
 * ```ts
 * const backend = await argon2Backend();
 * const key = await backend.derive(masterKey, salt, DEFAULT_KDF_PARAMS);
 * ```
 */
export function argon2Backend(): Promise<Argon2Backend> {
  selected ??= loadBackend();
  return selected;
}
