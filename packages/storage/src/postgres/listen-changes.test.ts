/** PostgreSQL's change watch when its connection drops: it comes back and announces what it missed. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStorage } from '../open-storage.js';
import type { Storage } from '../storage.js';
import { freshDatabase, type TestDatabase, testBackend } from '../testing.js';

let db: TestDatabase;
let writer: Storage;
let watcher: Storage;

beforeEach(async () => {
  if (testBackend() !== 'postgres') return;
  db = await freshDatabase('postgres');
  writer = await openStorage(db.location, { migrate: true });
  watcher = await openStorage(db.location);
});

afterEach(async () => {
  if (testBackend() !== 'postgres') return;
  await writer.close();
  await watcher.close();
  await db.drop();
});

const change = { kind: 'updated', name: 'A', environment: 'production', changedAt: 1 } as const;

it.skipIf(testBackend() !== 'postgres')(
  'reconnects a dropped LISTEN connection and announces what committed while it was down',
  async () => {
    const heard: number[] = [];
    const subscription = await watcher.watchChanges((latest) => heard.push(latest));
    const listener = async () =>
      (
        await db.raw('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [
          `iron-secrets listen ${new URL(db.location).searchParams.get('options')!.split('=')[1]}`,
        ])
      )[0]?.pid;
    const before = await listener();
    expect(before).toBeDefined();

    await db.raw('SELECT pg_terminate_backend($1)', [before]);
    // Committed at once, while the listener is down: no NOTIFY reaches it.
    const missed = await writer.transaction((tx) => tx.changes.record(change));
    await expect.poll(() => heard.at(-1), { timeout: 5_000 }).toBe(missed);
    await expect.poll(listener, { timeout: 5_000 }).not.toBe(before);

    // And it hears new changes on the new connection.
    const next = await writer.transaction((tx) => tx.changes.record(change));
    await expect.poll(() => heard.at(-1), { timeout: 2_000 }).toBe(next);
    await subscription.close();
  },
);
