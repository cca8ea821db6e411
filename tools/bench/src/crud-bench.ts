/**
 * @module crud-bench
 * NFR-4: create, get, update, delete and list(100) on in-memory SQLite, as a user of
 * `SecretsManager` sees them (including crypto) and without the key derivation (excluding crypto).
 *
 * "Excluding crypto" cannot switch the crypto off, so it is measured with a warm derived-key cache:
 * the keys are derived before the timed section, and what remains is SQLite, the audit append and
 * AES-256-GCM (microseconds; NFR-1 measures it on its own). "Including crypto" is a cold cache
 * (`keyCacheSize: 0`): every operation derives its key, as the first read of a secret in a new
 * process does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chainAuditRecord, GENESIS_HASH } from '@iron/secrets-audit';
import { SecretsManager } from '@iron/secrets-core';
import { DEFAULT_KDF_PARAMS, encrypt } from '@iron/secrets-crypto';
import { openStorage } from '@iron/secrets-storage';
import { type Measurement, measure, WARMUP_ITERATIONS } from './measure.js';

const VALUE = `sk-proj-${'b'.repeat(120)}`;
/** The size of every value the CRUD benchmarks store: an API key's, not NFR-1's 1 KiB. */
export const CRUD_VALUE_BYTES = Buffer.byteLength(VALUE);
const LISTED = 100;

async function open(options: { keyCacheSize?: number } = {}): Promise<SecretsManager> {
  return SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
    ...options,
  });
}

/** Creates `count` secrets named `${prefix}_${i}`; their derivations run in parallel. */
async function fill(
  manager: SecretsManager,
  prefix: string,
  count: number,
  environment = 'production',
): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) => manager.createSecret(`${prefix}_${i}`, VALUE, environment)),
  );
}

/** The five operations; create's row is measured on the storage layer (see {@link storageCreate}). */
export interface CrudOperations<T> {
  readonly create: T;
  readonly get: T;
  readonly update: T;
  readonly delete: T;
  readonly list: T;
}

export interface CrudResults {
  /** Warm derived-key cache: SQLite, the audit append and AES only. */
  readonly warm: CrudOperations<Measurement>;
  /** Cold cache: every operation derives its key (delete has none to derive). */
  readonly cold: CrudOperations<Measurement>;
}

export async function crudBenchmarks(scale: number): Promise<CrudResults> {
  const n = (count: number) => Math.max(5, Math.round(count / scale));

  const warm = await open();
  await warm.createSecret('KEY', VALUE, 'production');
  await fill(warm, 'LIST', LISTED, 'staging');
  await warm.getSecret('KEY'); // derives and caches the key
  await warm.listSecrets('agent', 'staging'); // derives and caches the 100 keys
  const warmGet = await measure(
    'get (warm key cache)',
    () => warm.getSecret('KEY', 'agent', { environment: 'production' }),
    { iterations: n(1000) },
  );
  const warmUpdate = await measure(
    'update (warm key cache: the salt, so the key, is kept)',
    () => warm.updateSecret('KEY', VALUE, { environment: 'production' }),
    { iterations: n(1000) },
  );
  const warmList = await measure('list 100 (warm key cache)', () => warm.listSecrets('agent', 'staging'), {
    iterations: n(1000),
  });
  await warm.close();

  const cold = await open({ keyCacheSize: 0 });
  await cold.createSecret('KEY', VALUE, 'production');
  await fill(cold, 'LIST', LISTED, 'staging');
  let created = 0;
  const coldCreate = await measure(
    'create (derives the key of its new salt)',
    () => cold.createSecret(`NEW_${created++}`, VALUE, 'development'),
    { iterations: n(100) },
  );
  const coldGet = await measure(
    'get (cold: derives the key)',
    () => cold.getSecret('KEY', 'agent', { environment: 'production' }),
    { iterations: n(100) },
  );
  const coldUpdate = await measure(
    'update (cold: derives the key)',
    () => cold.updateSecret('KEY', VALUE, { environment: 'production' }),
    { iterations: n(100) },
  );
  const coldList = await measure(
    'list 100 (cold: 100 derivations in parallel)',
    () => cold.listSecrets('agent', 'staging'),
    // Each iteration is 100 derivations (about a second on 2 cores): fewer of them, one warm-up.
    { iterations: Math.max(2, Math.round(20 / scale)), warmupIterations: 1 },
  );
  await cold.close();

  const del = await deleteBenchmark(n(1000));
  return {
    warm: {
      create: await storageCreate(n(1000)),
      get: warmGet,
      update: warmUpdate,
      delete: del,
      list: warmList,
    },
    cold: {
      create: coldCreate,
      get: coldGet,
      update: coldUpdate,
      delete: { ...del, name: 'delete (no key to derive: the row above)' },
      list: coldList,
    },
  };
}

/**
 * Delete derives no key, so one measurement serves both tables. The secrets it deletes are created
 * first, untimed, in a manager of their own: creating them derives a key each, which would fill the
 * other benchmarks' key cache.
 */
async function deleteBenchmark(iterations: number): Promise<Measurement> {
  const manager = await open({ keyCacheSize: 0 });
  // Every timed and every warm-up call deletes one secret.
  await fill(manager, 'DEL', iterations + WARMUP_ITERATIONS);
  let deleted = 0;
  const result = await measure(
    'delete (no key derivation at all)',
    () => manager.deleteSecret(`DEL_${deleted++}`, { environment: 'production' }),
    { iterations },
  );
  await manager.close();
  return result;
}

/**
 * Create without its key derivation. A new secret always gets a new salt, so no cache can spare
 * `createSecret` its derivation; this row runs what `createSecret` does besides deriving, on the
 * storage layer directly and with a key derived beforehand: the existence check, AES-256-GCM of
 * the value, and one transaction that inserts the row, records the change and appends the
 * hash-chained audit entry (as `packages/core/src/operations/create-secret.ts` does).
 */
async function storageCreate(iterations: number): Promise<Measurement> {
  const storage = await openStorage(':memory:');
  const chainKey = randomBytes(32);
  const key = randomBytes(32);
  const plaintext = Buffer.from(VALUE, 'utf8');
  const { algorithm, version, memoryKiB, iterations: passes, parallelism } = DEFAULT_KDF_PARAMS;
  let i = 0;
  const result = await measure(
    'create minus its derivation (storage layer: check, AES, insert + change + audit)',
    async () => {
      const name = `KEY_${i++}`;
      const environment = 'production';
      await storage.transaction((tx) => tx.secrets.find(environment, name), { readOnly: true });
      const id = randomUUID();
      const sealed = encrypt(
        plaintext,
        key,
        Buffer.from(`iron-secrets/secret/v1\0${id}\0${environment}\0${name}`),
      );
      const now = Math.floor(Date.now() / 1000);
      await storage.transaction(async (tx) => {
        await tx.secrets.insert({
          id,
          name,
          environment,
          encryptedBlob: sealed.ciphertext,
          nonce: sealed.nonce,
          salt: randomBytes(16),
          kdf: { algorithm, version, memoryKiB, iterations: passes, parallelism },
          createdAt: now,
          updatedAt: now,
          version: 1,
          expiresAt: null,
          rotateEverySeconds: null,
        });
        await tx.changes.record({ kind: 'created', name, environment, changedAt: now });
        const record = {
          timestamp: now,
          operation: 'CREATE' as const,
          secretName: name,
          environment,
          requesterRole: 'admin' as const,
          agentId: null,
          requesterId: null,
          success: true,
          errorMessage: null,
          secretVersion: 1,
          disclosure: null,
        };
        // The storage layer's cost alone: linked to the last hash, digests not carried over.
        const prev = (await tx.audit.chainHead()) ?? GENESIS_HASH;
        await tx.audit.append([chainAuditRecord(chainKey, record, { hash: prev, digest: prev })]);
      });
    },
    { iterations },
  );
  await storage.close();
  return result;
}
