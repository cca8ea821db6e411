/**
 * What wakes a change-feed watcher besides a change (issue 14, findings 5 and 6): an announcement
 * (a token revocation) reaches every instance, and on SQLite an audit entry appended by another
 * process does too, so that audit followers and token watchers need no poll of their own.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openStorage } from './open-storage.js';
import type { Storage } from './storage.js';
import { auditRow } from './test-fixtures.js';
import { freshDatabase, type TestDatabase, testBackend } from './testing.js';

let db: TestDatabase;
let writer: Storage;
let watcher: Storage;

beforeEach(async () => {
  db = await freshDatabase();
  writer = await openStorage(db.location, { migrate: true, changePollMs: 20 });
  watcher = await openStorage(db.location, { changePollMs: 20 });
});

afterEach(async () => {
  await writer.close();
  await watcher.close();
  await db.drop();
});

it('an announcement with an audit entry wakes the watchers of another connection, with the current head', async () => {
  const change = { kind: 'created', name: 'A', environment: 'production', changedAt: 1 } as const;
  const seq = await writer.transaction((tx) => tx.changes.record(change));
  const heard: number[] = [];
  const subscription = await watcher.watchChanges((latest) => heard.push(latest));
  // What a revocation does: an audit entry and an announcement, and no change row.
  await writer.transaction(async (tx) => {
    await tx.audit.append([auditRow({ secretName: 'token:0123456789ab', operation: 'DELETE' })]);
    await tx.changes.announce();
  });
  await expect.poll(() => heard.length, { timeout: 2_000 }).toBeGreaterThan(0);
  expect(heard.every((latest) => latest === seq)).toBe(true);
  expect(await writer.transaction((tx) => tx.changes.latest())).toBe(seq);
  await subscription.close();
});

it('an announcement in a transaction that rolls back wakes nobody', async () => {
  const heard: number[] = [];
  const subscription = await watcher.watchChanges((latest) => heard.push(latest));
  await expect(
    writer.transaction(async (tx) => {
      await tx.audit.append([auditRow()]);
      await tx.changes.announce();
      throw new Error('rolled back');
    }),
  ).rejects.toThrow('rolled back');
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(heard).toEqual([]);
  await subscription.close();
});

it.skipIf(testBackend() !== 'sqlite')(
  'SQLite: any audit entry another process appends wakes the watchers (the poll reads the audit head)',
  async () => {
    const heard: number[] = [];
    const subscription = await watcher.watchChanges((latest) => heard.push(latest));
    await writer.transaction((tx) => tx.audit.append([auditRow({ operation: 'READ' })]));
    await expect.poll(() => heard, { timeout: 2_000 }).toEqual([0]);
    await subscription.close();
  },
);
