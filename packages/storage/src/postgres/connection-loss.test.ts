/**
 * PostgreSQL connections that die under the store (a terminated backend, a restart, a failover, a
 * network cut): the process survives, the operation fails with STORAGE_UNAVAILABLE or is run again
 * where that is safe, a COMMIT whose answer was lost is neither reported as done when it was not
 * nor applied twice, and the store works again once the database is back.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Storage } from '../storage.js';
import {
  freshDatabase,
  isSimpleQuery,
  startTcpProxy,
  type TcpProxy,
  type TestDatabase,
  testBackend,
} from '../testing.js';
import { openPostgresStorage } from './open-postgres-storage.js';

const onPostgres = it.skipIf(testBackend() !== 'postgres');

/** Matches the first key of the writers' advisory lock (open-postgres-storage.ts). */
const WRITE_LOCK_CLASS = 0x1e0_5ec0;

let db: TestDatabase;
let schema: string;
let proxy: TcpProxy | undefined;
const opened: Storage[] = [];
/** What reached the process as an uncaught exception: an 'error' event nobody listened to. */
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);

beforeEach(async () => {
  if (testBackend() !== 'postgres') return;
  db = await freshDatabase('postgres');
  schema = new URL(db.location).searchParams.get('options')!.split('=')[1]!;
  uncaught.length = 0;
  process.on('uncaughtException', onUncaught);
});

afterEach(async () => {
  if (testBackend() !== 'postgres') return;
  process.off('uncaughtException', onUncaught);
  for (const storage of opened.splice(0)) await storage.close().catch(() => {});
  await proxy?.close();
  proxy = undefined;
  await db.drop();
});

async function open(location = db.location, connectTimeoutMs?: number): Promise<Storage> {
  const storage = await openPostgresStorage(location, {
    migrate: true,
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  opened.push(storage);
  return storage;
}

/** Backends of this test's schema that hold (or wait for) the writers' lock. */
async function writerPids(granted: boolean): Promise<number[]> {
  const rows = await db.raw(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = hashtext($2)::oid
       AND objsubid = 2 AND granted = $3`,
    [WRITE_LOCK_CLASS, schema, granted],
  );
  return rows.map((row) => Number(row.pid));
}

/** Terminates `pid` and waits until its connection is gone, so its client has heard of it. */
async function terminate(pid: number): Promise<void> {
  await db.raw('SELECT pg_terminate_backend($1)', [pid]);
  await expect
    .poll(async () => (await db.raw('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length)
    .toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const countMeta = async (storage: Storage, prefix: string) =>
  (await storage.transaction((tx) => tx.meta.entries(), { readOnly: true })).filter(([key]) =>
    key.startsWith(prefix),
  ).length;

onPostgres(
  'a backend terminated while its client is checked out: no crash, the attempt is run again, applied once',
  async () => {
    const storage = await open();
    let attempts = 0;
    const result = await storage.transaction(async (tx) => {
      attempts += 1;
      await tx.meta.set(`once-${attempts}`, 'x');
      if (attempts === 1) {
        const [pid] = await writerPids(true);
        await terminate(pid!);
      }
      await tx.meta.set('once-last', String(attempts));
      return attempts;
    });
    expect(result).toBe(2);
    // The first attempt rolled back with its connection; the second committed.
    expect(await storage.transaction((tx) => tx.meta.get('once-1'), { readOnly: true })).toBeUndefined();
    expect(await storage.transaction((tx) => tx.meta.get('once-2'), { readOnly: true })).toBe('x');
    expect(uncaught).toEqual([]);
  },
);

onPostgres(
  'a backend terminated on every attempt: STORAGE_UNAVAILABLE, no crash, and the next transaction works',
  async () => {
    const storage = await open();
    const failed = storage.transaction(async (tx) => {
      await tx.meta.set('never', 'x');
      const [pid] = await writerPids(true);
      await terminate(pid!);
      await tx.meta.set('never-either', 'x');
    });
    await expect(failed).rejects.toMatchObject({ name: 'StorageError', code: 'STORAGE_UNAVAILABLE' });
    expect(uncaught).toEqual([]);
    await storage.transaction((tx) => tx.meta.set('after', 'x'));
    expect(await countMeta(storage, 'never')).toBe(0);
    expect(await countMeta(storage, 'after')).toBe(1);
  },
);

onPostgres(
  'a backend terminated while its statement runs (waiting for the lock): STORAGE_UNAVAILABLE, not STORAGE_FAILED',
  async () => {
    const storage = await open();
    // Another session holds the writers' lock, so our transaction's lock statement waits.
    const pg = (await import('pg')).default;
    const holder = new pg.Client({ connectionString: db.location });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))', [WRITE_LOCK_CLASS]);
      const failed = storage.transaction((tx) => tx.meta.set('blocked', 'x'));
      const killer = (async () => {
        // Every attempt waits on the lock; terminate each waiting backend in turn.
        for (let i = 0; i < 10; i++) {
          let pid: number | undefined;
          await expect
            .poll(async () => {
              pid = (await writerPids(false))[0];
              return pid;
            })
            .toBeDefined();
          await db.raw('SELECT pg_terminate_backend($1)', [pid]);
        }
      })().catch(() => {});
      await expect(failed).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      void killer;
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await holder.end();
    }
    expect(uncaught).toEqual([]);
    await storage.transaction((tx) => tx.meta.set('after', 'x'));
  },
);

onPostgres(
  'the connection lost before COMMIT reached the server: found rolled back, run again, applied once',
  async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const storage = await open(proxy.via(db.location));
    let cuts = 0;
    proxy.onClientMessage = (chunk) => {
      if (cuts === 0 && isSimpleQuery(chunk, 'COMMIT')) {
        cuts += 1;
        return 'cut-before';
      }
      return 'forward';
    };
    let attempts = 0;
    await storage.transaction(async (tx) => {
      attempts += 1;
      await tx.meta.set(`before-commit-${attempts}`, 'x');
    });
    expect(cuts).toBe(1);
    expect(attempts).toBe(2);
    expect(await countMeta(storage, 'before-commit')).toBe(1);
    expect(uncaught).toEqual([]);
  },
);

onPostgres(
  'the answer to COMMIT lost after the server had it: found committed, reported done, not run again',
  async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const storage = await open(proxy.via(db.location));
    let cuts = 0;
    proxy.onClientMessage = (chunk) => {
      if (cuts === 0 && isSimpleQuery(chunk, 'COMMIT')) {
        cuts += 1;
        return 'cut-after';
      }
      return 'forward';
    };
    let attempts = 0;
    const result = await storage.transaction(async (tx) => {
      attempts += 1;
      await tx.meta.set(`after-commit-${attempts}`, 'x');
      return 'done';
    });
    expect(result).toBe('done');
    expect(cuts).toBe(1);
    expect(attempts).toBe(1);
    expect(await countMeta(storage, 'after-commit')).toBe(1);
    expect(uncaught).toEqual([]);
  },
);

onPostgres(
  'the database away (connections reset): STORAGE_UNAVAILABLE within a second, and back to work once it returns',
  async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const storage = await open(proxy.via(db.location), 1_000);
    await storage.transaction((tx) => tx.meta.set('before', 'x'));
    proxy.cut('refuse');
    for (const readOnly of [false, true]) {
      const started = Date.now();
      await expect(storage.transaction((tx) => tx.meta.get('before'), { readOnly })).rejects.toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
      });
      expect(Date.now() - started).toBeLessThan(1_500);
    }
    proxy.restore();
    await storage.transaction((tx) => tx.meta.set('after', 'x'));
    expect(await countMeta(storage, 'after')).toBe(1);
    expect(uncaught).toEqual([]);
  },
);

onPostgres(
  'the database unreachable (connections hang): STORAGE_UNAVAILABLE after the connect timeout, not later',
  async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const storage = await open(proxy.via(db.location), 500);
    await storage.transaction((tx) => tx.meta.set('before', 'x'));
    proxy.cut('hang');
    const started = Date.now();
    await expect(storage.transaction((tx) => tx.meta.set('during', 'x'))).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(Date.now() - started).toBeLessThan(2_500);
    proxy.restore();
    // For a moment after a connect timeout, transactions fail at once rather than each waiting
    // as long again; then they reach the database.
    await expect
      .poll(
        () =>
          storage
            .transaction((tx) => tx.meta.set('after', 'x'))
            .then(
              () => 'saved',
              () => 'failed',
            ),
        {
          timeout: 3_000,
        },
      )
      .toBe('saved');
    expect(uncaught).toEqual([]);
  },
);

onPostgres(
  'the change watch survives the database going away: it reconnects and announces what it missed',
  async () => {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    const writer = await open();
    const watcher = await open(proxy.via(db.location), 1_000);
    const heard: number[] = [];
    const subscription = await watcher.watchChanges((latest) => heard.push(latest));
    const change = { kind: 'updated', name: 'A', environment: 'production', changedAt: 1 } as const;

    proxy.cut('refuse');
    // Committed while the watcher's instance cannot reach the database: no NOTIFY reaches it.
    const missed = await writer.transaction((tx) => tx.changes.record(change));
    await new Promise((resolve) => setTimeout(resolve, 700)); // a few failed reconnections
    expect(heard).not.toContain(missed);
    proxy.restore();
    await expect.poll(() => heard.at(-1), { timeout: 8_000 }).toBe(missed);

    const next = await writer.transaction((tx) => tx.changes.record(change));
    await expect.poll(() => heard.at(-1), { timeout: 3_000 }).toBe(next);
    await subscription.close();
    expect(uncaught).toEqual([]);
  },
);
