/**
 * @module argon2-worker
 * A worker thread that computes Argon2id with `hash-wasm`, for the pool in
 * `argon2-worker-pool.ts`.
 *
 * `hash-wasm` runs on the calling thread and blocks it for the whole derivation (about 90 ms with
 * FR-3's parameters), so on the main thread it would freeze every other request. Here it only
 * blocks this worker. Plain JavaScript (not TypeScript) so that the same file runs from the source
 * under vitest and from `dist` after the build.
 *
 * Protocol: the pool posts one job at a time,
 * `{ id, password, salt, memoryKiB, iterations, parallelism, keyLength }`, transferring the
 * buffers of `password` and `salt`; the worker answers `{ id, key }` (transferring `key`) or
 * `{ id, error }` with a message that never contains an input.
 */
import { parentPort } from 'node:worker_threads';
import { argon2id } from 'hash-wasm';

if (parentPort === null) {
  throw new Error('argon2-worker.mjs must be started as a worker thread');
}
const port = parentPort;

/**
 * @typedef {object} Argon2Job
 * @property {number} id
 * @property {Uint8Array} password
 * @property {Uint8Array} salt
 * @property {number} memoryKiB
 * @property {number} iterations
 * @property {number} parallelism
 * @property {number} keyLength
 */

port.on('message', async (/** @type {Argon2Job} */ job) => {
  try {
    const key = await argon2id({
      password: job.password,
      salt: job.salt,
      memorySize: job.memoryKiB,
      iterations: job.iterations,
      parallelism: job.parallelism,
      hashLength: job.keyLength,
      outputType: 'binary',
    });
    // hash-wasm returns a Uint8Array with an ArrayBuffer of its own: moved back, not copied.
    port.postMessage({ id: job.id, key }, [/** @type {ArrayBuffer} */ (key.buffer)]);
  } catch (error) {
    // Only the message: an Error object may carry properties we did not look at.
    const message = error instanceof Error ? error.message : 'unknown error';
    port.postMessage({ id: job.id, error: message });
  } finally {
    // The password is a copy of the master key that was transferred to this thread: zero it so
    // the key does not linger in this worker's heap. (Copies hash-wasm makes inside its
    // WebAssembly memory are beyond reach; they are overwritten by the next job. Best effort,
    // as NFR-6 says.)
    job.password.fill(0);
  }
});
