/**
 * Two storages on one SQLite file in one process (two managers of a library user, a test opening
 * a second instance): their write transactions must queue in JavaScript. Each transaction holds
 * SQLite's write lock across awaits; a second connection's BEGIN IMMEDIATE in the same thread
 * would wait in SQLite's busy handler, which blocks the thread, so the first could never finish:
 * every such collision cost the busy timeout and failed STORAGE_FAILED (issue 16).
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { temporaryDirectory } from '../test-fixtures.js';
import { openSqliteStorage } from './open-sqlite-storage.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('write transactions of two storages on one file, in one process', () => {
  it('queue instead of blocking each other until the busy timeout', async () => {
    const dir = temporaryDirectory();
    cleanups.push(() => dir.remove());
    const file = join(dir.path, 'secrets.db');
    const first = await openSqliteStorage(file, { busyTimeoutMs: 300 });
    cleanups.push(() => first.close());
    // The same file by another spelling of its path.
    const second = await openSqliteStorage(join(dir.path, '.', 'secrets.db'), { busyTimeoutMs: 300 });
    cleanups.push(() => second.close());

    const write = (storage: typeof first, n: number) =>
      storage.transaction(async (tx) => {
        await tx.meta.set(`key-${n}`, 'before');
        await sleep(5); // work that awaits inside the transaction (a derivation, a worker)
        await tx.meta.set(`key-${n}`, 'after', { replace: true });
      });
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, n) => write(n % 2 === 0 ? first : second, n)),
    );
    expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
    const entries = await second.transaction((tx) => tx.meta.entries(), { readOnly: true });
    expect(entries.filter(([key]) => key.startsWith('key-')).map(([, value]) => value)).toEqual(
      Array.from({ length: 16 }, () => 'after'),
    );
    // A reader of one is not held up by the other's writer.
    await first.transaction(async () => {
      await second.transaction((tx) => tx.meta.entries(), { readOnly: true });
    });
  }, 30_000);
});
