/**
 * @module argon2-worker-pool
 * A pool of worker threads running `argon2-worker.mjs`, so that the WebAssembly fallback derives
 * keys off the event loop and on every core.
 *
 * Guarantees, each one a line of the code below:
 * - At most `size` workers, created only when a job needs one (a process that never falls back
 *   never starts a thread).
 * - An idle worker is `unref`'d, so the pool never keeps a process alive; a worker is `ref`'d
 *   only while it holds a job, because the caller is awaiting that job's result.
 * - Each worker runs one job at a time; the rest wait in a FIFO queue.
 * - A worker that crashes (an uncaught error, `process.exit`, out of memory) rejects the job it
 *   held with `KEY_DERIVATION_FAILED` and is dropped; the next job starts a new one.
 * - The master key is copied once per job and that copy is *transferred* (moved, not cloned) to
 *   the worker, which zeroes it when done.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CryptoError } from '../crypto-error.js';
import type { KdfParams } from '../kdf-params.js';
import { copyBytes, isBytes } from './bytes.js';

/**
 * The worker script, next to this module both in `src/lib` and in `dist/lib` (the build copies
 * it: `allowJs` in tsconfig.build.json).
 *
 * @example
 * ```ts
 * new Worker(ARGON2_WORKER_URL);
 * ```
 */
export const ARGON2_WORKER_URL = new URL('./argon2-worker.mjs', import.meta.url);

/** What a worker answers: the key, or an error message. */
type WorkerReply =
  | { readonly id: number; readonly key: Uint8Array }
  | { readonly id: number; readonly error: string };

interface Job {
  readonly id: number;
  /** Copies owned by the job (each with an ArrayBuffer of its own), so they can be transferred. */
  readonly password: Uint8Array<ArrayBuffer>;
  readonly salt: Uint8Array<ArrayBuffer>;
  readonly params: KdfParams;
  readonly resolve: (key: Uint8Array) => void;
  readonly reject: (error: CryptoError) => void;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
}

/** Options of {@link Argon2WorkerPool}; the defaults are what production uses. */
export interface Argon2WorkerPoolOptions {
  /** Maximum number of workers; defaults to `os.availableParallelism()`. */
  readonly size?: number;
  /** The worker script; tests replace it to simulate crashes. */
  readonly workerUrl?: URL;
}

function derivationFailed(message: string, cause?: unknown): CryptoError {
  return new CryptoError('KEY_DERIVATION_FAILED', message, cause === undefined ? undefined : { cause });
}

/**
 * A bounded pool of Argon2id worker threads.
 *
 * @example
 * ```ts
 * const pool = new Argon2WorkerPool();
 * const key = await pool.derive(masterKey, salt, DEFAULT_KDF_PARAMS);
 * ```
 */
export class Argon2WorkerPool {
  readonly #size: number;
  readonly #workerUrl: URL;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #nextJobId = 0;
  #closed = false;

  constructor(options: Argon2WorkerPoolOptions = {}) {
    const size = options.size ?? availableParallelism();
    if (!Number.isSafeInteger(size) || size < 1) {
      throw new RangeError('the pool size must be a positive integer');
    }
    this.#size = size;
    this.#workerUrl = options.workerUrl ?? ARGON2_WORKER_URL;
  }

  /** Number of live workers (for tests and diagnostics). */
  get workerCount(): number {
    return this.#slots.size;
  }

  /**
   * Argon2id of `password` and `salt` with `params` (already checked by `kdf-bounds.ts`), computed
   * in a worker. The caller's buffers are copied, never transferred, so they stay usable.
   */
  derive(password: Uint8Array, salt: Uint8Array, params: KdfParams): Promise<Uint8Array> {
    if (this.#closed) {
      return Promise.reject(derivationFailed('the Argon2 worker pool is closed'));
    }
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#queue.push({
        id: this.#nextJobId++,
        // Copies with ArrayBuffers of their own, safe to transfer and zero (the caller's may be a
        // view into a shared Buffer pool, which a transfer would detach).
        password: copyBytes(password),
        salt: copyBytes(salt),
        params,
        resolve,
        reject,
      });
      this.#dispatch();
    });
  }

  /** Stops every worker and rejects every job not yet finished. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.password.fill(0);
      job.reject(derivationFailed('the Argon2 worker pool was closed'));
    }
    const terminations: Promise<number>[] = [];
    for (const slot of this.#slots) {
      this.#drop(slot, derivationFailed('the Argon2 worker pool was closed'));
      terminations.push(slot.worker.terminate());
    }
    await Promise.all(terminations);
  }

  /** Hands queued jobs to idle workers, starting workers up to the pool size. */
  #dispatch(): void {
    while (this.#queue.length > 0) {
      let slot: Slot | undefined;
      try {
        slot = this.#idleSlot() ?? this.#spawn();
      } catch (cause) {
        // No thread could be started (out of threads or memory): fail this job rather than leave
        // it queued with nothing to run it.
        const job = this.#queue.shift()!;
        job.password.fill(0);
        job.reject(derivationFailed('could not start an Argon2 worker', cause));
        continue;
      }
      if (slot === undefined) {
        return; // every worker is busy: the job waits for the next reply
      }
      const job = this.#queue.shift()!;
      slot.job = job;
      // Busy: keep the process alive until the awaited result arrives.
      slot.worker.ref();
      const { id, password, salt, params } = job;
      slot.worker.postMessage(
        {
          id,
          password,
          salt,
          memoryKiB: params.memoryKiB,
          iterations: params.iterations,
          parallelism: params.parallelism,
          keyLength: params.keyLength,
        },
        // Transferred: the bytes move to the worker, no copy of the master key stays behind.
        [password.buffer, salt.buffer],
      );
    }
  }

  #idleSlot(): Slot | undefined {
    for (const slot of this.#slots) {
      if (slot.job === undefined) {
        return slot;
      }
    }
    return undefined;
  }

  #spawn(): Slot | undefined {
    if (this.#slots.size >= this.#size) {
      return undefined;
    }
    const worker = new Worker(this.#workerUrl);
    const slot: Slot = { worker, job: undefined };
    // Idle until a job arrives: never the reason a process stays alive.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.#settle(slot, reply));
    worker.on('messageerror', (error) =>
      this.#crash(slot, derivationFailed('an Argon2 worker reply was unreadable', error)),
    );
    worker.on('error', (error) => this.#crash(slot, derivationFailed('an Argon2 worker crashed', error)));
    worker.on('exit', (code) =>
      this.#crash(slot, derivationFailed(`an Argon2 worker exited (code ${code})`)),
    );
    this.#slots.add(slot);
    return slot;
  }

  #settle(slot: Slot, reply: WorkerReply): void {
    const job = slot.job;
    if (job === undefined || reply.id !== job.id) {
      return; // a late reply to a job already failed: nobody awaits it any more
    }
    slot.job = undefined;
    slot.worker.unref();
    if ('key' in reply && isBytes(reply.key) && reply.key.length === job.params.keyLength) {
      job.resolve(reply.key);
    } else if ('error' in reply) {
      job.reject(derivationFailed(`Argon2id (hash-wasm) failed: ${reply.error}`));
    } else {
      job.reject(derivationFailed('an Argon2 worker returned a key of the wrong size'));
    }
    this.#dispatch();
  }

  /** A worker died: fail its job, forget it, and let queued jobs start a replacement. */
  #crash(slot: Slot, error: CryptoError): void {
    if (!this.#slots.has(slot)) {
      return; // `error` is followed by `exit`: handle the first only
    }
    this.#drop(slot, error);
    void slot.worker.terminate();
    this.#dispatch();
  }

  #drop(slot: Slot, error: CryptoError): void {
    this.#slots.delete(slot);
    const job = slot.job;
    slot.job = undefined;
    job?.reject(error);
  }
}
