/**
 * Issue 14, finding 11: a database file is trusted only when it is private to its owner, and a
 * symbolic link at the database path never makes SQLite create a file somewhere else.
 */
import { chmodSync, chownSync, existsSync, lstatSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test-fixtures.js';
import { prepareDatabaseFile } from './database-file.js';
import { openSqliteStorage } from './open-sqlite-storage.js';

/** A user id other than ours; tests run as root in CI, so chown works. */
const SOMEONE_ELSE = 1234;
const posixOnly = it.skipIf(process.platform === 'win32');
const asRoot = it.skipIf(process.platform === 'win32' || process.getuid?.() !== 0);

let dir: ReturnType<typeof temporaryDirectory>;
let file: string;

beforeEach(() => {
  dir = temporaryDirectory();
  file = join(dir.path, 'secrets.db');
});
afterEach(() => dir.remove());

/** A file at `path` with exactly `mode`, whatever the umask. */
function preCreate(path: string, mode: number): void {
  writeFileSync(path, '');
  chmodSync(path, mode);
}

async function opens(path: string): Promise<void> {
  const storage = await openSqliteStorage(path);
  await storage.close();
}

describe('a database file that is not private is refused', () => {
  posixOnly('refuses a pre-created 0666 file, saying how to fix it', async () => {
    preCreate(file, 0o666);
    await expect(openSqliteStorage(file)).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringContaining(
        `writable by group or others (mode 0666); it must be private to its owner: run chmod 600 ${file}`,
      ),
    });
    // Refused before SQLite touched it: still the empty file, mode unchanged.
    expect(statSync(file).size).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o666);
  });

  posixOnly('refuses a 0644 database of our own', async () => {
    await opens(file);
    chmodSync(file, 0o644);
    await expect(openSqliteStorage(file)).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringContaining(
        `readable by group or others (mode 0644); it must be private to its owner: run chmod 600 ${file}`,
      ),
    });
    chmodSync(file, 0o600);
    await opens(file);
  });

  posixOnly('refuses a group-readable 0640 file and a group-writable 0620 one', async () => {
    preCreate(file, 0o640);
    await expect(openSqliteStorage(file)).rejects.toThrow(/readable by group or others \(mode 0640\)/);
    chmodSync(file, 0o620);
    await expect(openSqliteStorage(file)).rejects.toThrow(/writable by group or others \(mode 0620\)/);
  });

  posixOnly('refuses a -wal file that others can write, and a -shm that is a symbolic link', async () => {
    preCreate(file, 0o600);
    preCreate(`${file}-wal`, 0o666);
    await expect(openSqliteStorage(file)).rejects.toThrow(
      /database journal file .*-wal is writable by group or others/,
    );
    chmodSync(`${file}-wal`, 0o600);
    expect(() => prepareDatabaseFile(file)).not.toThrow();
    const elsewhere = join(dir.path, 'elsewhere');
    symlinkSync(elsewhere, `${file}-shm`);
    await expect(openSqliteStorage(file)).rejects.toThrow(/-shm is a symbolic link/);
    expect(existsSync(elsewhere)).toBe(false);
  });

  it('accepts a 0600 (and a 0400) file of our own', () => {
    preCreate(file, 0o600);
    expect(() => prepareDatabaseFile(file)).not.toThrow();
    chmodSync(file, 0o400);
    expect(() => prepareDatabaseFile(file)).not.toThrow();
  });

  it("leaves another user's read permission to that user, but never their others' write", () => {
    preCreate(file, 0o644);
    // Someone else's file (an operator running `sudo iron-secrets list` on the service's file).
    expect(() => prepareDatabaseFile(file, { currentUid: SOMEONE_ELSE })).not.toThrow();
    chmodSync(file, 0o664);
    expect(() => prepareDatabaseFile(file, { currentUid: SOMEONE_ELSE })).toThrow(
      /writable by group or others/,
    );
  });

  asRoot('the same with a file really owned by another user', () => {
    preCreate(file, 0o644);
    chownSync(file, SOMEONE_ELSE, SOMEONE_ELSE);
    expect(() => prepareDatabaseFile(file)).not.toThrow();
    chmodSync(file, 0o646);
    expect(() => prepareDatabaseFile(file)).toThrow(/writable by group or others \(mode 0646\)/);
  });

  it('does not check modes on Windows, where ACLs decide', () => {
    preCreate(file, 0o666);
    expect(() => prepareDatabaseFile(file, { checkModes: false })).not.toThrow();
  });

  it('refuses a directory at the database path', async () => {
    await expect(openSqliteStorage(dir.path)).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringContaining('not a regular file'),
    });
  });
});

describe('symbolic links at the database path', () => {
  posixOnly('refuses a dangling link and does not create its target', async () => {
    const target = join(dir.path, 'planted-target.db');
    symlinkSync(target, file);
    await expect(openSqliteStorage(file)).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringContaining('symbolic link to a file that does not exist'),
    });
    expect(existsSync(target)).toBe(false);
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
  });

  posixOnly('refuses a link loop', async () => {
    symlinkSync(file, file);
    await expect(openSqliteStorage(file)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });

  posixOnly('follows a link to an existing private database and checks the file it names', async () => {
    const real = join(dir.path, 'real.db');
    await opens(real);
    symlinkSync(real, file);
    await opens(file);
    // SQLite keeps its side files next to the file the link names.
    expect(existsSync(`${file}-wal`)).toBe(false);
    chmodSync(real, 0o644);
    await expect(openSqliteStorage(file)).rejects.toMatchObject({
      message: expect.stringContaining('readable by group or others (mode 0644)'),
    });
  });

  it('creates a new database 0600 even under a permissive umask', async () => {
    const previous = process.umask(0);
    try {
      await opens(file);
    } finally {
      process.umask(previous);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}`).isFile()).toBe(true);
  });
});
