/**
 * Finding 10 of issue 14: a PostgreSQL connection that dies (a terminated backend, a restart, a
 * failover, a network cut) must not end the process. Operations fail with STORAGE_UNAVAILABLE
 * while the database is away and work again once it is back; nothing acknowledged is lost and the
 * audit chain still verifies; `health()` says whether the database is reachable.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  freshDatabase,
  freshPostgresDatabase,
  type OwnPostgresDatabase,
  startTcpProxy,
  type TcpProxy,
} from '@iron/secrets-storage/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isIronSecretsError } from './errors.js';
import { SecretsManager } from './secrets-manager.js';
import { backend, newMasterKey, onCleanup } from './test-support.js';

/** What reached the process as an uncaught exception: an 'error' event nobody listened to. */
const uncaught: unknown[] = [];
const onUncaught = (error: unknown) => uncaught.push(error);
beforeEach(() => {
  uncaught.length = 0;
  process.on('uncaughtException', onUncaught);
});
afterEach(() => {
  process.off('uncaughtException', onUncaught);
});

/** Writers and readers running at once while backends are terminated under them. */
const WORKERS = 8;
/** How long backends keep being terminated, and how often. */
const KILLING_MS = 3_000;
const KILL_EVERY_MS = 100;

async function open(database: string): Promise<SecretsManager> {
  const manager = await SecretsManager.open({ database, masterKey: newMasterKey(), migrate: true });
  onCleanup(() => manager.close());
  return manager;
}

/** An operation's outcome under load: done, STORAGE_UNAVAILABLE, or any other error (a bug). */
async function outcome(operation: Promise<unknown>): Promise<'done' | 'unavailable' | Error> {
  try {
    await operation;
    return 'done';
  } catch (error) {
    if (isIronSecretsError(error, 'STORAGE_UNAVAILABLE')) return 'unavailable';
    return error as Error;
  }
}

describe.skipIf(backend !== 'postgres')('PostgreSQL connections dying (issue 14, finding 10)', () => {
  it('backends terminated under load: the process stays up, recovers, nothing acknowledged is lost, the chain verifies', async () => {
    const db: OwnPostgresDatabase = await freshPostgresDatabase();
    onCleanup(() => db.drop());
    const manager = await open(db.location);
    await manager.createSecret('OPENAI_API_KEY', 'sk-proj-first-value-0001', 'production');

    /** Every write the manager acknowledged, and the value it acknowledged. */
    const acknowledged = new Map<string, string>();
    const counts = { done: 0, unavailable: 0, terminated: 0 };
    /** Failures other than STORAGE_UNAVAILABLE (STORAGE_FAILED for a lost connection, a wrong value). */
    const unexpected: string[] = [];
    const tally = (result: 'done' | 'unavailable' | Error) => {
      if (result instanceof Error) unexpected.push(`${result.name}: ${result.message}`);
      else counts[result] += 1;
      return result === 'done';
    };
    let killing = true;
    const worker = async (id: number) => {
      for (let i = 0; killing; i += 1) {
        const name = `KEY_${id}_${i % 5}`;
        const value = `value-${id}-${i}-long-enough`;
        if (tally(await outcome(manager.setSecret(name, value, 'staging')))) acknowledged.set(name, value);
        const read = manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' });
        if (tally(await outcome(read)) && (await read) !== 'sk-proj-first-value-0001') {
          unexpected.push('a read returned another value');
        }
      }
    };
    const killer = async () => {
      const until = Date.now() + KILLING_MS;
      while (Date.now() < until) {
        counts.terminated += await db.terminateBackends();
        await sleep(KILL_EVERY_MS);
      }
      killing = false;
    };
    await Promise.all([killer(), ...Array.from({ length: WORKERS }, (_, id) => worker(id))]);

    expect(uncaught.map(String)).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(counts.terminated).toBeGreaterThan(5);
    expect(counts.done).toBeGreaterThan(0);

    // The database is left alone again: every operation succeeds.
    await expect(manager.health()).resolves.toMatchObject({ ok: true, database: 'reachable' });
    await manager.setSecret('AFTER', 'value-after-the-storm', 'staging');
    const stored = await manager.listSecrets('admin', 'staging');
    for (const [name, value] of acknowledged) {
      expect(stored.map((secret) => secret.name)).toContain(name);
      expect(await manager.getSecret(name, 'admin', { environment: 'staging' })).toBe(value);
    }
    expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
    expect(uncaught.map(String)).toEqual([]);
  }, 60_000);

  it('the database goes away and comes back: STORAGE_UNAVAILABLE and an unreachable health meanwhile, then work again', async () => {
    const db = await freshDatabase('postgres');
    onCleanup(() => db.drop());
    const proxy: TcpProxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    onCleanup(() => proxy.close());
    const manager = await open(proxy.via(db.location));
    await manager.createSecret('OPENAI_API_KEY', 'sk-proj-first-value-0001', 'production');
    const subscription = await manager.watchChanges(() => {});
    onCleanup(() => subscription.close());
    expect(await manager.health()).toMatchObject({ ok: true, database: 'reachable' });

    // Every connection cut, new ones refused: a database that stopped, or a network cut.
    proxy.cut('refuse');
    await expect(manager.setSecret('DURING', 'value-during-outage', 'staging')).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    await expect(
      manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' }),
    ).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(await manager.health()).toMatchObject({
      ok: false,
      database: 'unreachable',
      code: 'STORAGE_UNAVAILABLE',
    });
    await sleep(500); // the change feed's connection retries meanwhile
    expect(uncaught.map(String)).toEqual([]);

    proxy.restore();
    await expect.poll(async () => (await manager.health()).database, { timeout: 10_000 }).toBe('reachable');
    await manager.setSecret('AFTER', 'value-after-outage', 'staging');
    expect(await manager.getSecret('OPENAI_API_KEY', 'agent', { environment: 'production' })).toBe(
      'sk-proj-first-value-0001',
    );
    expect(await manager.verifyAuditLog()).toMatchObject({ ok: true });
    expect(uncaught.map(String)).toEqual([]);
  }, 60_000);
});
