/**
 * @module crud-bench
 * NFR-4: create, get, update, delete and list(100) on in-memory SQLite, as a user of
 * `SecretsManager` sees them (including crypto) and without the key derivation (excluding crypto).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chainAuditRecord, GENESIS_HASH } from '@iron/secrets-audit';
import { SecretsManager } from '@iron/secrets-core';
import { openStorage } from '@iron/secrets-storage';
import { type Measurement, measure } from './measure.js';

const VALUE = `sk-proj-${'b'.repeat(120)}`;

async function open(options: { keyCacheSize?: number } = {}): Promise<SecretsManager> {
  return SecretsManager.open({
    database: ':memory:',
    masterKey: randomBytes(32).toString('base64'),
    ...options,
  });
}

/** Creates `count` secrets named `${prefix}_${i}`; derivations run in parallel. */
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

export interface CrudResults {
  /** With a warm derived-key cache: SQLite, the audit append and AES only. */
  readonly excludingCrypto: Measurement[];
  /** As a process with a cold cache sees them: every operation derives its key. */
  readonly includingCrypto: Measurement[];
}

export async function crudBenchmarks(scale: number): Promise<CrudResults> {
  const n = (count: number) => Math.max(5, Math.round(count / scale));
  const warm = await open();
  await warm.createSecret('KEY', VALUE, 'production');
  await warm.getSecret('KEY'); // derives and caches the key
  let created = 0;
  let deleted = 0;
  const deletable = n(200);
  await fill(warm, 'DEL', deletable + 20);
  await fill(warm, 'LIST', 100, 'staging');
  await warm.listSecrets('agent', 'staging'); // warms the 100 keys

  const excludingCrypto = [
    await storageCreate(n(1000)),
    await measure(
      'get (warm key cache)',
      () => warm.getSecret('KEY', 'agent', { environment: 'production' }),
      {
        iterations: n(1000),
      },
    ),
    await measure(
      'update (warm key cache)',
      () => warm.updateSecret('KEY', VALUE, { environment: 'production' }),
      {
        iterations: n(1000),
      },
    ),
    await measure(
      'delete (no crypto at all)',
      () => warm.deleteSecret(`DEL_${deleted++}`, { environment: 'production' }),
      {
        iterations: deletable,
      },
    ),
    await measure('list 100 (warm key cache)', () => warm.listSecrets('agent', 'staging'), {
      iterations: n(200),
    }),
  ];

  const cold = await open({ keyCacheSize: 0 });
  await cold.createSecret('KEY', VALUE, 'production');
  await fill(cold, 'LIST', 100, 'staging');
  const includingCrypto = [
    await measure(
      'create (derives a key for a new salt)',
      () => cold.createSecret(`NEW_${created++}`, VALUE, 'development'),
      {
        iterations: n(100),
      },
    ),
    await measure(
      'get (cold: derives the key)',
      () => cold.getSecret('KEY', 'agent', { environment: 'production' }),
      {
        iterations: n(100),
      },
    ),
    await measure(
      'update (cold: derives the key)',
      () => cold.updateSecret('KEY', VALUE, { environment: 'production' }),
      {
        iterations: n(100),
      },
    ),
    await measure(
      'list 100 (cold: 100 derivations in parallel)',
      () => cold.listSecrets('agent', 'staging'),
      {
        iterations: Math.max(3, Math.round(10 / scale)),
      },
    ),
  ];
  await warm.close();
  await cold.close();
  return { excludingCrypto, includingCrypto };
}

/**
 * What `createSecret` does besides crypto: one transaction that inserts the sealed row, records
 * the change and appends the hash-chained audit entry. Measured on the storage layer directly,
 * because a new secret always derives a key for its new salt.
 */
async function storageCreate(iterations: number): Promise<Measurement> {
  const storage = await openStorage(':memory:');
  const chainKey = randomBytes(32);
  const blob = randomBytes(VALUE.length + 16);
  let i = 0;
  const result = await measure(
    'create: insert + change + audit append (storage layer)',
    () =>
      storage.transaction(async (tx) => {
        const name = `KEY_${i++}`;
        const now = Math.floor(Date.now() / 1000);
        await tx.secrets.insert({
          id: randomUUID(),
          name,
          environment: 'production',
          encryptedBlob: blob,
          nonce: randomBytes(12),
          salt: randomBytes(16),
          kdf: { algorithm: 'argon2id', version: 19, memoryKiB: 19456, iterations: 2, parallelism: 1 },
          createdAt: now,
          updatedAt: now,
          version: 1,
          expiresAt: null,
          rotateEverySeconds: null,
        });
        await tx.changes.record({ kind: 'created', name, environment: 'production', changedAt: now });
        const record = {
          timestamp: now,
          operation: 'CREATE' as const,
          secretName: name,
          environment: 'production',
          requesterRole: 'admin' as const,
          agentId: null,
          requesterId: null,
          success: true,
          errorMessage: null,
        };
        await tx.audit.append([
          chainAuditRecord(chainKey, record, (await tx.audit.chainHead()) ?? GENESIS_HASH),
        ]);
      }),
    { iterations },
  );
  await storage.close();
  return result;
}
