import { statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../storage.js';
import { temporaryDirectory } from '../test-fixtures.js';
import { openSqliteStorage } from './open-sqlite-storage.js';

let dir: ReturnType<typeof temporaryDirectory>;
let storage: Storage;
let file: string;

beforeEach(async () => {
  dir = temporaryDirectory();
  file = join(dir.path, 'secrets.db');
  storage = await openSqliteStorage(file);
});

afterEach(async () => {
  await storage.close();
  dir.remove();
});

/** A second, raw connection: what someone with the file but without our code can do. */
function raw(): BetterSqlite3.Database {
  return new BetterSqlite3(file);
}

describe('opening a SQLite file', () => {
  it('creates the file owner-only, in WAL mode', () => {
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = raw();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a file that is not a database', async () => {
    const { writeFileSync } = await import('node:fs');
    const junk = join(dir.path, 'junk.db');
    writeFileSync(junk, 'this is not a database, just text that is long enough to look like a header......', {
      mode: 0o600,
    });
    await expect(openSqliteStorage(junk)).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringContaining('as an Iron Secrets database'),
    });
  });

  it('refuses a directory that does not exist', async () => {
    await expect(openSqliteStorage(join(dir.path, 'missing', 'secrets.db'))).rejects.toThrow(
      /does not exist/,
    );
  });
});

describe('migrating a SQLite file', () => {
  it('refuses a schema that is behind when told not to migrate', async () => {
    const db = raw();
    db.prepare('DELETE FROM schema_migrations WHERE version = 3').run();
    db.close();
    await expect(openSqliteStorage(file, { migrate: false })).rejects.toMatchObject({
      code: 'SCHEMA_OUTDATED',
    });
  });
});
