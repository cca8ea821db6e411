/**
 * @module test-support
 * Opening managers on throw-away databases for tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase, testBackend } from '@iron/secrets-storage/testing';
import { afterEach } from 'vitest';
import { type OpenOptions, SecretsManager } from './secrets-manager.js';

export { insertUncheckedSecret } from './testing.js';

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
