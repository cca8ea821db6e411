/**
 * @module test-support
 * Opening managers on throw-away databases for tests.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type OpenOptions, SecretsManager } from './secrets-manager.js';

/** A fresh random master key, base64. */
export function newMasterKey(): string {
  return randomBytes(32).toString('base64');
}

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A manager on an in-memory database, closed after the test. */
export async function memoryManager(options: Partial<OpenOptions> = {}): Promise<SecretsManager> {
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

/** A manager on a database file in a temporary directory, closed after the test. */
export async function fileManager(
  options: Partial<OpenOptions> = {},
): Promise<{ manager: SecretsManager; database: string; masterKey: string }> {
  const database = options.database ?? join(temporaryDirectory(), 'secrets.db');
  const masterKey = (options.masterKey as string | undefined) ?? newMasterKey();
  const manager = await SecretsManager.open({ ...options, database, masterKey });
  cleanups.push(() => manager.close());
  return { manager, database, masterKey };
}

/** Registers something to undo after the test. */
export function onCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}
