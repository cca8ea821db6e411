/**
 * @module test-support
 * Opening managers on throw-away databases for tests.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { masterKeyFingerprint, randomSalt, wipe } from '@iron/secrets-crypto';
import { openStorage } from '@iron/secrets-storage';
import { freshDatabase, testBackend } from '@iron/secrets-storage/testing';
import { afterEach } from 'vitest';
import { AUDIT_CHAIN_KEY_SETTING, unwrapAuditChainKey } from './lib/audit-chain-key.js';
import { appendAudit, auditRecord } from './lib/audit-trail.js';
import type { ManagerContext } from './lib/context.js';
import { CURRENT_KDF, type SealedFields, SecretCipher } from './lib/secret-cipher.js';
import { type OpenOptions, SecretsManager } from './secrets-manager.js';

/** A fresh random master key, base64. */
export function newMasterKey(): string {
  return randomBytes(32).toString('base64');
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The backend of this test run (IRON_TEST_BACKEND): the same tests run on SQLite and PostgreSQL. */
export const backend = testBackend();

/**
 * A manager on a throw-away database, closed after the test: in memory on SQLite, a fresh schema
 * (dropped afterwards) on PostgreSQL.
 */
export async function memoryManager(options: Partial<OpenOptions> = {}): Promise<SecretsManager> {
  if (backend === 'postgres') return (await fileManager(options)).manager;
  const manager = await SecretsManager.open({ database: ':memory:', masterKey: newMasterKey(), ...options });
  cleanups.push(() => manager.close());
  return manager;
}

/** A temporary directory, removed after the test. */
export function temporaryDirectory(): string {
  const path = mkdtempSync(join(tmpdir(), 'iron-core-'));
  cleanups.push(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

/** What {@link fileManager} returns. */
export interface TestManager {
  readonly manager: SecretsManager;
  /** Its location: a file path (SQLite) or a URL (PostgreSQL). */
  readonly database: string;
  readonly masterKey: string;
  /** Runs SQL on the database directly (`$1`... parameters), as an attacker with access would. */
  readonly raw: (sql: string, values?: readonly unknown[]) => Promise<Record<string, unknown>[]>;
  /** Drops one of our triggers, as the database's owner could. */
  readonly dropTrigger: (name: string, table: string) => Promise<void>;
}

/**
 * A manager on a database that outlives it (a file on SQLite, a schema on PostgreSQL), so a test
 * can reopen it or reach into it; closed and removed after the test.
 */
export async function fileManager(options: Partial<OpenOptions> = {}): Promise<TestManager> {
  const db = await freshDatabase(backend);
  cleanups.push(() => db.drop());
  const database = options.database ?? db.location;
  const masterKey = (options.masterKey as string | undefined) ?? newMasterKey();
  const manager = await SecretsManager.open({ migrate: true, ...options, database, masterKey });
  cleanups.push(() => manager.close());
  return { manager, database, masterKey, raw: db.raw, dropTrigger: db.dropTrigger };
}

/** Registers something to undo after the test. */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

/**
 * Writes a secret straight through storage, with none of the library's checks on its name: a row
 * an older version wrote before a rule existed (R10's reserved names), sealed exactly as the
 * library seals, so that it opens, with the CREATE entry that version wrote (`audited: false`
 * leaves it out: a row planted by someone without the master key). Only for tests of what happens
 * when such a row is found.
 */
export async function insertUncheckedSecret(
  database: string,
  masterKey: string,
  environment: string,
  name: string,
  value: string,
  { audited = true }: { audited?: boolean } = {},
): Promise<void> {
  const storage = await openStorage(database);
  const key = Buffer.from(masterKey, 'base64');
  const cipher = new SecretCipher(Uint8Array.from(key), 1);
  const wrapped = await storage.transaction((tx) => tx.meta.get(AUDIT_CHAIN_KEY_SETTING), { readOnly: true });
  const auditChainKey = (await unwrapAuditChainKey(key, wrapped!)).key;
  try {
    const now = Math.floor(Date.now() / 1000);
    const fields: SealedFields = {
      id: randomUUID(),
      environment,
      name,
      createdAt: now,
      updatedAt: now,
      version: 1,
      expiresAt: null,
      rotateEverySeconds: null,
    };
    const salt = randomSalt();
    const sealed = await cipher.seal(value, fields, salt, CURRENT_KDF);
    const context = {
      storage,
      cipher,
      auditChainKey,
      fingerprint: masterKeyFingerprint(key),
      now: () => now,
    } as unknown as ManagerContext;
    await storage.transaction(async (tx) => {
      await tx.secrets.insert({ ...fields, ...sealed, salt, kdf: CURRENT_KDF });
      await tx.changes.record({ kind: 'created', name, environment, changedAt: now });
      if (audited) {
        const facts = {
          requester: { role: 'admin' as const },
          operation: 'CREATE' as const,
          secretName: name,
          environment,
          secretVersion: 1,
        };
        await appendAudit(context, tx, [auditRecord(context, facts)]);
      }
    });
  } finally {
    cipher.close();
    wipe(auditChainKey);
    await storage.close();
  }
}
