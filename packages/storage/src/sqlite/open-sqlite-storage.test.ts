import { statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage } from '../storage.js';
import { StorageError } from '../storage-error.js';
import { auditRow, secretRow, temporaryDirectory, tokenRow } from '../test-fixtures.js';
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

describe('FR-4: the secrets table', () => {
  it('FR-4.1/4.2: exists with the spec columns, plus ours', () => {
    const db = raw();
    const columns = (
      db.prepare('PRAGMA table_info(secrets)').all() as { name: string; type: string; notnull: number }[]
    ).map((c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}`);
    expect(columns).toEqual(
      expect.arrayContaining([
        'id TEXT',
        'name TEXT NOT NULL',
        'encrypted_blob BLOB NOT NULL',
        'nonce BLOB NOT NULL',
        'salt BLOB NOT NULL',
        'environment TEXT NOT NULL',
        'created_at INTEGER NOT NULL',
        'updated_at INTEGER NOT NULL',
      ]),
    );
    db.close();
  });

  it('FR-4.4: indexes name and environment', () => {
    const db = raw();
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'secrets'")
      .all();
    expect(indexes.map((i) => (i as { name: string }).name)).toEqual(
      expect.arrayContaining(['idx_secrets_name', 'idx_secrets_environment']),
    );
    db.close();
  });

  it('FR-4.3 + R1: a name is unique per environment', async () => {
    await storage.transaction(async (tx) => {
      expect(await tx.secrets.insert(secretRow())).toBe('inserted');
      expect(await tx.secrets.insert(secretRow())).toBe('exists');
      expect(await tx.secrets.insert(secretRow({ environment: 'staging' }))).toBe('inserted');
      expect(await tx.secrets.count()).toBe(2);
      expect((await tx.secrets.findByName('OPENAI_KEY')).map((r) => r.environment)).toEqual([
        'production',
        'staging',
      ]);
      expect((await tx.secrets.findByName('OPENAI_KEY', ['staging'])).map((r) => r.environment)).toEqual([
        'staging',
      ]);
    });
  });

  it.each([
    [
      'environment',
      "INSERT INTO secrets (id, name, encrypted_blob, nonce, salt, environment) VALUES ('x', 'A', zeroblob(16), zeroblob(12), zeroblob(16), 'prod')",
    ],
    [
      'nonce size',
      "INSERT INTO secrets (id, name, encrypted_blob, nonce, salt, environment) VALUES ('x', 'A', zeroblob(16), zeroblob(11), zeroblob(16), 'production')",
    ],
    [
      'salt size',
      "INSERT INTO secrets (id, name, encrypted_blob, nonce, salt, environment) VALUES ('x', 'A', zeroblob(16), zeroblob(12), zeroblob(8), 'production')",
    ],
    [
      'audit operation',
      "INSERT INTO secret_audit_log (secret_name, operation, requester_role, success, prev_hash, hash) VALUES ('A', 'HACK', 'admin', 1, printf('%064d', 0), printf('%064d', 0))",
    ],
    [
      'audit role',
      "INSERT INTO secret_audit_log (secret_name, operation, requester_role, success, prev_hash, hash) VALUES ('A', 'READ', 'root', 1, printf('%064d', 0), printf('%064d', 0))",
    ],
  ])('CHECK constraints refuse a bad %s', (_what, sql) => {
    const db = raw();
    expect(() => db.exec(sql)).toThrow(/CHECK constraint failed/);
    db.close();
  });

  it('updates only the version it read (optimistic concurrency)', async () => {
    const row = secretRow();
    await storage.transaction(async (tx) => {
      await tx.secrets.insert(row);
      const update = { ...row, nonce: Buffer.alloc(12, 7), updatedAt: 1_700_000_100 };
      expect(await tx.secrets.update(row.id, 1, update)).toBe(true);
      expect(await tx.secrets.update(row.id, 1, update)).toBe(false);
      const found = await tx.secrets.find('production', 'OPENAI_KEY');
      expect(found).toMatchObject({ version: 2, updatedAt: 1_700_000_100, nonce: Buffer.alloc(12, 7) });
      expect(await tx.secrets.delete(row.id)).toBe(true);
      expect(await tx.secrets.delete(row.id)).toBe(false);
    });
  });

  it('keeps or replaces rotation settings on update', async () => {
    const row = secretRow({ expiresAt: 1_800_000_000, rotateEverySeconds: 86_400 });
    await storage.transaction(async (tx) => {
      await tx.secrets.insert(row);
      await tx.secrets.update(row.id, 1, { ...row, updatedAt: 2 });
      expect(await tx.secrets.find('production', 'OPENAI_KEY')).toMatchObject({
        expiresAt: 1_800_000_000,
        rotateEverySeconds: 86_400,
      });
      await tx.secrets.update(row.id, 2, { ...row, updatedAt: 3, expiresAt: null, rotateEverySeconds: 60 });
      expect(await tx.secrets.find('production', 'OPENAI_KEY')).toMatchObject({
        expiresAt: null,
        rotateEverySeconds: 60,
      });
    });
  });
});

describe('transactions', () => {
  it('roll back everything when the work throws', async () => {
    await expect(
      storage.transaction(async (tx) => {
        await tx.secrets.insert(secretRow());
        await tx.audit.append([auditRow()]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await storage.transaction(async (tx) => {
      expect(await tx.secrets.count()).toBe(0);
      expect(await tx.audit.count()).toBe(0);
    });
  });

  it('never interleave, even when the work awaits', async () => {
    const order: string[] = [];
    const slow = storage.transaction(async (tx) => {
      order.push('a-start');
      await new Promise((resolve) => setTimeout(resolve, 20));
      await tx.secrets.insert(secretRow());
      order.push('a-end');
    });
    const fast = storage.transaction(async (tx) => {
      order.push('b-start');
      expect(await tx.secrets.count()).toBe(1);
      order.push('b-end');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['a-start', 'a-end', 'b-start', 'b-end']);
  });

  it('refuse writes in a read-only transaction', async () => {
    await expect(
      storage.transaction((tx) => tx.secrets.insert(secretRow()), { readOnly: true }),
    ).rejects.toThrow(StorageError);
    await storage.transaction(async (tx) => expect(await tx.secrets.count()).toBe(0));
  });

  it('refuse a table used after its transaction ended', async () => {
    const leaked = await storage.transaction(async (tx) => tx);
    await expect(leaked.secrets.count()).rejects.toThrow(/already ended/);
  });

  it('are seen by a second connection to the same file once committed', async () => {
    const other = await openSqliteStorage(file);
    await storage.transaction((tx) => tx.secrets.insert(secretRow()));
    await other.transaction(async (tx) => expect(await tx.secrets.count()).toBe(1));
    await other.close();
  });
});

describe('FR-8.3: the audit log is append-only', () => {
  beforeEach(async () => {
    await storage.transaction(async (tx) => {
      await tx.audit.append([auditRow()]);
      await tx.audit.append([auditRow({ operation: 'READ' })]);
    });
  });

  it('refuses a raw UPDATE', () => {
    const db = raw();
    expect(() => db.exec('UPDATE secret_audit_log SET success = 0 WHERE id = 1')).toThrow(/append-only/);
    db.close();
  });

  it('refuses a raw DELETE', () => {
    const db = raw();
    expect(() => db.exec('DELETE FROM secret_audit_log WHERE id = 1')).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM secret_audit_log')).toThrow(/append-only/);
    db.close();
  });

  it('reads entries oldest first, with filters and paging', async () => {
    await storage.transaction(async (tx) => {
      await tx.audit.append([
        auditRow({ secretName: 'OTHER', environment: 'staging', timestamp: 1_700_000_500 }),
      ]);
      expect((await tx.audit.query()).map((e) => e.id)).toEqual([1, 2, 3]);
      expect((await tx.audit.query({ secretName: 'OTHER' })).map((e) => e.id)).toEqual([3]);
      expect((await tx.audit.query({ environment: 'production' })).map((e) => e.id)).toEqual([1, 2]);
      expect((await tx.audit.query({ since: 1_700_000_100 })).map((e) => e.id)).toEqual([3]);
      expect((await tx.audit.query({ until: 1_700_000_100 })).map((e) => e.id)).toEqual([1, 2]);
      expect((await tx.audit.query({ afterId: 1, limit: 1 })).map((e) => e.id)).toEqual([2]);
      expect((await tx.audit.query())[0]).toMatchObject({
        success: true,
        operation: 'CREATE',
        agentId: null,
      });
    });
  });

  it('prunes only an old prefix, through the gate, and anchors the rest', async () => {
    await storage.transaction(async (tx) => {
      await tx.audit.append([auditRow({ timestamp: 1_800_000_000, hash: 'b'.repeat(64) })]);
      // An entry written under a clock that ran behind stays, with everything after it.
      await tx.audit.append([auditRow({ timestamp: 1_600_000_000, hash: 'c'.repeat(64) })]);
      expect(await tx.audit.prune(1_750_000_000, 1_800_000_001)).toBe(2);
      expect((await tx.audit.query()).map((e) => e.id)).toEqual([3, 4]);
      expect(await tx.audit.anchor()).toEqual({ throughId: 2, hash: 'a'.repeat(64) });
      expect(await tx.audit.prune(1_750_000_000, 1_800_000_002)).toBe(0);
    });
    const db = raw();
    expect(db.prepare('SELECT count(*) AS n FROM audit_prune_gate').get()).toEqual({ n: 0 });
    expect(() => db.exec('DELETE FROM audit_chain_anchors')).toThrow(/append-only/);
    db.close();
  });

  it('links the next entry to the anchor once every entry was pruned', async () => {
    await storage.transaction(async (tx) => {
      expect(await tx.audit.chainHead()).toBe('a'.repeat(64));
      await tx.audit.prune(1_900_000_000, 1_900_000_000);
      expect(await tx.audit.count()).toBe(0);
      expect(await tx.audit.chainHead()).toBe('a'.repeat(64));
    });
  });
});

describe('the change feed and settings', () => {
  it('counts changes in commit order', async () => {
    await storage.transaction(async (tx) => {
      expect(await tx.changes.latest()).toBe(0);
      await tx.changes.record({ kind: 'created', name: 'A', environment: 'production', changedAt: 1 });
      await tx.changes.record({ kind: 'updated', name: 'A', environment: 'production', changedAt: 2 });
      expect(await tx.changes.latest()).toBe(2);
      expect(await tx.changes.since(1)).toEqual([
        { seq: 2, kind: 'updated', name: 'A', environment: 'production', changedAt: 2 },
      ]);
    });
  });

  it('keeps settings unless told to replace them', async () => {
    await storage.transaction(async (tx) => {
      await tx.meta.set('fingerprint', 'one');
      await expect(tx.meta.set('fingerprint', 'two')).rejects.toThrow(/already set/);
      await tx.meta.set('fingerprint', 'three', { replace: true });
      expect(await tx.meta.get('fingerprint')).toBe('three');
      expect(await tx.meta.get('missing')).toBeUndefined();
    });
  });
});

describe('opening', () => {
  it('creates the file owner-only, in WAL mode', () => {
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const db = raw();
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('records its migrations', async () => {
    expect(await storage.appliedMigrations()).toEqual([
      { version: 1, name: '001_meta' },
      { version: 2, name: '002_secrets' },
      { version: 3, name: '003_access_tokens' },
    ]);
  });

  it('opens an existing database without re-applying migrations', async () => {
    await storage.transaction((tx) => tx.secrets.insert(secretRow()));
    await storage.close();
    storage = await openSqliteStorage(file);
    await storage.transaction(async (tx) => expect(await tx.secrets.count()).toBe(1));
  });

  it('refuses a database written by a newer version', async () => {
    const db = raw();
    db.prepare("INSERT INTO schema_migrations VALUES (99, '099_future', 'x', 0)").run();
    db.close();
    await expect(openSqliteStorage(file)).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' });
  });

  it('refuses a database whose applied migration was edited', async () => {
    const db = raw();
    db.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 2").run();
    db.close();
    await expect(openSqliteStorage(file)).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
  });

  it('refuses a file that is not a database', async () => {
    const { writeFileSync } = await import('node:fs');
    const junk = join(dir.path, 'junk.db');
    writeFileSync(junk, 'this is not a database, just text that is long enough to look like a header......');
    await expect(openSqliteStorage(junk)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });

  it('refuses a directory that does not exist', async () => {
    await expect(openSqliteStorage(join(dir.path, 'missing', 'secrets.db'))).rejects.toThrow(
      /does not exist/,
    );
  });

  it('refuses to be used after close', async () => {
    await storage.close();
    await expect(storage.transaction((tx) => tx.secrets.count())).rejects.toThrow(/closed/);
    storage = await openSqliteStorage(':memory:');
  });
});

describe('secrets across environments', () => {
  it('lists every row of every environment, by environment then name', async () => {
    await storage.transaction(async (tx) => {
      await tx.secrets.insert(secretRow({ name: 'B', environment: 'staging' }));
      await tx.secrets.insert(secretRow({ name: 'A', environment: 'staging' }));
      await tx.secrets.insert(secretRow({ name: 'Z', environment: 'development' }));
    });
    const rows = await storage.transaction((tx) => tx.secrets.listAll(), { readOnly: true });
    expect(rows.map((row) => `${row.environment}/${row.name}`)).toEqual([
      'development/Z',
      'staging/A',
      'staging/B',
    ]);
  });
});

describe('access tokens', () => {
  it('stores a token with its scope and reads it back', async () => {
    const row = tokenRow({ environments: ['production'], secretPatterns: ['OPENAI_*'], agentId: 'bot' });
    await storage.transaction((tx) => tx.tokens.insert(row));
    expect(await storage.transaction((tx) => tx.tokens.find(row.id))).toEqual(row);
    expect(await storage.transaction((tx) => tx.tokens.list())).toEqual([row]);
    expect(await storage.transaction((tx) => tx.tokens.find('missing'))).toBeUndefined();
  });

  it('revokes once', async () => {
    const row = tokenRow();
    await storage.transaction((tx) => tx.tokens.insert(row));
    expect(await storage.transaction((tx) => tx.tokens.revoke(row.id, 1_700_000_500))).toBe(true);
    expect(await storage.transaction((tx) => tx.tokens.revoke(row.id, 1_700_000_600))).toBe(false);
    expect(await storage.transaction((tx) => tx.tokens.revoke('missing', 1))).toBe(false);
    expect((await storage.transaction((tx) => tx.tokens.find(row.id)))?.revokedAt).toBe(1_700_000_500);
  });

  it('cannot be deleted, re-scoped or un-revoked, even with direct access to the file', async () => {
    const row = tokenRow();
    await storage.transaction((tx) => tx.tokens.insert(row));
    const db = raw();
    expect(() => db.prepare('DELETE FROM access_tokens').run()).toThrow(/revoke instead/);
    expect(() => db.prepare("UPDATE access_tokens SET role = 'admin', environments = NULL").run()).toThrow(
      /only be revoked/,
    );
    db.prepare('UPDATE access_tokens SET revoked_at = 5').run();
    expect(() => db.prepare('UPDATE access_tokens SET revoked_at = NULL').run()).toThrow(/only be revoked/);
    db.close();
  });

  it('reads a hand-edited scope as reaching nothing, never as reaching everything', async () => {
    const row = tokenRow({ environments: ['production'] });
    const db = raw();
    db.prepare('DROP TRIGGER access_tokens_only_revoke').run();
    db.close();
    await storage.transaction((tx) => tx.tokens.insert(row));
    const edit = raw();
    edit.prepare('UPDATE access_tokens SET environments = \'{"not": "a list"}\'').run();
    edit.close();
    expect((await storage.transaction((tx) => tx.tokens.find(row.id)))?.environments).toEqual([]);
  });

  it('refuses a malformed row', async () => {
    await expect(
      storage.transaction((tx) => tx.tokens.insert(tokenRow({ tokenHash: 'short' }))),
    ).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
  });
});
