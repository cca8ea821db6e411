/**
 * The storage contract, run against the backend this test run selects (IRON_TEST_BACKEND): the
 * same tests for SQLite and PostgreSQL. What only one backend has lives beside its adapter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStorage } from './open-storage.js';
import type { Storage } from './storage.js';
import { StorageError } from './storage-error.js';
import { auditRow, secretRow, tokenRow } from './test-fixtures.js';
import { freshDatabase, type TestDatabase, testBackend } from './testing.js';

let db: TestDatabase;
let storage: Storage;

beforeEach(async () => {
  db = await freshDatabase();
  storage = await openStorage(db.location, { migrate: true, changePollMs: 20 });
});

afterEach(async () => {
  await storage.close();
  await db.drop();
});

const postgres = () => db.backend === 'postgres';
/** `n` zero bytes, in this dialect's SQL. */
const zeros = (n: number) => (postgres() ? `decode(repeat('00', ${n}), 'hex')` : `zeroblob(${n})`);
/** A 64-character hash-shaped string, in this dialect's SQL. */
const hash64 = () => (postgres() ? "repeat('0', 64)" : "printf('%064d', 0)");
const CHECK_FAILED = /CHECK constraint failed|violates check constraint/i;

/** Column `name type [NOT NULL]` of a table, in the dialect's own type names. */
async function columns(table: string): Promise<string[]> {
  if (postgres()) {
    const rows = await db.raw(
      `SELECT column_name AS name, data_type AS type, is_nullable FROM information_schema.columns
       WHERE table_schema = current_schema() AND table_name = $1`,
      [table],
    );
    return rows.map(
      (c) => `${c.name} ${String(c.type).toUpperCase()}${c.is_nullable === 'NO' ? ' NOT NULL' : ''}`,
    );
  }
  const rows = await db.raw(`PRAGMA table_info(${table})`);
  return rows.map((c) => `${c.name} ${c.type}${c.notnull ? ' NOT NULL' : ''}`);
}

describe('FR-4: the secrets table', () => {
  it('FR-4.1/4.2: exists with the spec columns, plus ours', async () => {
    const [blob, integer] = postgres() ? ['BYTEA', 'BIGINT'] : ['BLOB', 'INTEGER'];
    expect(await columns('secrets')).toEqual(
      expect.arrayContaining([
        `id TEXT${postgres() ? ' NOT NULL' : ''}`,
        'name TEXT NOT NULL',
        `encrypted_blob ${blob} NOT NULL`,
        `nonce ${blob} NOT NULL`,
        `salt ${blob} NOT NULL`,
        'environment TEXT NOT NULL',
        `created_at ${integer} NOT NULL`,
        `updated_at ${integer} NOT NULL`,
      ]),
    );
  });

  it('FR-4.4: indexes name and environment', async () => {
    const indexes = postgres()
      ? await db.raw(
          "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'secrets'",
        )
      : await db.raw("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'secrets'");
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining(['idx_secrets_name', 'idx_secrets_environment']),
    );
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
    ['environment', () => `${secretInsert(16, 12, 16)} 'prod')`],
    ['nonce size', () => `${secretInsert(16, 11, 16)} 'production')`],
    ['salt size', () => `${secretInsert(16, 12, 8)} 'production')`],
    ['ciphertext size', () => `${secretInsert(15, 12, 16)} 'production')`],
    ['audit operation', () => auditInsert("'HACK'", "'admin'")],
    ['audit role', () => auditInsert("'READ'", "'root'")],
  ])('CHECK constraints refuse a bad %s', async (_what, sql) => {
    await expect(db.raw(sql())).rejects.toThrow(CHECK_FAILED);
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

  it('reads back exactly what it stored', async () => {
    const row = secretRow({ expiresAt: 1_800_000_000, rotateEverySeconds: 86_400 });
    await storage.transaction((tx) => tx.secrets.insert(row));
    const found = await storage.transaction((tx) => tx.secrets.find('production', 'OPENAI_KEY'));
    expect({ ...found, encryptedBlob: Buffer.from(found!.encryptedBlob) }).toEqual({
      ...row,
      encryptedBlob: Buffer.from(row.encryptedBlob),
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

function secretInsert(blob: number, nonce: number, salt: number): string {
  return `INSERT INTO secrets (id, name, encrypted_blob, nonce, salt, environment) VALUES ('x', 'A', ${zeros(blob)}, ${zeros(nonce)}, ${zeros(salt)},`;
}

function auditInsert(operation: string, role: string): string {
  return `INSERT INTO secret_audit_log (secret_name, operation, requester_role, success, prev_hash, hash) VALUES ('A', ${operation}, ${role}, ${postgres() ? 'true' : '1'}, ${hash64()}, ${hash64()})`;
}

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

  it('never interleave writers, even when the work awaits', async () => {
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

  // better-sqlite3 waits for another connection's lock synchronously, blocking this process's event
  // loop: two SQLite connections in one process would wait on each other. SQLite's writers in
  // separate processes are tested from the CLI.
  it.skipIf(testBackend() === 'sqlite')(
    'never interleave writers of two connections to one database',
    async () => {
      const other = await openStorage(db.location);
      // Each writer reads the head and appends after it: interleaved, two would link to one head.
      const append = (s: Storage) =>
        s.transaction(async (tx) => {
          const head = (await tx.audit.chainHead()) ?? '0'.repeat(64);
          await new Promise((resolve) => setTimeout(resolve, 2));
          const next = String((Number.parseInt(head.slice(0, 8), 16) + 1) % 0xffffffff)
            .padStart(8, '0')
            .padEnd(64, 'f');
          await tx.audit.append([auditRow({ prevHash: head, hash: next })]);
        });
      await Promise.all(Array.from({ length: 20 }, (_, i) => append(i % 2 === 0 ? storage : other)));
      await other.close();
      const entries = await storage.transaction((tx) => tx.audit.query());
      expect(entries).toHaveLength(20);
      for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
    },
  );

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

  it('are seen by a second connection to the same database once committed', async () => {
    const other = await openStorage(db.location);
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

  it('refuses a raw UPDATE', async () => {
    await expect(
      db.raw(`UPDATE secret_audit_log SET success = ${zeroBoolean()} WHERE id = 1`),
    ).rejects.toThrow(/append-only/);
  });

  it('refuses a raw DELETE', async () => {
    await expect(db.raw('DELETE FROM secret_audit_log WHERE id = 1')).rejects.toThrow(/append-only/);
    await expect(db.raw('DELETE FROM secret_audit_log')).rejects.toThrow(/append-only/);
    if (postgres()) await expect(db.raw('TRUNCATE secret_audit_log')).rejects.toThrow(/append-only/);
  });

  it('appends a batch in order', async () => {
    await storage.transaction((tx) =>
      tx.audit.append(['b', 'c', 'd'].map((c) => auditRow({ hash: c.repeat(64), secretName: c }))),
    );
    const entries = await storage.transaction((tx) => tx.audit.query({ afterId: 2 }));
    expect(entries.map((e) => [e.id, e.secretName])).toEqual([
      [3, 'b'],
      [4, 'c'],
      [5, 'd'],
    ]);
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
      expect((await tx.audit.query({ latest: true, limit: 2 })).map((e) => e.id)).toEqual([2, 3]);
      expect((await tx.audit.query())[0]).toMatchObject({
        success: true,
        operation: 'CREATE',
        agentId: null,
      });
    });
  });

  it('filters entries by operation, role, requester, result, disclosure and before an id, in SQL', async () => {
    await storage.transaction(async (tx) => {
      await tx.audit.append([
        auditRow({ operation: 'READ', requesterRole: 'agent', agentId: 'bot', disclosure: 'value' }),
        auditRow({ operation: 'READ', requesterRole: 'viewer', requesterId: 'tok_v', disclosure: 'masked' }),
        auditRow({
          operation: 'READ',
          requesterRole: 'agent',
          agentId: 'bot',
          success: false,
          disclosure: 'none',
        }),
      ]);
      const ids = async (query: Parameters<typeof tx.audit.query>[0]) =>
        (await tx.audit.query(query)).map((e) => e.id);
      expect(await ids({ operation: 'READ' })).toEqual([2, 3, 4, 5]);
      expect(await ids({ requesterRole: 'viewer' })).toEqual([4]);
      expect(await ids({ requester: 'bot' })).toEqual([3, 5]);
      expect(await ids({ requester: 'tok_v' })).toEqual([4]);
      expect(await ids({ success: false })).toEqual([5]);
      expect(await ids({ success: true, operation: 'READ' })).toEqual([2, 3, 4]);
      expect(await ids({ disclosure: 'value' })).toEqual([3]);
      expect(await ids({ beforeId: 4 })).toEqual([1, 2, 3]);
      expect(await ids({ beforeId: 5, latest: true, limit: 2 })).toEqual([3, 4]);
      expect(await ids({ afterId: 1, beforeId: 4 })).toEqual([2, 3]);
      expect((await tx.audit.query({ afterId: 2, limit: 1 }))[0]).toMatchObject({ disclosure: 'value' });
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
    expect(await db.raw('SELECT count(*) AS n FROM audit_prune_gate')).toEqual([{ n: postgres() ? '0' : 0 }]);
    await expect(db.raw('DELETE FROM audit_chain_anchors')).rejects.toThrow(/append-only/);
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

const zeroBoolean = () => (postgres() ? 'false' : '0');

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

  it('tells watchers of every connection when the feed moves, and nothing for a rollback', async () => {
    const other = await openStorage(db.location);
    const heard: number[] = [];
    const subscription = await other.watchChanges((latest) => heard.push(latest));
    const change = { kind: 'created', name: 'A', environment: 'production', changedAt: 1 } as const;
    await expect(
      storage.transaction(async (tx) => {
        await tx.changes.record(change);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // PostgreSQL's sequences do not roll back: the committed change may be number 2.
    const seq = await storage.transaction((tx) => tx.changes.record(change));
    await expect.poll(() => heard.at(-1), { timeout: 2_000 }).toBe(seq);
    await subscription.close();
    await other.close();
    expect(heard.every((latest) => latest === seq)).toBe(true);
  });

  it('keeps settings unless told to replace them', async () => {
    await storage.transaction(async (tx) => {
      await tx.meta.set('fingerprint', 'one');
      await expect(tx.meta.set('fingerprint', 'two')).rejects.toThrow(/already set/);
      await tx.meta.set('fingerprint', 'three', { replace: true });
      expect(await tx.meta.get('fingerprint')).toBe('three');
      expect(await tx.meta.get('missing')).toBeUndefined();
      expect(await tx.meta.entries()).toEqual([['fingerprint', 'three']]);
    });
  });
});

describe('opening', () => {
  it('records its migrations', async () => {
    expect(await storage.appliedMigrations()).toEqual([
      { version: 1, name: '001_meta' },
      { version: 2, name: '002_secrets' },
      { version: 3, name: '003_access_tokens' },
      { version: 4, name: '004_token_mac' },
      { version: 5, name: '005_audit_digest' },
      { version: 6, name: '006_audit_disclosure' },
    ]);
    expect(storage.migratedNow.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('opens an existing database without re-applying migrations', async () => {
    await storage.transaction((tx) => tx.secrets.insert(secretRow()));
    await storage.close();
    storage = await openStorage(db.location);
    expect(storage.migratedNow).toEqual([]);
    await storage.transaction(async (tx) => expect(await tx.secrets.count()).toBe(1));
  });

  it('refuses a database written by a newer version', async () => {
    await db.raw("INSERT INTO schema_migrations VALUES (99, '099_future', 'x', 0)");
    await expect(openStorage(db.location)).rejects.toMatchObject({ code: 'SCHEMA_TOO_NEW' });
    await expect(openStorage(db.location, { migrate: true })).rejects.toMatchObject({
      code: 'SCHEMA_TOO_NEW',
    });
  });

  it('refuses a database whose applied migration was edited', async () => {
    await db.raw("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 2");
    await expect(openStorage(db.location)).rejects.toMatchObject({ code: 'SCHEMA_MISMATCH' });
  });

  it('refuses to be used after close', async () => {
    await storage.close();
    await expect(storage.transaction((tx) => tx.secrets.count())).rejects.toThrow(/closed/);
    storage = await openStorage(db.location);
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
    expect(await storage.transaction((tx) => tx.tokens.revoke(row.id, 1_700_000_500, 'e'.repeat(64)))).toBe(
      true,
    );
    expect(await storage.transaction((tx) => tx.tokens.revoke(row.id, 1_700_000_600, 'e'.repeat(64)))).toBe(
      false,
    );
    expect(await storage.transaction((tx) => tx.tokens.revoke('missing', 1, null))).toBe(false);
    const revoked = await storage.transaction((tx) => tx.tokens.find(row.id));
    expect(revoked).toMatchObject({ revokedAt: 1_700_000_500, mac: 'e'.repeat(64) });
  });

  it('cannot be deleted, re-scoped or un-revoked, even with direct access to the database', async () => {
    const row = tokenRow();
    await storage.transaction((tx) => tx.tokens.insert(row));
    await expect(db.raw('DELETE FROM access_tokens')).rejects.toThrow(/revoke instead/);
    await expect(db.raw("UPDATE access_tokens SET role = 'admin', environments = NULL")).rejects.toThrow(
      /only be revoked/,
    );
    await db.raw('UPDATE access_tokens SET revoked_at = 5');
    await expect(db.raw('UPDATE access_tokens SET revoked_at = NULL')).rejects.toThrow(/only be revoked/);
  });

  it('reads a hand-edited scope as reaching nothing, never as reaching everything', async () => {
    const row = tokenRow({ environments: ['production'] });
    await db.dropTrigger('access_tokens_only_revoke', 'access_tokens');
    await storage.transaction((tx) => tx.tokens.insert(row));
    await db.raw('UPDATE access_tokens SET environments = \'{"not": "a list"}\'');
    expect((await storage.transaction((tx) => tx.tokens.find(row.id)))?.environments).toEqual([]);
  });

  it('refuses a malformed row', async () => {
    await expect(
      storage.transaction((tx) => tx.tokens.insert(tokenRow({ tokenHash: 'short' }))),
    ).rejects.toMatchObject({ code: 'STORAGE_FAILED' });
  });
});
