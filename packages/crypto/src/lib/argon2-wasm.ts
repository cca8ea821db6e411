/**
 * @module argon2-wasm
 * Argon2id through `hash-wasm`, in worker threads: the fallback when the native module does not
 * load. The pool is created on first use, so a process on the native path never starts a worker.
 */
import type { KdfParams } from '../kdf-params.js';
import type { Argon2Backend } from './argon2-backend.js';
import { Argon2WorkerPool } from './argon2-worker-pool.js';

let pool: Argon2WorkerPool | undefined;

/**
 * Argon2id of `password` and `salt` with `params`, computed by `hash-wasm` in the shared worker
 * pool. Inputs are not checked here (`deriveKey` does that); exported for tests that compare both
 * implementations.
 *
 * @example
 * ```ts
 * const key = await deriveKeyWasm(masterKey, salt, DEFAULT_KDF_PARAMS);
 * ```
 */
export function deriveKeyWasm(
  password: Uint8Array,
  salt: Uint8Array,
  params: KdfParams,
): Promise<Uint8Array> {
  pool ??= new Argon2WorkerPool();
  return pool.derive(password, salt, params);
}

/**
 * The WebAssembly backend; always available.
 *
 * @example
 * ```ts
 * const key = await wasmBackend.derive(masterKey, salt, DEFAULT_KDF_PARAMS);
 * ```
 */
export const wasmBackend: Argon2Backend = Object.freeze({ name: 'hash-wasm', derive: deriveKeyWasm });
