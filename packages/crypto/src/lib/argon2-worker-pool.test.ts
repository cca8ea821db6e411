import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_KDF_PARAMS } from '../kdf-params.js';
import { Argon2WorkerPool } from './argon2-worker-pool.js';

/**
 * A stand-in for argon2-worker.mjs speaking the same protocol, so the pool's bookkeeping can be
 * tested without Argon2. The first byte of the password says what to do: 0xff exit, 0xfe throw,
 * 0xfd answer an error, 0xfc answer a key of the wrong size; anything else answers after 30 ms
 * with the password's first `keyLength` bytes as the "key", except that bytes 1 and 2 report the
 * size of the ArrayBuffers the password and salt arrived in (capped at 255). A job arriving while
 * another runs is answered with an error, so overlapping jobs would show.
 */
const FAKE_WORKER_SOURCE = `
import { parentPort } from 'node:worker_threads';
let busy = false;
parentPort.on('message', (job) => {
  if (busy) { parentPort.postMessage({ id: job.id, error: 'overlapping jobs' }); return; }
  const command = job.password[0];
  if (command === 0xff) process.exit(7);
  if (command === 0xfe) throw new Error('simulated crash');
  if (command === 0xfd) { parentPort.postMessage({ id: job.id, error: 'simulated failure' }); return; }
  if (command === 0xfc) { parentPort.postMessage({ id: job.id, key: new Uint8Array(3) }); return; }
  busy = true;
  setTimeout(() => {
    busy = false;
    const key = job.password.slice(0, job.keyLength);
    key[1] = Math.min(job.password.buffer.byteLength, 255);
    key[2] = Math.min(job.salt.buffer.byteLength, 255);
    parentPort.postMessage({ id: job.id, key });
  }, 30);
});
`;
const FAKE_WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(FAKE_WORKER_SOURCE)}`);

const KEY_DERIVATION_FAILED = expect.objectContaining({ name: 'CryptoError', code: 'KEY_DERIVATION_FAILED' });
const salt = new Uint8Array(16).fill(1);

function password(first: number): Uint8Array {
  const bytes = new Uint8Array(32).fill(0x11);
  bytes[0] = first;
  return bytes;
}

const pools: Argon2WorkerPool[] = [];
function fakePool(size: number): Argon2WorkerPool {
  const pool = new Argon2WorkerPool({ size, workerUrl: FAKE_WORKER_URL });
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
});

describe('Argon2WorkerPool', () => {
  it('starts no worker until a job needs one', async () => {
    const pool = fakePool(2);
    expect(pool.workerCount).toBe(0);
    await pool.derive(password(1), salt, DEFAULT_KDF_PARAMS);
    expect(pool.workerCount).toBe(1);
  });

  it('runs at most `size` workers, one job each, and finishes every queued job', async () => {
    const pool = fakePool(2);
    const jobs = Array.from({ length: 7 }, (_, index) =>
      pool.derive(password(index), salt, DEFAULT_KDF_PARAMS),
    );
    expect(pool.workerCount).toBe(2);
    const keys = await Promise.all(jobs);
    expect(keys.map((key) => key[0])).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(pool.workerCount).toBe(2);
  });

  it('leaves the caller’s buffers intact (it transfers copies)', async () => {
    const pool = fakePool(1);
    const input = password(5);
    await pool.derive(input, salt, DEFAULT_KDF_PARAMS);
    expect(input).toEqual(password(5));
    expect(salt).toEqual(new Uint8Array(16).fill(1));
  });

  it('copies a caller’s pooled Buffer before transferring: the worker gets exactly its bytes, the caller keeps all of them', async () => {
    const pool = fakePool(1);
    const pooledPassword = Buffer.from(`07${'11'.repeat(31)}`, 'hex');
    const pooledSalt = Buffer.from('22'.repeat(16), 'hex');
    const neighbour = Buffer.from('neighbour in the same pool');
    expect(pooledPassword.buffer.byteLength).toBeGreaterThan(32); // really a view into the pool
    const [first, passwordBufferBytes, saltBufferBytes] = await pool.derive(
      pooledPassword,
      pooledSalt,
      DEFAULT_KDF_PARAMS,
    );
    expect(first).toBe(7);
    // The worker got exactly the key and the salt, not the pool's 8 KiB of neighbouring data.
    expect([passwordBufferBytes, saltBufferBytes]).toEqual([32, 16]);
    expect(pooledPassword.toString('hex')).toBe(`07${'11'.repeat(31)}`);
    expect(pooledSalt.toString('hex')).toBe('22'.repeat(16));
    expect(neighbour.toString()).toBe('neighbour in the same pool');
  });

  it('refs a worker only while it holds a job, so an idle pool never keeps the process alive', async () => {
    const ref = vi.spyOn(Worker.prototype, 'ref');
    const unref = vi.spyOn(Worker.prototype, 'unref');
    const pool = fakePool(1);
    await pool.derive(password(1), salt, DEFAULT_KDF_PARAMS);
    await pool.derive(password(2), salt, DEFAULT_KDF_PARAMS);
    // Unref'd on creation and after each job; ref'd at each job's start.
    expect(ref).toHaveBeenCalledTimes(2);
    expect(unref).toHaveBeenCalledTimes(3);
    const lastRef = Math.max(...ref.mock.invocationCallOrder);
    const lastUnref = Math.max(...unref.mock.invocationCallOrder);
    expect(lastUnref).toBeGreaterThan(lastRef);
  });

  it('rejects the job of a worker that exits with KEY_DERIVATION_FAILED, and replaces the worker', async () => {
    const pool = fakePool(1);
    const crashing = pool.derive(password(0xff), salt, DEFAULT_KDF_PARAMS);
    const queued = pool.derive(password(3), salt, DEFAULT_KDF_PARAMS);
    await expect(crashing).rejects.toThrowError(KEY_DERIVATION_FAILED);
    await expect(crashing).rejects.toThrowError(/exited \(code 7\)/);
    // The queued job ran on a new worker.
    expect((await queued)[0]).toBe(3);
    expect(pool.workerCount).toBe(1);
  });

  it('rejects the job of a worker that throws, with the error as cause, and recovers', async () => {
    const pool = fakePool(1);
    const error: Error = await pool
      .derive(password(0xfe), salt, DEFAULT_KDF_PARAMS)
      .catch((caught) => caught);
    expect(error).toEqual(KEY_DERIVATION_FAILED);
    expect((error.cause as Error).message).toContain('simulated crash');
    expect((await pool.derive(password(4), salt, DEFAULT_KDF_PARAMS))[0]).toBe(4);
  });

  it('turns a worker’s error answer or a wrong-size key into KEY_DERIVATION_FAILED', async () => {
    const pool = fakePool(1);
    await expect(pool.derive(password(0xfd), salt, DEFAULT_KDF_PARAMS)).rejects.toThrowError(
      /simulated failure/,
    );
    await expect(pool.derive(password(0xfc), salt, DEFAULT_KDF_PARAMS)).rejects.toThrowError(/wrong size/);
    expect(pool.workerCount).toBe(1); // an answered error is not a crash
  });

  it('fails every job when the worker script cannot start', async () => {
    const missing = new URL('./no-such-worker.mjs', import.meta.url);
    const pool = new Argon2WorkerPool({ size: 1, workerUrl: missing });
    pools.push(pool);
    const results = await Promise.allSettled([
      pool.derive(password(1), salt, DEFAULT_KDF_PARAMS),
      pool.derive(password(2), salt, DEFAULT_KDF_PARAMS),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(result.status === 'rejected' && result.reason).toEqual(KEY_DERIVATION_FAILED);
    }
  });

  it('rejects pending and later jobs once closed', async () => {
    const pool = fakePool(1);
    const outcomes = Promise.allSettled([
      pool.derive(password(1), salt, DEFAULT_KDF_PARAMS), // running
      pool.derive(password(2), salt, DEFAULT_KDF_PARAMS), // queued
    ]);
    await pool.close();
    for (const outcome of await outcomes) {
      expect(outcome.status === 'rejected' && outcome.reason).toEqual(KEY_DERIVATION_FAILED);
    }
    await expect(pool.derive(password(3), salt, DEFAULT_KDF_PARAMS)).rejects.toThrowError(/closed/);
    expect(pool.workerCount).toBe(0);
  });

  it('reports hash-wasm’s own refusals from the real worker without echoing inputs', async () => {
    const pool = new Argon2WorkerPool({ size: 1 });
    pools.push(pool);
    // hash-wasm refuses salts under 8 bytes (deriveKey never sends one: it requires 16).
    const secret = new Uint8Array(32).fill(0x41);
    const error = await pool.derive(secret, new Uint8Array(4), DEFAULT_KDF_PARAMS).then(
      () => expect.unreachable(),
      (caught: Error) => caught,
    );
    expect(error).toEqual(KEY_DERIVATION_FAILED);
    expect(error.message).toMatch(/hash-wasm/);
    expect(error.message).not.toContain('AAAA');
  });

  it('refuses a pool size that is not a positive integer', () => {
    expect(() => new Argon2WorkerPool({ size: 0 })).toThrowError(RangeError);
    expect(() => new Argon2WorkerPool({ size: 1.5 })).toThrowError(RangeError);
  });
});
